"""Telling people things: every message of the portal goes out through ``emit``.

Words, one per meaning, in code and on pages:

- a **message** (消息) is an entry in a person's message centre, e-mailed as they chose;
- a **push** (推送) is a message telling a company's members that a policy fits it;
- a **public notice** (公示) is the published list of approvals: not a message at all.

``emit`` puts one message in each recipient's message centre, **once per key** (the key names
what the message is about, e.g. ``application-event:42``, so a retried task or a second run of a
daily job tells nobody twice), and queues the e-mail through the outbox for everyone who chose
"at once"; those who chose the daily digest get it in ``send_daily_digests``. Every e-mail is
sent at most once (``emailed_at`` under a row lock).

Apps build the words (in the portal's default language) and call ``emit``; they never create
``Notification`` rows or send mail themselves.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enterprises.models import Membership
from zoneportal.clock import ZONE
from zoneportal.http import absolute_url

from . import outbox
from .models import Notification, NotificationPreference, OutgoingEmail

CHUNK = 5000  # ids per IN (...) list: well below PostgreSQL's bind-parameter limit
EMAIL_BATCH = 500  # messages per e-mail task
DIGEST_WINDOW = datetime.timedelta(days=2)
WEEKLY_DIGEST_WINDOW = datetime.timedelta(days=8)
WEEKLY_DIGEST_WEEKDAY = 0  # Monday, in Asia/Shanghai
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


@dataclass(frozen=True)
class Message:
    """One message for one person (``enterprise_id``: the company it is about, if any)."""

    user_id: int
    kind: str
    key: str
    title: str
    body: str = ""
    url: str = ""
    enterprise_id: int | None = None


def chunks(values, size=CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def members(enterprise_ids: Iterable[int]) -> list[tuple[int, int]]:
    """``(enterprise_id, user_id)`` of every active member of the given companies."""
    pairs = []
    for chunk in chunks(set(enterprise_ids)):
        pairs.extend(
            Membership.objects.filter(enterprise_id__in=chunk, user__is_active=True).values_list(
                "enterprise_id", "user_id"
            )
        )
    return pairs


def emit(
    *,
    kind: str,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    enterprise_id: int | None = None,
    user_ids: Iterable[int] | None = None,
) -> list[int]:
    """Tell the members of ``enterprise_id`` (or the people ``user_ids``) one thing, once.

    Returns the ids of the messages created now (none when everyone was told before).
    """
    if user_ids is None:
        user_ids = [user for _company, user in members([enterprise_id])]
    return emit_many(
        Message(user, kind, key, title[:200], body, url, enterprise_id) for user in user_ids
    )


def emit_many(
    messages: Iterable[Message],
    *,
    wants: Callable[[NotificationPreference], bool] | None = None,
    new_keys: bool = False,
) -> list[int]:
    """Put each message in its person's message centre unless already there (same user and key).

    ``wants``: a person's preference decides whether they hear about it at all (pushes).
    ``new_keys``: the caller has just recorded these events as new under a unique constraint in
    this transaction (``follows`` programme alerts), so the look-up for earlier messages is
    skipped; the unique constraint on user and key still backs it up.
    E-mails for people who chose "at once" are queued in the outbox of this transaction.
    """
    messages = list(messages)
    if not messages:
        return []
    user_ids = {m.user_id for m in messages}
    preferences = {}
    for chunk in chunks(user_ids):
        preferences.update(
            {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=chunk)}
        )
    if wants is not None:
        messages = [m for m in messages if (p := preferences.get(m.user_id)) is None or wants(p)]
    told = set()
    for chunk in [] if new_keys else chunks(messages):
        # Both columns of the (user, key) unique index: an index scan however large the table.
        told.update(
            Notification.objects.filter(
                user_id__in={m.user_id for m in chunk}, key__in={m.key for m in chunk}
            ).values_list("user_id", "key")
        )
    fresh = [m for m in messages if (m.user_id, m.key) not in told]
    created = _insert_new(fresh) if connection.vendor == "postgresql" else _create_new(fresh)
    immediate = NotificationPreference.Email.IMMEDIATE
    email_now = [
        pk for pk, user_id in created
        if (p := preferences.get(user_id)) is None or p.email == immediate
    ]  # fmt: skip
    for batch in chunks(email_now, EMAIL_BATCH):
        outbox.enqueue("notifications.email_messages", ids=batch)
    return [pk for pk, _user_id in created]


# Messages written per INSERT (PostgreSQL): one statement of column arrays, not of rows.
INSERT_CHUNK = 5000


def _insert_new(messages: list[Message]) -> list[tuple[int, int]]:
    """(id, user id) of the messages written; one already there (a race) is skipped.

    ``INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING RETURNING``: a daily alert run
    writes over a million messages, and the ORM's ``bulk_create`` spent most of the run
    building and sending row after row of parameters."""
    table = Notification._meta.db_table  # the model's own table name, not input
    sql = (
        f"INSERT INTO {table} (user_id, enterprise_id, kind, key, title, body, url, created_at) "  # noqa: S608
        "SELECT u, e, k, ky, t, b, l, %s FROM unnest("
        "%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[]"
        ") AS m(u, e, k, ky, t, b, l) "
        "ON CONFLICT (user_id, key) DO NOTHING RETURNING id, user_id"
    )
    now = timezone.now()
    created: list[tuple[int, int]] = []
    with connection.cursor() as cursor:
        for chunk in chunks(messages, INSERT_CHUNK):
            cursor.execute(
                sql,
                [
                    now,
                    [m.user_id for m in chunk],
                    [m.enterprise_id for m in chunk],
                    [m.kind for m in chunk],
                    [m.key for m in chunk],
                    [m.title[:200] for m in chunk],
                    [m.body for m in chunk],
                    [m.url for m in chunk],
                ],
            )
            created.extend(cursor.fetchall())
    return created


def _create_new(messages: list[Message]) -> list[tuple[int, int]]:
    """As ``_insert_new``, through the ORM (SQLite, the embedded first run)."""
    rows = [
        Notification(
            user_id=m.user_id,
            enterprise_id=m.enterprise_id,
            kind=m.kind,
            key=m.key,
            title=m.title[:200],
            body=m.body,
            url=m.url,
        )
        for m in messages
    ]
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:
        # Someone told some of them meanwhile: one by one, keeping only the new ones.
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue
            created.append(row)
    return [(n.pk, n.user_id) for n in created]


# --- e-mail -----------------------------------------------------------------------------------
def unsubscribe_token(user_id: int) -> str:
    """A signed token naming the person: the one-click unsubscribe needs no sign-in."""
    return signing.dumps(user_id, salt=UNSUBSCRIBE_SALT)


def user_from_unsubscribe_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def unsubscribe_url(user_id: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id)])
    return absolute_url(path)


def _mail(user, subject: str, body: str) -> None:
    """One e-mail to a person, with the one-click unsubscribe headers (RFC 2369, RFC 8058)."""
    link = unsubscribe_url(user.pk)
    body = body + "\n" + _("Stop these e-mails with one click: %(url)s") % {"url": link}
    headers = {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    EmailMessage(subject, body, None, [user.email], headers=headers).send()


def _footer() -> str:
    return _("Read all your messages: %(inbox)s\nChoose what you hear about and how: %(prefs)s") % {
        "inbox": absolute_url(reverse("notifications:inbox")),
        "prefs": absolute_url(reverse("notifications:preferences")),
    }


def email_message(notification_id: int) -> bool:
    """E-mail one message to its person unless it has been e-mailed already."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=notification_id, emailed_at__isnull=True, user__is_active=True)
            .first()
        )
        if notification is None or not notification.user.email:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            parts = [notification.body]
            if notification.url:
                parts.append(absolute_url(notification.url))
            parts.append(_footer())
            _mail(notification.user, notification.title, "\n\n".join(parts))
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def send_email(to: list[str], subject: str, body: str, html: str = "") -> OutgoingEmail:
    """An e-mail to addresses (not a message centre entry), sent once after this commit."""
    email = OutgoingEmail.objects.create(to=list(to), subject=subject[:300], body=body, html=html)
    outbox.enqueue("notifications.deliver_email", email_id=email.pk)
    return email


def deliver_email(email_id: int) -> bool:
    """Send an ``OutgoingEmail`` unless it has been sent; its text is then cleared."""
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update()
            .filter(pk=email_id, sent_at__isnull=True)
            .first()
        )
        if email is None:
            return False
        message = EmailMultiAlternatives(email.subject, email.body, None, email.to)
        if email.html:
            message.attach_alternative(email.html, "text/html")
        message.send()
        email.sent_at, email.body, email.html = timezone.now(), "", ""
        email.save(update_fields=["sent_at", "body", "html"])
    return True


def send_daily_digests(now: datetime.datetime | None = None) -> int:
    """One e-mail per person who chose the daily digest, listing what has not been e-mailed;
    on Mondays (Asia/Shanghai) also one per person who chose the weekly digest.

    Only messages of the last two days (weekly: eight) are listed, so switching to a digest
    never mails a backlog. Returns the number of e-mails sent.
    """
    now = now or timezone.now()
    sent = 0
    modes = [(NotificationPreference.Email.DAILY, DIGEST_WINDOW)]
    if now.astimezone(ZONE).weekday() == WEEKLY_DIGEST_WEEKDAY:
        modes.append((NotificationPreference.Email.WEEKLY, WEEKLY_DIGEST_WINDOW))
    for mode, window in modes:
        user_ids = list(
            NotificationPreference.objects.filter(email=mode, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
        sent += _send_digests(
            user_ids, now, window, weekly=mode == NotificationPreference.Email.WEEKLY
        )
    return sent


def _send_digests(user_ids, now, window, *, weekly: bool) -> int:
    sent = 0
    for user_id in user_ids:
        with transaction.atomic():
            pending = list(
                Notification.objects.select_for_update(of=("self",))
                .select_related("user")
                .filter(
                    user_id=user_id,
                    emailed_at__isnull=True,
                    created_at__gte=now - window,
                )
                .order_by("created_at", "pk")
            )
            if not pending or not pending[0].user.email:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                if weekly:
                    subject = _("Your weekly digest: %(count)d new messages")
                else:
                    subject = _("Your daily digest: %(count)d new messages")
                subject = subject % {"count": len(pending)}
                lines = []
                for note in pending:
                    lines.append(f"• {note.title}")
                    if note.url:
                        lines.append(f"  {absolute_url(note.url)}")
                lines.extend(["", _footer()])
                _mail(pending[0].user, subject, "\n".join(lines))
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
            sent += 1
    return sent
