"""Messages and e-mails for what ``enterprises`` announces (see ``enterprises.signals``).

The signals are sent inside the enterprise's transaction, so the messages and the outbox rows
written here commit (or roll back) with the change itself.
"""

from django.conf import settings
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext as _

from enterprises import signals

from . import services


@receiver(signals.members_told, dispatch_uid="notifications.members_told")
def tell_members(sender, *, enterprise, key, subject, body, url, **kwargs):
    services.emit(
        kind="enterprise",
        key=key,
        title=subject,
        body=body,
        url=url,
        enterprise_id=enterprise.pk,
    )


@receiver(signals.invitation_created, dispatch_uid="notifications.invitation_created")
def send_invitation(sender, *, invitation, url, **kwargs):
    by = invitation.invited_by
    # People sign up with an e-mail address only: name them by it when they gave no name.
    inviter = (by.get_full_name() or by.email) if by else ""
    with translation.override(settings.LANGUAGE_CODE):
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
    services.send_email([invitation.email], subject, body)
