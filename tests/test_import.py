"""``manage.py import_policies``: idempotent, precise about bad records, honest exit status."""

import copy
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from wagtail.models import Revision

from policies.models import Department, PolicyPage

RECORD = {
    "external_id": "cdht-2024-017",
    "title": "成都高新区支持企业加大研发投入的若干政策",
    "title_en": "Measures to support enterprise R&D investment",
    "department": "成都高新区科技创新局",
    "document_number": "成高管发〔2024〕3号",
    "policy_type": "subsidy",
    "effective_date": "2024-01-01",
    "expiry_date": "2026-12-31",
    "summary": "对研发投入达到一定比例的企业给予补贴。",
    "body": "第一条 为支持企业加大研发投入……\n\n第二条 支持对象……",
    "interpretation": "简单来说：研发投入越多，补贴越多。",
    "apply_free": False,
    "max_amount_wan": 100,
    "criteria": {
        "industries": ["I65", "C39"],
        "areas": ["south", "west"],
        "sizes": ["micro", "small", "medium"],
        "qualifications_all": ["hnte"],
        "qualifications_any": [],
        "min_years_established": 1,
        "min_rd_ratio": 3.0,
        "min_revenue_wan": 500,
        "max_revenue_wan": None,
        "min_employees": None,
        "requires_good_credit": True,
    },
}


def write(tmp_path, records, name="policies.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"policies": records}, ensure_ascii=False), encoding="utf-8")
    return str(path)


def run(path, *args, language="en"):
    """Run the command; return (exit status, stdout, stderr)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        with translation.override(language):
            call_command("import_policies", path, *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_creates_a_published_policy_with_every_field(tmp_path):
    status, out, _err = run(write(tmp_path, [RECORD]), "--publish")
    assert status == 0
    assert "1 created" in out
    page = PolicyPage.objects.get(external_id="cdht-2024-017")
    assert page.live
    assert page.department.name == "成都高新区科技创新局"
    assert page.document_number == "成高管发〔2024〕3号"
    assert page.expiry_date.isoformat() == "2026-12-31"
    assert [block.block_type for block in page.body] == ["paragraph", "paragraph"]
    assert "研发投入越多" in page.interpretation
    assert page.criteria == RECORD["criteria"]


@pytest.mark.django_db
def test_importing_twice_updates_and_never_duplicates(tmp_path):
    path = write(tmp_path, [RECORD])
    run(path, "--publish")
    revisions = Revision.objects.count()
    status, out, _err = run(path, "--publish")
    assert status == 0
    assert "1 unchanged" in out
    assert PolicyPage.objects.filter(external_id="cdht-2024-017").count() == 1
    assert Revision.objects.count() == revisions  # nothing changed, nothing written

    changed = copy.deepcopy(RECORD)
    changed["title"] = "成都高新区支持企业加大研发投入的若干政策（修订）"
    changed["criteria"]["min_rd_ratio"] = 4
    status, out, _err = run(write(tmp_path, [changed]), "--publish")
    assert "1 updated" in out
    page = PolicyPage.objects.get(external_id="cdht-2024-017")
    assert page.title.endswith("（修订）")
    assert page.criteria["min_rd_ratio"] == 4
    assert PolicyPage.objects.count() == 1


@pytest.mark.django_db
def test_without_publish_new_policies_are_drafts(tmp_path):
    run(write(tmp_path, [RECORD]))
    page = PolicyPage.objects.get(external_id="cdht-2024-017")
    assert not page.live
    assert page.get_latest_revision() is not None


def with_change(**changes):
    record = copy.deepcopy(RECORD)
    for key, value in changes.items():
        if key.startswith("criteria__"):
            record["criteria"][key.removeprefix("criteria__")] = value
        elif value is KeyError:
            del record[key]
        else:
            record[key] = value
    return record


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("record", "field", "fragment"),
    [
        (with_change(title=KeyError), "title", "is required"),
        (with_change(department="不存在的局"), "department", "unknown department"),
        (with_change(policy_type="grant"), "policy_type", "must be one of"),
        (with_change(effective_date="2024/01/01"), "effective_date", "YYYY-MM-DD"),
        (with_change(expiry_date="2023-01-01"), "expiry_date", "before effective_date"),
        (with_change(apply_free="no"), "apply_free", "true or false"),
        (with_change(max_amount_wan="100"), "max_amount_wan", "number"),
        (with_change(title=42), "title", "must be a string"),
        (with_change(colour="red"), "colour", "unknown field"),
        (with_change(criteria__industries=["Q9"]), "criteria.industries", "GB/T 4754"),
        (with_change(criteria__industries=["Z1234"]), "criteria.industries", "GB/T 4754"),
        (with_change(criteria__industries=["S90"]), "criteria.industries", "managed list"),
        (with_change(criteria__areas=["north"]), "criteria.areas", "unknown area"),
        (
            with_change(criteria__min_revenue_wan=900, criteria__max_revenue_wan=100),
            "criteria.max_revenue_wan",
            "below the minimum",
        ),
        (with_change(criteria="all"), "criteria.criteria", "object"),
    ],
)
def test_each_kind_of_bad_record_is_named_and_nothing_of_it_is_written(
    tmp_path, record, field, fragment
):
    good = with_change(external_id="cdht-2024-018", title="另一条正常的政策")
    status, out, err = run(write(tmp_path, [good, record]), "--publish")
    assert status != 0
    assert f"record 1 ({record.get('external_id')}): {field}:" in err
    assert fragment in err
    assert "1 created" in out  # the good record still lands
    assert not PolicyPage.objects.filter(external_id="cdht-2024-017").exists()


@pytest.mark.django_db
def test_a_record_that_is_not_an_object_is_reported(tmp_path):
    status, _out, err = run(write(tmp_path, ["just a string"]))
    assert status != 0
    assert "record 0" in err


@pytest.mark.django_db
def test_dry_run_writes_nothing_at_all(tmp_path):
    record = with_change(department="成都高新区新设局", external_id="cdht-2024-099")
    status, out, _err = run(
        write(tmp_path, [RECORD, record]), "--dry-run", "--publish", "--create-departments"
    )
    assert status == 0
    assert "dry run" in out and "2 created" in out
    assert not PolicyPage.objects.exists()
    assert not Department.objects.filter(name="成都高新区新设局").exists()


@pytest.mark.django_db
def test_dry_run_reports_errors_with_a_failing_status(tmp_path):
    status, _out, err = run(write(tmp_path, [with_change(policy_type="x")]), "--dry-run")
    assert status != 0
    assert "policy_type" in err


@pytest.mark.django_db
def test_create_departments_adds_unknown_ones(tmp_path):
    record = with_change(department="成都高新区新设局")
    status, out, _err = run(write(tmp_path, [record]), "--create-departments")
    assert status == 0
    assert "departments added: 成都高新区新设局" in out
    assert PolicyPage.objects.get().department.name == "成都高新区新设局"


@pytest.mark.django_db
def test_a_duplicated_external_id_in_one_file_is_refused(tmp_path):
    status, _out, err = run(write(tmp_path, [RECORD, RECORD]))
    assert status != 0
    assert "appears twice" in err
    assert PolicyPage.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('{"policies": [', "not valid JSON"),
        ('{"items": []}', '"policies" list'),
        ("[]", '"policies" list'),
    ],
)
def test_a_malformed_file_is_refused_as_a_whole(tmp_path, content, fragment):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    status, _out, err = run(str(path))
    assert status != 0
    assert fragment in err
    assert not PolicyPage.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_or_missing_is_refused(tmp_path):
    path = tmp_path / "gbk.json"
    path.write_bytes('{"policies": [{"title": "政策"}]}'.encode("gbk"))
    status, _out, err = run(str(path))
    assert status != 0 and "UTF-8" in err
    status, _out, err = run(str(tmp_path / "missing.json"))
    assert status != 0 and "no such file" in err


@pytest.mark.django_db
def test_messages_are_in_chinese_by_default(tmp_path):
    status, out, err = run(write(tmp_path, [with_change(policy_type="grant")]), language="zh-hans")
    assert status != 0
    assert "记录 0（cdht-2024-017）：policy_type：必须是以下之一" in err
    assert "0 条新建" in out


@pytest.mark.django_db
def test_new_policies_written_in_bulk_are_whole_wagtail_pages(tmp_path, client, monkeypatch):
    """The bulk path writes what add_child, save_revision and publish write, in a sound tree."""
    from wagtail.models import Page, PageLogEntry
    from wagtail.search.backends import get_search_backend

    from policies import importing
    from policies.models import PolicyIndexPage
    from tests.factories import make_policy

    monkeypatch.setattr(importing, "CHUNK_SIZE", 3)  # several chunks, one bad record among them
    records = [
        with_change(
            external_id=f"cdht-bulk-{n}", title=f"批量导入的政策{n}", tags=["研发", f"批{n}"]
        )
        for n in range(7)
    ]
    records[4] = with_change(external_id="cdht-bulk-4", policy_type="grant")
    status, out, err = run(write(tmp_path, records), "--publish", "--no-progress")
    assert status != 0 and "record 4 (cdht-bulk-4): policy_type:" in err
    assert "6 created" in out and "1 errors" in out
    assert "%" not in err  # no progress bar in captured output

    pages = PolicyPage.objects.filter(external_id__startswith="cdht-bulk-").order_by("path")
    assert pages.count() == 6
    for page in pages:
        assert page.live and not page.has_unpublished_changes
        assert page.live_revision_id == page.latest_revision_id is not None
        assert page.first_published_at is not None
        assert page.get_latest_revision().as_object().title == page.title
        assert "研发" in {tag.name for tag in page.tags.all()}
        actions = set(PageLogEntry.objects.filter(page=page).values_list("action", flat=True))
        assert actions == {"wagtail.create", "wagtail.edit", "wagtail.publish"}
        response = client.get(page.url)
        assert response.status_code == 200 and page.title in response.content.decode()
    assert Page.find_problems() == ([], [], [], [], [])
    index = PolicyIndexPage.objects.get()
    assert index.numchild == index.get_children().count()
    found = get_search_backend().search("批量导入的政策5", PolicyPage)
    assert [p.external_id for p in found] == ["cdht-bulk-5"]

    # The tree goes on growing by Wagtail's own API after a bulk import.
    later = make_policy(title="之后在后台写的政策")
    assert later.path > pages.last().path
    assert Page.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_bulk_drafts_wait_for_an_approver(tmp_path):
    status, _out, _err = run(write(tmp_path, [RECORD]))
    assert status == 0
    page = PolicyPage.objects.get(external_id="cdht-2024-017")
    assert not page.live and page.has_unpublished_changes and page.live_revision is None
    assert page.get_latest_revision().as_object().criteria == RECORD["criteria"]
    status, out, _err = run(write(tmp_path, [RECORD]), "--publish")
    assert "1 updated" in out
    page.refresh_from_db()
    assert page.live
