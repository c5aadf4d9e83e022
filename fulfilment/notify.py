"""Telling companies about their money, only through ``notifications.services.emit``.

Each message is keyed by what it is about (an instalment event, an account event, a roster
entry, an award), so a retried task tells nobody twice. The company's members hear of: an award
to be paid, each instalment submitted, paid or returned, released after acceptance, an
acceptance report not passed, their account verified or refused, a place on an apply-free
roster (and its confirmation or lapse), a recovery (追回) and its settlement.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.services import Message, emit, emit_many, members

from .models import (
    AcceptanceReport,
    Award,
    BankAccountEvent,
    InstalmentEvent,
    Recovery,
    RosterEntry,
)

KIND = "fulfilment"


def _money(amount) -> str:
    return f"¥{amount:,.2f}"


def _award_url(award) -> str:
    if award.application_id:
        return reverse("applications:detail", args=[award.application_id])
    return reverse("fulfilment:ledger")


def instalment_message(event: InstalmentEvent) -> tuple[str, str, str, int]:
    i = event.instalment
    award = i.award
    names = {
        "programme": award.programme.name,
        "number": i.number,
        "amount": _money(i.amount),
    }
    titles = {
        "submit": _("Instalment %(number)s of “%(programme)s” (%(amount)s) is with the bank"),
        "pay": _("Instalment %(number)s of “%(programme)s” (%(amount)s) has been paid (已拨付)"),
        "return": _("Instalment %(number)s of “%(programme)s” (%(amount)s) was returned"),
        "release": _("Instalment %(number)s of “%(programme)s” is released after acceptance"),
    }
    body = event.comment if event.action == "return" else ""
    if event.action == "return":
        body = _("The bank's reason: %(reason)s. Check your bank account on the portal.") % {
            "reason": event.comment
        }
    return titles[event.action] % names, body, _award_url(award), award.enterprise_id


def notify(kind: str, action: str, pk: int) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        if kind == "instalment":
            event = (
                InstalmentEvent.objects.select_related("instalment__award__programme")
                .filter(pk=pk)
                .first()
            )
            if event is None:
                return 0
            title, body, url, enterprise_id = instalment_message(event)
            key = f"fulfilment-instalment:{pk}"
        elif kind == "account":
            event = BankAccountEvent.objects.select_related("account").filter(pk=pk).first()
            if event is None:
                return 0
            enterprise_id = event.account.enterprise_id
            url = reverse("fulfilment:account")
            key = f"fulfilment-account:{pk}"
            if action == "verify":
                title, body = _("Your bank account has been verified"), ""
            else:
                title = _("Your bank account was not accepted")
                body = _("The reason: %(reason)s. Please correct it.") % {"reason": event.comment}
        elif kind == "award":
            if action == "create":
                award = Award.objects.select_related("programme").filter(pk=pk).first()
                if award is None:
                    return 0
                title = _("“%(programme)s”: %(amount)s will be paid to your company") % {
                    "programme": award.programme.name,
                    "amount": _money(award.amount),
                }
                body, key = "", f"fulfilment-award:{pk}"
            else:
                recovery = Recovery.objects.select_related("award__programme").filter(pk=pk).first()
                if recovery is None:
                    return 0
                award = recovery.award
                key = f"fulfilment-recovery-{action}:{pk}"
                if action == "recover":
                    title = _("Recovery (追回) of %(amount)s under “%(programme)s”") % {
                        "amount": _money(recovery.amount),
                        "programme": award.programme.name,
                    }
                    body = recovery.reason
                else:
                    title = _("The recovery under “%(programme)s” is settled") % {
                        "programme": award.programme.name
                    }
                    body = ""
            enterprise_id, url = award.enterprise_id, _award_url(award)
        elif kind == "acceptance":
            report = (
                AcceptanceReport.objects.select_related("award__programme").filter(pk=pk).first()
            )
            if report is None:
                return 0
            award = report.award
            title = _("Your acceptance report for “%(programme)s” was not passed") % {
                "programme": award.programme.name
            }
            body, key = report.comment, f"fulfilment-acceptance:{pk}"
            enterprise_id, url = award.enterprise_id, _award_url(award)
        elif kind == "entry":
            entry = RosterEntry.objects.select_related("roster__programme").filter(pk=pk).first()
            if entry is None:
                return 0
            names = {"programme": entry.roster.programme.name}
            titles = {
                "confirm": _("You confirmed the apply-free benefit “%(programme)s”"),
                "lapse": _("The apply-free benefit “%(programme)s” was not confirmed in time"),
            }
            title, body = titles[action] % names, ""
            key = f"fulfilment-entry-{action}:{pk}"
            enterprise_id, url = entry.enterprise_id, reverse("fulfilment:ledger")
        else:
            return 0
        return len(
            emit(kind=KIND, key=key, title=title, body=body, url=url, enterprise_id=enterprise_id)
        )


def notify_import(import_id: int) -> int:
    """Tell each company of each line of an applied bank result file (one query per step)."""
    events = InstalmentEvent.objects.filter(result_import_id=import_id).select_related(
        "instalment__award__programme"
    )
    with translation.override(settings.LANGUAGE_CODE):
        built = [(event.pk, *instalment_message(event)) for event in events]
        people: dict[int, list[int]] = {}
        for enterprise_id, user_id in members({b[4] for b in built}):
            people.setdefault(enterprise_id, []).append(user_id)
        messages = [
            Message(
                user_id=user_id,
                kind=KIND,
                key=f"fulfilment-instalment:{pk}",
                title=title,
                body=body,
                url=url,
                enterprise_id=enterprise_id,
            )
            for pk, title, body, url, enterprise_id in built
            for user_id in people.get(enterprise_id, ())
        ]
        return len(emit_many(messages))


def offer_roster(roster_id: int) -> int:
    """Tell every listed company of a published roster what it is offered and until when."""
    entries = RosterEntry.objects.filter(roster_id=roster_id, state="listed").select_related(
        "roster__programme"
    )
    with translation.override(settings.LANGUAGE_CODE):
        by_company = {}
        for entry in entries.iterator(chunk_size=5000):
            roster = entry.roster
            by_company[entry.enterprise_id] = (
                _(
                    "Apply-free (免申即享): “%(programme)s” offers your company %(amount)s — "
                    "confirm by %(date)s"
                )
                % {
                    "programme": roster.programme.name,
                    "amount": _money(roster.amount),
                    "date": roster.confirm_until.isoformat(),
                },
                entry.pk,
            )
        messages = [
            Message(
                user_id=user_id,
                kind=KIND,
                key=f"fulfilment-offer:{by_company[enterprise_id][1]}",
                title=by_company[enterprise_id][0],
                body=_("No application is needed: confirm your bank account and the declaration."),
                url=reverse("fulfilment:offer", args=[by_company[enterprise_id][1]]),
                enterprise_id=enterprise_id,
            )
            for enterprise_id, user_id in members(by_company)
        ]
        return len(emit_many(messages))
