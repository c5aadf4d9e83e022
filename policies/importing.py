"""Bulk import of policies from the JSON format of INTERFACES.md.

``import_policies(data, ...)`` validates every record, writes each valid one in its own
savepoint (a bad record writes nothing of itself), and returns a report. ``external_id`` is the
key: importing the same file twice updates pages, never duplicates them, and an unchanged record
creates no new revision.
"""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .criteria import Criteria, CriteriaError, ReferenceCodes, to_decimal
from .models import Department, PolicyIndexPage, PolicyPage, PolicyType

REQUIRED = (
    "external_id",
    "title",
    "department",
    "document_number",
    "policy_type",
    "effective_date",
    "summary",
    "body",
)
OPTIONAL = (
    "title_en",
    "expiry_date",
    "interpretation",
    "max_amount_wan",
    "apply_free",
    "criteria",
    "summary_en",
    "tags",
)
STRING_FIELDS = (
    "external_id",
    "title",
    "title_en",
    "department",
    "document_number",
    "summary",
    "summary_en",
    "body",
    "interpretation",
)
MAX_LENGTHS = {
    "external_id": 64,
    "title": 255,
    "title_en": 255,
    "document_number": 100,
    "department": 100,
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (bad JSON, no ``policies`` list)."""


@dataclass
class RecordError:
    index: int
    external_id: str | None
    field: str
    message: str

    def __str__(self):
        return _("record %(index)d (%(external_id)s): %(field)s: %(message)s") % {
            "index": self.index,
            "external_id": self.external_id or _("no external_id"),
            "field": self.field,
            "message": self.message,
        }


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    departments_created: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Rollback(Exception):
    """Raised inside the dry run's transaction to undo everything it wrote."""


def import_policies(
    data,
    *,
    publish: bool = False,
    dry_run: bool = False,
    create_departments: bool = False,
    parent: PolicyIndexPage | None = None,
    user=None,
) -> ImportReport:
    """Import ``data`` (the decoded JSON document). See the module docstring."""
    if not isinstance(data, dict) or not isinstance(data.get("policies"), list):
        raise ImportFileError(_('the file must be a JSON object with a "policies" list'))
    if parent is None:
        parent = PolicyIndexPage.objects.order_by("path").first()
        if parent is None:
            raise ImportFileError(_("there is no policy index page to import under"))
    report = ImportReport()
    reference = ReferenceCodes.load()
    seen: set[str] = set()
    try:
        with transaction.atomic():
            for index, record in enumerate(data["policies"]):
                _import_one(
                    index,
                    record,
                    report,
                    reference,
                    seen,
                    parent=parent,
                    publish=publish,
                    create_departments=create_departments,
                    user=user,
                )
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


def _import_one(
    index, record, report, reference, seen, *, parent, publish, create_departments, user
):
    external_id = record.get("external_id") if isinstance(record, dict) else None
    external_id = external_id if isinstance(external_id, str) else None

    def fail(field_name, message):
        report.errors.append(RecordError(index, external_id, field_name, message))

    if not isinstance(record, dict):
        fail("record", _("must be an object"))
        return
    values, problems = _validate(record, reference)
    if external_id and external_id in seen:
        problems.append(("external_id", _("appears twice in this file")))
    if problems:
        for field_name, message in problems:
            fail(field_name, message)
        return
    seen.add(external_id)

    try:
        with transaction.atomic():
            department = Department.objects.filter(name=values.pop("department")).first()
            if department is None:
                name = record["department"].strip()
                if not create_departments:
                    fail(
                        "department",
                        _("unknown department %(name)s (use --create-departments to add it)")
                        % {"name": repr(name)},
                    )
                    return
                department = Department.objects.create(name=name)
                report.departments_created.append(name)
            values["department"] = department
            outcome = _write(values, parent=parent, publish=publish, user=user)
    except Exception as exc:  # noqa: BLE001 - one record's failure must not stop the others
        fail("record", _("could not be saved: %(error)s") % {"error": exc})
        return
    getattr(report, outcome).append(external_id)


def _validate(record, reference):
    """Check one record; return (values, [(field, message)])."""
    problems = []
    for key in REQUIRED:
        if record.get(key) in (None, ""):
            problems.append((key, _("is required")))
    for key in record:
        if key not in REQUIRED and key not in OPTIONAL:
            problems.append((key, _("unknown field")))
    for key in STRING_FIELDS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            problems.append((key, _("must be a string")))
        elif isinstance(value, str) and key in MAX_LENGTHS and len(value) > MAX_LENGTHS[key]:
            problems.append(
                (key, _("is longer than %(max)d characters") % {"max": MAX_LENGTHS[key]})
            )
    if problems:
        return {}, problems

    values = {
        "external_id": record["external_id"].strip(),
        "title": record["title"].strip(),
        "title_en": (record.get("title_en") or "").strip(),
        "department": record["department"].strip(),
        "document_number": record["document_number"].strip(),
        "summary": record["summary"].strip(),
        "summary_en": (record.get("summary_en") or "").strip(),
        "body": record["body"],
        "interpretation": record.get("interpretation") or "",
    }
    if record["policy_type"] not in PolicyType.values:
        problems.append(
            (
                "policy_type",
                _("must be one of %(values)s") % {"values": ", ".join(PolicyType.values)},
            )
        )
    else:
        values["policy_type"] = record["policy_type"]
    for key in ("effective_date", "expiry_date"):
        raw = record.get(key)
        if raw is None:
            values[key] = None
            continue
        try:
            values[key] = datetime.date.fromisoformat(raw) if isinstance(raw, str) else None
            if values[key] is None:
                raise ValueError
        except ValueError:
            problems.append((key, _("must be a date written YYYY-MM-DD")))
    if (
        values.get("effective_date")
        and values.get("expiry_date")
        and (values["expiry_date"] < values["effective_date"])
    ):
        problems.append(("expiry_date", _("is before effective_date")))
    apply_free = record.get("apply_free", False)
    if not isinstance(apply_free, bool):
        problems.append(("apply_free", _("must be true or false")))
    values["apply_free"] = apply_free is True
    amount = record.get("max_amount_wan")
    if amount is None:
        values["max_amount_wan"] = None
    else:
        number = to_decimal(amount) if not isinstance(amount, str) else None
        if number is None or number < 0 or number >= Decimal("10000000000"):
            problems.append(("max_amount_wan", _("must be a non-negative number")))
        else:
            values["max_amount_wan"] = number.quantize(Decimal("0.01"))
    tags = record.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problems.append(("tags", _("must be a list of strings")))
    values["tags"] = [t.strip() for t in tags if isinstance(t, str) and t.strip()]
    try:
        values["criteria"] = Criteria.parse(record.get("criteria"), reference).to_dict()
    except CriteriaError as exc:
        for key, messages in exc.errors.items():
            problems.append((f"criteria.{key}", "; ".join(messages)))
    return values, problems


def _body_blocks(text: str) -> list[dict]:
    """Plain text with blank lines between paragraphs, as paragraph blocks."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return [
        {"type": "paragraph", "value": "<p>" + html.escape(p).replace("\n", "<br/>") + "</p>"}
        for p in paragraphs
    ]


def _interpretation_html(text: str) -> str:
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br/>") + "</p>" for p in paragraphs)


def _write(values, *, parent, publish, user) -> str:
    """Create or update the page of one valid record; return created/updated/unchanged."""
    tags = values.pop("tags")
    body_text = values.pop("body")
    values["interpretation"] = _interpretation_html(values["interpretation"])
    page = PolicyPage.objects.filter(external_id=values["external_id"]).first()
    if page is None:
        page = PolicyPage(
            **values,
            body=_body_blocks(body_text),
            slug=_unique_slug(parent, values["external_id"]),
            live=False,
        )
        parent.add_child(instance=page)
        page.tags.set(tags)
        revision = page.save_revision(user=user, log_action=True)
        if publish:
            revision.publish(user=user)
        return "created"

    draft = page.get_latest_revision_as_object()
    # Blocks an editor added by hand (headings, images) count as a difference: the file is the
    # source of an imported policy, so a changed record rewrites the body as the file says.
    current_body = [
        {
            "type": b.block_type,
            "value": b.value.source if b.block_type == "paragraph" else repr(b.value),
        }
        for b in draft.body
    ]
    changed = any(getattr(draft, key) != value for key, value in values.items())
    changed |= current_body != _body_blocks(body_text)
    changed |= sorted(t.name for t in draft.tags.all()) != sorted(tags)
    if not changed and (page.live or not publish) and not page.has_unpublished_changes:
        return "unchanged"
    for key, value in values.items():
        setattr(draft, key, value)
    draft.body = _body_blocks(body_text)
    draft.tags.set(tags)
    revision = draft.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    return "updated"


def _unique_slug(parent, external_id: str) -> str:
    base = slugify(external_id)[:70] or "policy"
    slug, n = base, 2
    while parent.get_children().filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
