"""Two-factor authentication is required for every account that can open the staff admin.

allauth asks for the authenticator code at login once a person has activated an authenticator
app. This middleware makes sure every member of staff has one:

- a signed-in person who can enter an admin (``is_staff``, or Wagtail's "access admin" right
  through a group) and has no active TOTP authenticator is sent from any ``/admin/`` or
  ``/django-admin/`` page to allauth's "activate authenticator app" page, with a message.
  allauth's own pages (``/accounts/…``: MFA setup, e-mail, password, logout) are never
  affected, nor is anything outside the admins;
- the admins' own login forms (``/admin/login/``, ``/django-admin/login/``) are not a way
  around allauth: they redirect to allauth's login (which has the rate limits, the e-mail
  verification and the MFA stage), keeping ``next``.

``settings.ZONEPORTAL_REQUIRE_STAFF_MFA`` (True unless a developer switches it off locally;
always True in production) turns the first rule on.
"""

from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_LOGIN_PATHS = ("/admin/login/", "/django-admin/login/")
# Leaving the admin is always possible.
ALWAYS_OPEN = ("/admin/logout/", "/django-admin/logout/")


def can_enter_admin(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")


def has_active_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def staff_mfa_required() -> bool:
    return getattr(settings, "ZONEPORTAL_REQUIRE_STAFF_MFA", True)


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(ADMIN_PREFIXES):
            response = self.check_admin_request(request, path)
            if response is not None:
                return response
        return self.get_response(request)

    def check_admin_request(self, request, path):
        if path.startswith(ADMIN_LOGIN_PATHS):
            return self.redirect_to_allauth_login(request)
        if path.startswith(ALWAYS_OPEN) or not staff_mfa_required():
            return None
        user = request.user
        if can_enter_admin(user) and not has_active_totp(user):
            messages.warning(
                request,
                _(
                    "Staff accounts must use two-factor authentication. Set up an "
                    "authenticator app to continue to the staff admin."
                ),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return None

    def redirect_to_allauth_login(self, request):
        next_url = request.GET.get("next") or reverse("wagtailadmin_home")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("wagtailadmin_home")
        return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
