"""What can happen to a company, as functions: the views, the admin and the tests all use these.

Each function checks its own rules (raising ``ServiceError`` subclasses with a message for the
person), writes in one transaction, records history, and queues e-mail on commit.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zoneportal.http import absolute_url
from zoneportal.words import join_names

from . import signals
from .models import (
    Enterprise,
    Invitation,
    Membership,
    ProfileChange,
    VerificationEvent,
    VerificationStatus,
)

INVITATION_DAYS = 7
# Changing these facts means the verifier must look again.
IDENTITY_FIELDS = ("name", "legal_representative", "registered_address", "established")


class ServiceError(Exception):
    """A rule said no; ``str(error)`` is the message for the person."""


class TransitionError(ServiceError):
    """The verification state does not allow this action."""


class InvitationError(ServiceError):
    """The invitation cannot be used (unknown, expired, used, withdrawn, wrong account)."""


class MembershipError(ServiceError):
    """The change would leave a company without an administrator, or is not allowed."""


# --- notifications ------------------------------------------------------------------------
def notify_members(enterprise: Enterprise, key: str, subject: str, body: str, url: str) -> None:
    """Tell every member of the company (a message, e-mailed as each chose), once per key."""
    signals.members_told.send(
        sender=Enterprise, enterprise=enterprise, key=key, subject=subject, body=body, url=url
    )


# --- registration and profile -------------------------------------------------------------
@transaction.atomic
def register_enterprise(user, **facts) -> Enterprise:
    """Create a company with ``user`` as its first administrator, pending verification."""
    enterprise = Enterprise.objects.create(**facts)
    Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.ADMIN)
    VerificationEvent.objects.create(
        enterprise=enterprise, action=VerificationEvent.Action.SUBMITTED, actor=user
    )
    ProfileChange.objects.create(
        enterprise=enterprise,
        user=user,
        summary=_("Company registered"),
        changes={key: [None, jsonable(value)] for key, value in facts.items()},
    )
    return enterprise


def jsonable(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "pk"):
        return str(value)
    return str(value)


@transaction.atomic
def update_profile(enterprise: Enterprise, user, **facts) -> list[str]:
    """Change profile facts, record who changed what; identity changes need verifying again."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    changes = {}
    for key, value in facts.items():
        old = getattr(enterprise, key)
        if old != value:
            changes[key] = [jsonable(old), jsonable(value)]
            setattr(enterprise, key, value)
    if not changes:
        return []
    reverify = enterprise.verification_status == VerificationStatus.VERIFIED and any(
        key in IDENTITY_FIELDS for key in changes
    )
    if reverify:
        enterprise.verification_status = VerificationStatus.PENDING
        enterprise.verified_at = None
        VerificationEvent.objects.create(
            enterprise=enterprise,
            action=VerificationEvent.Action.SUBMITTED,
            actor=user,
            reason=_("Registration facts changed: %(fields)s")
            % {
                "fields": join_names(
                    Enterprise._meta.get_field(k).verbose_name
                    for k in changes
                    if k in IDENTITY_FIELDS
                )
            },
        )
    enterprise.full_clean()
    enterprise.save()
    ProfileChange.objects.create(
        enterprise=enterprise,
        user=user,
        changes=changes,
        summary=ngettext(
            "Profile updated: %(count)d fact", "Profile updated: %(count)d facts", len(changes)
        )
        % {"count": len(changes)},
    )
    return list(changes)


def record_change(enterprise: Enterprise, user, summary: str, changes: dict | None = None):
    """Add a line to the company's history (qualifications added, members changed …)."""
    return ProfileChange.objects.create(
        enterprise=enterprise, user=user, summary=summary[:200], changes=changes or {}
    )


# --- verification -------------------------------------------------------------------------
def _locked(enterprise: Enterprise) -> Enterprise:
    return Enterprise.objects.select_for_update().get(pk=enterprise.pk)


@transaction.atomic
def submit_for_verification(enterprise: Enterprise, *, by) -> Enterprise:
    """A company returned for correction asks to be verified again."""
    enterprise = _locked(enterprise)
    if enterprise.verification_status != VerificationStatus.REJECTED:
        raise TransitionError(_("Only a registration returned for correction can be resubmitted."))
    enterprise.verification_status = VerificationStatus.PENDING
    enterprise.save(update_fields=["verification_status", "updated_at"])
    VerificationEvent.objects.create(
        enterprise=enterprise, action=VerificationEvent.Action.SUBMITTED, actor=by
    )
    return enterprise


@transaction.atomic
def verify_enterprise(enterprise: Enterprise, *, by) -> Enterprise:
    """Staff confirm the registration is genuine."""
    enterprise = _locked(enterprise)
    if enterprise.verification_status != VerificationStatus.PENDING:
        raise TransitionError(_("Only a registration awaiting verification can be verified."))
    enterprise.verification_status = VerificationStatus.VERIFIED
    enterprise.verification_reason = ""
    enterprise.verified_at = timezone.now()
    enterprise.save(
        update_fields=["verification_status", "verification_reason", "verified_at", "updated_at"]
    )
    event = VerificationEvent.objects.create(
        enterprise=enterprise, action=VerificationEvent.Action.VERIFIED, actor=by
    )
    notify_members(
        enterprise,
        f"enterprise-verification:{event.pk}",
        _("%(name)s has been verified") % {"name": enterprise.name},
        _(
            "The zone has verified the registration of %(name)s. The company can now apply "
            "for subsidies."
        )
        % {"name": enterprise.name},
        reverse("enterprises:dashboard"),
    )
    return enterprise


@transaction.atomic
def reject_enterprise(enterprise: Enterprise, *, by, reason: str) -> Enterprise:
    """Staff return the registration for correction, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Please give the reason, so the company can correct it."))
    enterprise = _locked(enterprise)
    if enterprise.verification_status != VerificationStatus.PENDING:
        raise TransitionError(_("Only a registration awaiting verification can be returned."))
    enterprise.verification_status = VerificationStatus.REJECTED
    enterprise.verification_reason = reason
    enterprise.save(update_fields=["verification_status", "verification_reason", "updated_at"])
    event = VerificationEvent.objects.create(
        enterprise=enterprise, action=VerificationEvent.Action.REJECTED, actor=by, reason=reason
    )
    notify_members(
        enterprise,
        f"enterprise-verification:{event.pk}",
        _("%(name)s: registration returned for correction") % {"name": enterprise.name},
        _(
            "The zone could not verify the registration of %(name)s yet:\n\n%(reason)s\n\n"
            "Please correct the profile and submit it again."
        )
        % {"name": enterprise.name, "reason": reason},
        reverse("enterprises:dashboard"),
    )
    return enterprise


# --- members and invitations --------------------------------------------------------------
def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invite(enterprise: Enterprise, *, by, email: str, role=Membership.Role.MEMBER):
    """Invite ``email`` to the company; returns (invitation, token). Only admins may invite."""
    _require_admin(enterprise, by)
    email = email.strip().lower()
    if Membership.objects.filter(enterprise=enterprise, user__email__iexact=email).exists():
        raise InvitationError(
            _("%(email)s is already a member of this company.") % {"email": email}
        )
    # A new invitation replaces any open one to the same address.
    Invitation.objects.filter(
        enterprise=enterprise,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        enterprise=enterprise,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by=by,
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    record_change(enterprise, by, _("Invited %(email)s") % {"email": email})
    url = absolute_url(reverse("enterprises:accept_invitation", args=(token,)))
    signals.invitation_created.send(sender=Invitation, invitation=invitation, url=url)
    return invitation, token


def find_invitation(token: str) -> Invitation:
    """The invitation behind a token, or ``InvitationError`` saying why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("enterprise").filter(token_hash=_hash(token)).first()
    )
    if invitation is None:
        raise InvitationError(
            _(
                "This invitation link is not valid. Please check the link in "
                "your e-mail or ask for a new invitation."
            )
        )
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."))
    if invitation.revoked_at is not None:
        raise InvitationError(_("This invitation was withdrawn or replaced by a newer one."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _("This invitation has expired. Please ask the company's administrator for a new one.")
        )
    return invitation


@transaction.atomic
def accept_invitation(token: str, user) -> Membership:
    """Join the company of the invitation as ``user`` (whose e-mail must be the invited one)."""
    invitation = find_invitation(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:  # lost a race with a second click
        raise InvitationError(_("This invitation has already been used."))
    if user.email.lower() != invitation.email.lower():
        raise InvitationError(
            _(
                "This invitation was sent to another e-mail address. Please sign in with the "
                "account for that address."
            )
        )
    membership, created = Membership.objects.get_or_create(
        user=user, enterprise=invitation.enterprise, defaults={"role": invitation.role}
    )
    if not created:
        raise InvitationError(_("You are already a member of this company."))
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_change(
        invitation.enterprise,
        user,
        _("%(email)s joined as %(role)s")
        % {"email": user.email, "role": membership.get_role_display()},
    )
    return membership


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, by) -> None:
    _require_admin(invitation.enterprise, by)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record_change(
            invitation.enterprise,
            by,
            _("Withdrew the invitation to %(email)s") % {"email": invitation.email},
        )


def _require_admin(enterprise: Enterprise, user) -> Membership:
    membership = Membership.objects.filter(enterprise=enterprise, user=user).first()
    if membership is None or not membership.is_admin:
        raise MembershipError(_("Only the company's administrators can do this."))
    return membership


def _admin_count(enterprise: Enterprise) -> int:
    return Membership.objects.filter(enterprise=enterprise, role=Membership.Role.ADMIN).count()


@transaction.atomic
def change_role(membership: Membership, *, by, role: str) -> Membership:
    enterprise = _locked(membership.enterprise)
    _require_admin(enterprise, by)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role not in Membership.Role.values:
        raise MembershipError(_("Unknown role."))
    if membership.is_admin and role != Membership.Role.ADMIN and _admin_count(enterprise) == 1:
        raise MembershipError(
            _("A company needs at least one administrator. Make someone else administrator first.")
        )
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record_change(
        enterprise,
        by,
        _("Changed the role of %(email)s") % {"email": membership.user.email},
        {"role": [old, role]},
    )
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, by) -> None:
    """An admin removes a member, or a member leaves (``by`` is the member)."""
    enterprise = _locked(membership.enterprise)
    if membership.user_id != by.pk:
        _require_admin(enterprise, by)
    if membership.is_admin and _admin_count(enterprise) == 1:
        raise MembershipError(
            _(
                "The last administrator cannot leave. Transfer the "
                "administration to another member first."
            )
        )
    email = membership.user.email
    membership.delete()
    record_change(enterprise, by, _("Removed %(email)s") % {"email": email})


@transaction.atomic
def transfer_administration(enterprise: Enterprise, *, by, to: Membership) -> None:
    """``by`` hands the administrator role to ``to`` and becomes a member."""
    enterprise = _locked(enterprise)
    mine = _require_admin(enterprise, by)
    if to.enterprise_id != enterprise.pk or to.pk == mine.pk:
        raise MembershipError(_("Choose another member of this company."))
    Membership.objects.filter(pk=to.pk).update(role=Membership.Role.ADMIN)
    Membership.objects.filter(pk=mine.pk).update(role=Membership.Role.MEMBER)
    record_change(
        enterprise, by, _("Transferred administration to %(email)s") % {"email": to.user.email}
    )


# --- personal data ------------------------------------------------------------------------
def export_enterprise_data(enterprise: Enterprise) -> dict:
    """Everything the portal holds about a company, as JSON-ready data (PIPL access right)."""
    fields = [f.name for f in Enterprise._meta.concrete_fields if f.name != "id"]
    profile = {name: jsonable(getattr(enterprise, name)) for name in fields}
    profile["area"] = enterprise.area.code if enterprise.area else None
    return {
        "exported_at": timezone.now().isoformat(),
        "enterprise": profile,
        "derived": {
            "size": enterprise.size,
            "years_established": enterprise.years_established(),
            "rd_ratio_percent": jsonable(enterprise.rd_ratio),
        },
        "members": [
            {
                "email": m.user.email,
                "name": m.user.full_name,
                "role": m.role,
                "joined_at": m.joined_at.isoformat(),
            }
            for m in enterprise.memberships.select_related("user")
        ],
        "qualifications": [
            {
                "type": q.type.code,
                "certificate_number": q.certificate_number,
                "valid_from": q.valid_from.isoformat(),
                "valid_until": q.valid_until.isoformat(),
                "proof_file": q.proof_name or None,
            }
            for q in enterprise.qualifications.select_related("type")
        ],
        "invitations": [
            {
                "email": i.email,
                "role": i.role,
                "sent_at": i.created_at.isoformat(),
                "accepted_at": i.accepted_at.isoformat() if i.accepted_at else None,
            }
            for i in enterprise.invitations.all()
        ],
        "verification_history": [
            {"action": e.action, "reason": e.reason, "at": e.created_at.isoformat()}
            for e in enterprise.verification_events.all()
        ],
        "profile_history": [
            {
                "summary": c.summary,
                "changes": c.changes,
                "at": c.changed_at.isoformat(),
                "by": c.user.email if c.user else None,
            }
            for c in enterprise.changes.select_related("user")
        ],
    }


@transaction.atomic
def delete_account(user) -> None:
    """Delete a person's account; their companies keep their records, without the person.

    If the person is a company's last administrator and others remain, the longest-standing
    member becomes administrator, so no company is left unmanaged.
    """
    for membership in Membership.objects.filter(user=user).select_related("enterprise"):
        enterprise = membership.enterprise
        if membership.is_admin and _admin_count(enterprise) == 1:
            successor = (
                Membership.objects.filter(enterprise=enterprise)
                .exclude(user=user)
                .order_by("joined_at")
                .first()
            )
            if successor is not None:
                successor.role = Membership.Role.ADMIN
                successor.save(update_fields=["role"])
        if enterprise.contact_email.lower() == user.email.lower():
            enterprise.contact_email = ""
            enterprise.contact_name = ""
            enterprise.contact_phone = ""
            enterprise.save(update_fields=["contact_email", "contact_name", "contact_phone"])
        record_change(enterprise, None, _("A member deleted their account"))
    Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True).delete()
    _scrub_person(user)
    user.delete()


def _scrub_person(user) -> None:
    """Remove the person's e-mail, name and phone from the companies' histories."""
    import json

    needles = [v for v in (user.email, user.full_name, user.phone) if v and len(v) >= 2]
    if not needles:
        return
    placeholder = _("(deleted user)")

    def clean(text: str) -> str:
        for needle in needles:
            text = text.replace(needle, placeholder)
        return text

    email = user.email
    for change in ProfileChange.objects.filter(enterprise__memberships__user=user).distinct():
        summary = clean(change.summary)
        changes = json.loads(clean(json.dumps(change.changes, ensure_ascii=False)))
        if summary != change.summary or changes != change.changes:
            ProfileChange.objects.filter(pk=change.pk).update(summary=summary, changes=changes)
    Invitation.objects.filter(email__iexact=email).update(email="deleted-user@invalid")
