"""Policies find enterprises: publishing tells the members of fitting companies, once."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Area
from notifications import push
from notifications import services as message_services
from notifications.models import Notification, NotificationPreference, PolicyMatchNotice
from policies.models import Department
from search import reverse_tasks
from tests.factories import make_enterprise, make_member, make_policy, make_user
from tests.matching_support import admin_client, enterprises_index, policies_index  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies(enterprises_index, policies_index):  # noqa: F811
    """South (I65), West (I65), Bio (C27): each with an administrator and one member."""
    south = make_enterprise(
        make_user("south-admin@test.example"),
        name="南区软件有限公司",
        industry_code="I65",
        area=Area.objects.get(code="south"),
    )
    west = make_enterprise(
        make_user("west-admin@test.example"),
        name="西区软件有限公司",
        industry_code="I6513",
        area=Area.objects.get(code="west"),
    )
    bio = make_enterprise(
        make_user("bio-admin@test.example"),
        name="生物城医药有限公司",
        industry_code="C27",
        area=Area.objects.get(code="biotown"),
    )
    members = {
        "south": make_member(south, "south-member@test.example"),
        "west": make_member(west, "west-member@test.example"),
        "bio": make_member(bio, "bio-member@test.example"),
    }
    enterprises_index(south, west, bio)
    return {"south": south, "west": west, "bio": bio, "members": members}


def publish(capture, **fields):
    with capture(execute=True):
        return make_policy(**fields)


def republish(capture, page, **changes):
    for name, value in changes.items():
        setattr(page, name, value)
    with capture(execute=True):
        page.save_revision().publish()
    page.refresh_from_db()
    return page


def told(user_email):
    return list(Notification.objects.filter(user__email=user_email))


def test_publishing_tells_every_member_of_each_fitting_company_once(
    companies, django_capture_on_commit_callbacks
):
    policy = publish(
        django_capture_on_commit_callbacks,
        title="南部园区软件企业补贴",
        criteria={"industries": ["I65"], "areas": ["south"]},
    )
    notified = Notification.objects.filter(kind="policy_match")
    assert sorted(n.user.email for n in notified) == [
        "south-admin@test.example",
        "south-member@test.example",
    ]
    note = told("south-member@test.example")[0]
    assert note.enterprise == companies["south"]
    assert "南部园区软件企业补贴" in note.title
    assert note.url == policy.url
    assert PolicyMatchNotice.objects.filter(policy=policy).count() == 1
    # E-mailed at once (no preference row means "immediately").
    assert sorted(m.to[0] for m in mail.outbox) == [
        "south-admin@test.example",
        "south-member@test.example",
    ]
    assert all(n.emailed_at for n in notified)

    # Republished without a change: nobody is told again.
    mail.outbox.clear()
    republish(django_capture_on_commit_callbacks, policy, summary="措辞修改。")
    assert Notification.objects.count() == 2
    assert mail.outbox == []


def test_a_criteria_change_tells_only_the_newly_fitting(
    companies, django_capture_on_commit_callbacks
):
    policy = publish(
        django_capture_on_commit_callbacks,
        criteria={"industries": ["I65"], "areas": ["south"]},
    )
    first = push.criteria_fingerprint(policy)
    republish(django_capture_on_commit_callbacks, policy, criteria={"industries": ["I65"]})
    second = push.criteria_fingerprint(policy)
    assert first != second
    assert len(told("south-admin@test.example")) == 1  # already told: not again
    assert len(told("west-admin@test.example")) == 1  # newly fitting (I6513 under I65)
    assert len(told("west-member@test.example")) == 1
    assert told("bio-admin@test.example") == []
    assert set(
        PolicyMatchNotice.objects.filter(policy=policy).values_list(
            "enterprise__name", "criteria_fingerprint"
        )
    ) == {("南区软件有限公司", first), ("西区软件有限公司", second)}
    # A change of dates is a new version too, but tells nobody who was already told.
    republish(django_capture_on_commit_callbacks, policy, expiry_date=datetime.date(2030, 1, 1))
    assert Notification.objects.count() == 4


def test_the_task_is_idempotent(companies):
    policy = make_policy(criteria={"industries": ["I65"]})
    reverse_tasks.notify_fitting_enterprises.delay(policy.pk)
    reverse_tasks.notify_fitting_enterprises.delay(policy.pk)
    assert Notification.objects.count() == 4  # south and west: two people each


def test_preferences_are_respected(companies, django_capture_on_commit_callbacks):
    admin, member = make_user("south-admin@test.example"), companies["members"]["south"]
    other_department = Department.objects.exclude(pk=Department.objects.order_by("pk")[0].pk)[0]
    NotificationPreference.objects.create(user=admin, policy_types=["award"])
    NotificationPreference.objects.create(user=member, email="daily")
    publish(
        django_capture_on_commit_callbacks, policy_type="subsidy", criteria={"areas": ["south"]}
    )
    assert told(admin.email) == []  # only awards
    assert len(told(member.email)) == 1
    assert mail.outbox == []  # the member reads a daily digest

    NotificationPreference.objects.filter(user=admin).update(
        policy_types=[], department_ids=[other_department.pk]
    )
    publish(django_capture_on_commit_callbacks, criteria={"areas": ["south"]})
    assert told(admin.email) == []  # only the other department
    assert len(told(member.email)) == 2

    NotificationPreference.objects.filter(user=admin).update(department_ids=[], email="none")
    NotificationPreference.objects.filter(user=member).update(policy_matches=False)
    publish(django_capture_on_commit_callbacks, criteria={"areas": ["south"]})
    assert len(told(admin.email)) == 1 and mail.outbox == []  # message centre only
    assert len(told(member.email)) == 2  # the member no longer hears about policy matches


def test_the_daily_digest(companies, django_capture_on_commit_callbacks):
    member = companies["members"]["south"]
    NotificationPreference.objects.create(user=member, email="daily")
    NotificationPreference.objects.create(user=make_user("south-admin@test.example"), email="none")
    publish(django_capture_on_commit_callbacks, title="政策甲", criteria={"areas": ["south"]})
    publish(django_capture_on_commit_callbacks, title="政策乙", criteria={"areas": ["south"]})
    old = Notification.objects.create(
        user=member, kind="policy_match", key="old", title="很久以前的消息"
    )
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=5)
    )
    assert mail.outbox == []
    assert message_services.send_daily_digests() == 1
    [digest] = mail.outbox
    assert digest.to == [member.email]
    assert "政策甲" in digest.body and "政策乙" in digest.body
    assert "很久以前的消息" not in digest.body  # no backlog
    assert message_services.send_daily_digests() == 0  # each message once


def test_the_daily_run_matches_policies_coming_into_force(companies, monkeypatch):
    policy = make_policy(criteria={"areas": ["west"]}, effective_date=datetime.date(2099, 1, 1))
    assert reverse_tasks.notify_fitting_enterprises.delay(policy.pk).result == {
        "skipped": "not in force"
    }
    assert Notification.objects.count() == 0
    monkeypatch.setattr(reverse_tasks, "local_today", lambda: datetime.date(2099, 1, 1))
    result = reverse_tasks.daily_pushes.delay().result
    assert result["policies_starting"] == 1
    assert len(told("west-admin@test.example")) == 1


def test_without_an_enterprises_index_the_database_answers(companies):
    client = admin_client()
    client.indices.delete_alias(index="_all", name=reverse_tasks.index_name("enterprises"))
    policy = make_policy(criteria={"industries": ["C27"]})
    summary = reverse_tasks.find_and_notify(policy.pk)
    assert summary["from_index"] is False and summary["eligible"] == 1
    assert len(told("bio-member@test.example")) == 1


def test_possible_companies_are_counted_not_told(companies):
    policy = make_policy(criteria={"areas": ["south"], "min_rd_ratio": 3})
    companies["west"].revenue_wan = None
    companies["west"].save()
    summary = reverse_tasks.find_and_notify(policy.pk)
    assert summary["eligible"] == 1  # south: 150 / 2000 = 7.5 %
    assert summary["possible"] == 0  # west fails the area whatever its R&D ratio
    policy2 = make_policy(criteria={"industries": ["I65"], "min_rd_ratio": 3})
    from search.enterprise_index import sync_enterprise

    sync_enterprise(companies["west"].pk)
    admin_client().indices.refresh(index=reverse_tasks.index_name("enterprises"))
    summary = reverse_tasks.find_and_notify(policy2.pk)
    assert (summary["eligible"], summary["possible"]) == (1, 1)


# --- the message centre -----------------------------------------------------------------------
@pytest.fixture
def inbox(db):
    alice, bob = make_user("alice@test.example"), make_user("bob@test.example")
    mine = [
        Notification.objects.create(user=alice, kind="policy_match", key=f"k{n}", title=f"消息{n}")
        for n in range(3)
    ]
    theirs = Notification.objects.create(user=bob, kind="policy_match", key="b", title="别人的消息")
    return alice, mine, theirs


def test_the_message_centre_lists_only_my_messages(client, inbox):
    alice, mine, theirs = inbox
    client.force_login(alice)
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert all(n.title in html for n in mine)
    assert theirs.title not in html


def test_another_persons_message_is_a_404(client, inbox):
    alice, _mine, theirs = inbox
    client.force_login(alice)
    assert client.get(reverse("notifications:detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_reading_and_marking(client, inbox):
    alice, mine, _theirs = inbox
    client.force_login(alice)
    assert client.get(reverse("notifications:detail", args=[mine[0].pk])).status_code == 200
    mine[0].refresh_from_db()
    assert mine[0].read_at is not None
    client.post(reverse("notifications:read", args=[mine[0].pk]), {"unread": "1"})
    mine[0].refresh_from_db()
    assert mine[0].read_at is None
    client.post(reverse("notifications:read", args=[mine[1].pk]))
    assert alice.notifications.filter(read_at__isnull=True).count() == 2
    unread = client.get(reverse("notifications:inbox") + "?show=unread").content.decode()
    assert mine[1].title not in unread and mine[0].title in unread
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert alice.notifications.filter(read_at__isnull=True).count() == 0
    assert client.get(reverse("notifications:read_all")).status_code == 405


def test_the_message_centre_needs_a_login(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_unread_count_for_the_header(client, inbox):
    from django.template import Context, Template
    from django.test import RequestFactory

    alice, _mine, _theirs = inbox
    request = RequestFactory().get("/")
    request.user = alice
    html = Template('{% include "notifications/includes/header_link.html" %}').render(
        Context({"request": request})
    )
    assert '<span class="badge">3</span>' in html


def test_preferences_form(client, db):
    user = make_user("prefs@test.example")
    client.force_login(user)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    department = Department.objects.order_by("pk").first()
    response = client.post(
        reverse("notifications:preferences"),
        {
            "policy_matches": "on",
            "policy_types": ["subsidy", "award"],
            "department_ids": [department.pk],
            "email": "daily",
        },
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=user)
    assert preference.email == "daily"
    assert preference.policy_types == ["subsidy", "award"]
    assert preference.department_ids == [department.pk]
    assert preference.wants_policy("subsidy", department.pk)
    assert not preference.wants_policy("tax", department.pk)
    bad = client.post(reverse("notifications:preferences"), {"email": "hourly"})
    assert bad.status_code == 200 and "error-summary" in bad.content.decode()


@pytest.mark.django_db
def test_emit_many_writes_each_message_once_even_when_told_to_skip_the_look_up():
    """The unique (user, key) constraint backs up ``new_keys``: a message already written, or
    the same one twice in one call, is not written again, and only new ids come back."""
    alice, bob = make_user("alice@example.com"), make_user("bob@example.com")
    first = message_services.emit_many(
        [
            message_services.Message(alice.pk, "alert", "programme:1", "项目开始申报"),
            message_services.Message(bob.pk, "alert", "programme:1", "项目开始申报"),
        ]
    )
    assert len(first) == 2
    again = message_services.emit_many(
        [
            message_services.Message(alice.pk, "alert", "programme:1", "项目开始申报"),
            message_services.Message(alice.pk, "alert", "programme:2", "另一个项目开始申报"),
            message_services.Message(alice.pk, "alert", "programme:2", "另一个项目开始申报"),
        ],
        new_keys=True,
    )
    assert len(again) == 1
    assert Notification.objects.filter(user=alice).count() == 2
    assert set(Notification.objects.values_list("key", flat=True)) == {"programme:1", "programme:2"}
    assert Notification.objects.get(pk=again[0]).title == "另一个项目开始申报"
