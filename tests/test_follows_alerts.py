"""Alerts, each with a frozen clock: followed policies changing or repealed, new policies of
followed departments, tags and searches, programmes opening and closing (30, 7, 1 days), the
digests, the unsubscribe headers and the feeds — each told once, however often the task runs."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from icalendar import Calendar

from enterprises.models import Area
from follows import alerts, tasks
from follows.models import Follow, ProgrammeAlert
from notifications import services as message_services
from notifications.models import Notification, NotificationPreference
from tests.factories import (
    make_application,
    make_enterprise,
    make_member,
    make_policy,
    make_programme,
    make_user,
    make_verified_enterprise,
)
from tests.follow_support import freeze, revise, tagged_policy
from tests.matching_support import enterprises_index, policies_index  # noqa: F401
from tests.outbox_support import deliver

pytestmark = pytest.mark.django_db
CST = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=CST)  # a Monday


def messages_of(user, kind=None):
    notes = Notification.objects.filter(user=user)
    return list(notes.filter(kind=kind) if kind else notes)


@pytest.fixture
def follower(db):
    return make_user("follower@test.example")


# --- followed policies ------------------------------------------------------------------------
def test_a_followed_policy_that_changes_tells_its_followers_once(
    follower, monkeypatch, django_capture_on_commit_callbacks
):
    freeze(monkeypatch, NOW)
    policy = make_policy(title="被关注的政策", summary="最高100万元。")
    Follow.objects.create(user=follower, kind="policy", policy=policy)
    bystander = make_user("bystander@test.example")
    with django_capture_on_commit_callbacks(execute=True):
        revision = revise(policy, summary="最高200万元。")
    [note] = messages_of(follower, alerts.KIND_POLICY)
    assert "被关注的政策" in note.title and "政策概要" in note.body
    assert note.url.endswith("history/2/")
    assert messages_of(bystander) == []
    # The task retried (a lost acknowledgement, a redelivery) tells nobody twice.
    tasks.policy_published.delay(policy.pk, revision.pk)
    alerts.policy_published(policy.pk, revision.pk)
    assert len(messages_of(follower, alerts.KIND_POLICY)) == 1
    # A republish without a change tells nobody.
    with django_capture_on_commit_callbacks(execute=True):
        revise(policy)
    assert len(messages_of(follower, alerts.KIND_POLICY)) == 1


def test_a_followed_policy_that_is_repealed_says_so(
    follower, monkeypatch, django_capture_on_commit_callbacks
):
    freeze(monkeypatch, NOW)
    successor = make_policy(title="新办法")
    policy = make_policy(title="旧办法")
    Follow.objects.create(user=follower, kind="policy", policy=policy)
    with django_capture_on_commit_callbacks(execute=True):
        revise(policy, repealed_on=datetime.date(2026, 4, 1), superseded_by=successor)
    [note] = messages_of(follower, alerts.KIND_POLICY)
    assert "废止" in note.title
    assert "2026-04-01" in note.body and "新办法" in note.body


def test_new_policies_of_followed_departments_tags_and_searches(
    monkeypatch,
    policies_index,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    freeze(monkeypatch, NOW)
    from policies.models import Department

    science, other = Department.objects.order_by("pk")[:2]
    by_department = make_user("dept@test.example")
    by_tag = make_user("tag@test.example")
    by_search = make_user("search@test.example")
    by_nothing = make_user("nothing@test.example")
    Follow.objects.create(user=by_department, kind="department", department=science)
    seed = tagged_policy(["专精特新"], department=other)
    deliver()  # the seed policy's own alerts, before anyone follows its tag
    Follow.objects.create(user=by_tag, kind="tag", tag=seed.tags.get())
    Follow.objects.create(
        user=by_search, kind="search", query={"q": "人工智能", "filters": {"type": ["award"]}}
    )
    Follow.objects.create(
        user=by_nothing, kind="search", query={"q": "人工智能", "filters": {"type": ["tax"]}}
    )
    with django_capture_on_commit_callbacks(execute=True):
        new = tagged_policy(
            ["专精特新"],
            title="人工智能企业奖励办法",
            department=science,
            policy_type="award",
        )
    deliver()
    tasks.policy_published.delay(new.pk, new.live_revision_id)  # a retry tells nobody twice
    for user in (by_department, by_tag, by_search):
        [note] = messages_of(user, alerts.KIND_NEW)
        assert "人工智能企业奖励办法" in note.title
    assert messages_of(by_nothing) == []


# --- programmes -------------------------------------------------------------------------------
@pytest.fixture
def fitting(enterprises_index, policies_index):  # noqa: F811
    """Two companies in the south (the policy fits them) and one in the west (it does not)."""
    south = Area.objects.get(code="south")
    a = make_verified_enterprise(make_user("a-admin@test.example"), name="甲公司", area=south)
    b = make_verified_enterprise(make_user("b-admin@test.example"), name="乙公司", area=south)
    west = make_enterprise(
        make_user("w-admin@test.example"), name="西区公司", area=Area.objects.get(code="west")
    )
    member = make_member(a, "a-member@test.example")
    enterprises_index(a, b, west)
    policy = make_policy(title="南区研发补贴", criteria={"areas": ["south"]})
    return {"a": a, "b": b, "west": west, "member": member, "policy": policy}


def programme(policy, opens, closes):
    return make_programme(policy, name="2026年度南区研发补贴申报", opens_at=opens, closes_at=closes)


def told(enterprise, stage):
    return set(
        ProgrammeAlert.objects.filter(enterprise=enterprise, stage=stage).values_list(
            "programme_id", flat=True
        )
    )


def test_a_programme_that_opens_later_tells_the_companies_it_fits(monkeypatch, fitting):
    opens = NOW + datetime.timedelta(days=3)
    p = programme(fitting["policy"], opens, opens + datetime.timedelta(days=60))
    freeze(monkeypatch, NOW)
    assert alerts.daily_alerts(NOW)["opened"] == 0  # not open yet
    later = freeze(monkeypatch, opens + datetime.timedelta(hours=1))
    assert alerts.daily_alerts(later)["opened"] == 2
    assert told(fitting["a"], "open") == {p.pk} and told(fitting["b"], "open") == {p.pk}
    assert told(fitting["west"], "open") == set()
    [note] = messages_of(fitting["member"], alerts.KIND_PROGRAMME)
    assert "2026年度南区研发补贴申报" in note.title
    # Run again, and again as a retried task: nobody is told twice.
    assert alerts.daily_alerts(later)["opened"] == 0
    tasks.daily_alerts.delay()
    assert len(messages_of(fitting["member"], alerts.KIND_PROGRAMME)) == 1


@pytest.mark.parametrize(
    ("days_before", "stage"), [(30, "close-30"), (12, "close-30"), (7, "close-7"), (1, "close-1")]
)
def test_deadline_reminders_for_companies_that_have_not_applied(
    monkeypatch, fitting, days_before, stage
):
    closes = NOW + datetime.timedelta(days=40)
    p = programme(fitting["policy"], NOW - datetime.timedelta(days=20), closes)
    freeze(monkeypatch, NOW)
    make_application(fitting["b"], p)  # b has started: no deadline reminder for it
    moment = freeze(monkeypatch, closes - datetime.timedelta(days=days_before, hours=2))
    alerts.daily_alerts(moment)
    assert told(fitting["a"], stage) == {p.pk}
    assert told(fitting["b"], stage) == set() and told(fitting["west"], stage) == set()
    assert ProgrammeAlert.objects.filter(stage__startswith="close").count() == 1
    alerts.daily_alerts(moment)  # idempotent
    assert ProgrammeAlert.objects.filter(stage__startswith="close").count() == 1


@pytest.mark.parametrize("record", [alerts.record_postgresql, alerts.record_portable])
def test_recording_who_was_told_answers_the_same_on_every_database(monkeypatch, fitting, record):
    """The demo's SQLite records through the ORM, PostgreSQL in one statement: the same
    companies come back, once, and not those that applied when only they are asked for."""
    p = programme(
        fitting["policy"], NOW - datetime.timedelta(days=20), NOW + datetime.timedelta(days=9)
    )
    freeze(monkeypatch, NOW)
    make_application(fitting["b"], p)
    ids = [fitting["a"].pk, fitting["b"].pk, fitting["west"].pk, 10**9]  # one gone since
    assert record(p, "close-30", ids, True) == sorted([fitting["a"].pk, fitting["west"].pk])
    assert record(p, "close-30", ids, True) == []  # told already
    assert record(p, "open", ids, False) == sorted(
        [fitting["a"].pk, fitting["b"].pk, fitting["west"].pk]
    )
    assert ProgrammeAlert.objects.filter(programme=p).count() == 5


def test_each_reminder_once_across_the_days_and_a_missed_day_catches_up(monkeypatch, fitting):
    closes = NOW + datetime.timedelta(days=40)
    p = programme(fitting["policy"], NOW - datetime.timedelta(days=20), closes)
    for days_before in range(35, 0, -1):
        if days_before in (8, 7, 6):
            continue  # the run was down for three days, the 7-day reminder's day among them
        moment = freeze(monkeypatch, closes - datetime.timedelta(days=days_before, hours=2))
        alerts.daily_alerts(moment)
    stages = sorted(
        ProgrammeAlert.objects.filter(programme=p, enterprise=fitting["a"]).values_list(
            "stage", flat=True
        )
    )
    assert stages == ["close-1", "close-30", "close-7"]  # 7 caught up on day 5
    reminders = [n for n in messages_of(fitting["member"]) if "天后截止" in n.title]
    assert len(reminders) == 3


def test_programme_alerts_respect_the_preference(monkeypatch, fitting):
    NotificationPreference.objects.create(user=fitting["member"], programme_alerts=False)
    programme(
        fitting["policy"], NOW - datetime.timedelta(hours=1), NOW + datetime.timedelta(days=5)
    )
    alerts.daily_alerts(freeze(monkeypatch, NOW))
    assert messages_of(fitting["member"], alerts.KIND_PROGRAMME) == []
    assert len(messages_of(fitting["a"].memberships.get(role="admin").user)) == 2  # open, close-7


# --- application status changes ---------------------------------------------------------------
def test_application_status_changes_are_told_once_per_event(monkeypatch, fitting):
    freeze(monkeypatch, NOW)
    p = programme(
        fitting["policy"], NOW - datetime.timedelta(days=1), NOW + datetime.timedelta(days=60)
    )
    application = make_application(fitting["a"], p, submit=True)
    deliver()
    event = application.events.get(action="submit")
    from applications import notify

    before = len(messages_of(fitting["member"], "application"))
    assert before == 1
    notify.notify_event(event.pk)  # a retry
    assert len(messages_of(fitting["member"], "application")) == before


# --- digests and unsubscribe ------------------------------------------------------------------
def test_weekly_digest_on_mondays_with_one_click_unsubscribe(monkeypatch, follower, client):
    NotificationPreference.objects.create(user=follower, email="weekly")
    tuesday = freeze(monkeypatch, NOW - datetime.timedelta(days=6))
    message_services.emit(kind="test", key="k1", title="上周二的消息", user_ids=[follower.pk])
    assert message_services.send_daily_digests(tuesday) == 0
    monday = freeze(monkeypatch, NOW)
    assert message_services.send_daily_digests(monday) == 1
    [digest] = mail.outbox
    assert "每周" in digest.subject and "上周二的消息" in digest.body
    link = digest.extra_headers["List-Unsubscribe"].strip("<>")
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message_services.send_daily_digests(monday) == 0  # each message once
    # The mail client's one-click POST, without a session.
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.post("/" + path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert NotificationPreference.objects.get(user=follower).email == "none"


def test_immediate_messages_carry_the_unsubscribe_headers(follower):
    message_services.emit(kind="test", key="k2", title="即时消息", user_ids=[follower.pk])
    deliver()
    [email] = mail.outbox
    assert email.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "List-Unsubscribe-Post" in email.extra_headers


# --- feeds ------------------------------------------------------------------------------------
def test_atom_feeds_and_the_programme_calendar(client, monkeypatch):
    freeze(monkeypatch, NOW)
    from policies.models import Department

    science, other = Department.objects.order_by("pk")[:2]
    first = tagged_policy(["人才"], title="人才新政", department=science)
    make_policy(title="税收新政", department=other)
    everything = client.get("/feeds/policies.atom")
    assert everything["Content-Type"].startswith("application/atom+xml")
    body = everything.content.decode()
    assert "人才新政" in body and "税收新政" in body
    department = client.get(f"/feeds/departments/{science.pk}.atom").content.decode()
    assert "人才新政" in department and "税收新政" not in department
    tag = client.get(f"/feeds/tags/{first.tags.get().slug}.atom").content.decode()
    assert "人才新政" in tag and "税收新政" not in tag
    assert client.get("/feeds/departments/999999.atom").status_code == 404

    p = programme(first, NOW + datetime.timedelta(days=1), NOW + datetime.timedelta(days=31))
    old = programme(first, NOW - datetime.timedelta(days=90), NOW - datetime.timedelta(days=60))
    response = client.get("/feeds/programmes.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert {uid.split("@")[0] for uid in events} == {
        f"programme-{p.pk}-window",
        f"programme-{p.pk}-deadline",
    }
    deadline = next(e for uid, e in events.items() if "deadline" in uid)
    assert deadline.decoded("dtstart") == p.closes_at
    assert f"programme-{old.pk}-" not in response.content.decode()  # closed 60 days ago
