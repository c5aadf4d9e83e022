"""Celery tasks of the enterprises app: e-mail to members and invitees."""

from celery import shared_task
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from .models import Enterprise, Invitation


@shared_task(
    name="enterprises.tasks.send_member_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_member_email(enterprise_id: int, subject: str, body: str) -> int:
    """E-mail every current member of a company (re-reads the members at run time)."""
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    if enterprise is None:
        return 0
    recipients = list(enterprise.memberships.values_list("user__email", flat=True))
    if not recipients:
        return 0
    return send_mail(subject, body, None, recipients)


@shared_task(
    name="enterprises.tasks.send_invitation_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_invitation_email(invitation_id: int, url: str) -> int:
    invitation = (
        Invitation.objects.select_related("enterprise", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None:
        return 0
    inviter = invitation.invited_by.get_full_name() if invitation.invited_by else ""
    subject = _("Invitation to join %(name)s on the Chengdu High-tech Zone portal") % {
        "name": invitation.enterprise.name
    }
    body = _(
        "%(inviter)s invites you to join %(name)s on the Chengdu High-tech Zone enterprise "
        "services portal.\n\nAccept the invitation (valid until %(expires)s):\n%(url)s\n\n"
        "If you do not know this company, ignore this e-mail."
    ) % {
        "inviter": inviter,
        "name": invitation.enterprise.name,
        "expires": invitation.expires_at.strftime("%Y-%m-%d %H:%M"),
        "url": url,
    }
    return send_mail(subject, body, None, [invitation.email])
