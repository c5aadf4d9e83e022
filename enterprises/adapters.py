"""How allauth fits the portal: where people land after logging in, and e-mail subjects.

- Zone staff go to the staff admin (which asks them to set up an authenticator app first, see
  ``enterprises.middleware``).
- An enterprise user who belongs to a company goes to the company dashboard; one who has none
  yet (just signed up) goes to the company registration form.

An explicit ``next`` parameter still wins, as allauth documents.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from . import mfa_secrets
from .models import Membership


def portal_name() -> str:
    return gettext("Chengdu High-tech Zone Enterprise Services")


@dataclass
class PortalSite:
    """What allauth's e-mail templates call ``current_site``: the portal's name, the host."""

    name: str
    domain: str


def landing_url(user) -> str:
    """The page a signed-in person starts from."""
    if user.is_staff:
        return reverse("wagtailadmin_home")
    if Membership.objects.filter(user=user).exists():
        return reverse("enterprises:dashboard")
    return reverse("enterprises:register")


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return landing_url(request.user)

    def get_signup_redirect_url(self, request):
        # Reached when the sign-up session logs in (after the e-mail is confirmed).
        if request.user.is_authenticated:
            return landing_url(request.user)
        return super().get_signup_redirect_url(request)

    def mail_context(self, email, context) -> dict:
        """What allauth's e-mail templates are rendered with, the portal's name among it."""
        # Without django.contrib.sites allauth would greet people with the bare host name.
        request = allauth_context.request
        if request is not None:
            host = request.get_host()
        else:
            host = urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc
        site = PortalSite(name=portal_name(), domain=host)
        return {"request": request, "email": email, **context, "current_site": site}

    def send_mail(self, template_prefix, email, context):
        self.render_mail(template_prefix, email, self.mail_context(email, context)).send()

    def format_email_subject(self, subject):
        # In the language of the request that sends the message.
        return f"[{portal_name()}] {subject}"


class MFAAdapter(DefaultMFAAdapter):
    """TOTP keys and recovery-code seeds are stored encrypted (``enterprises.mfa_secrets``)."""

    def encrypt(self, text: str) -> str:
        return mfa_secrets.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return mfa_secrets.decrypt(encrypted_text)
