"""Accounts: sign-up with e-mail verification, login, password reset, rate limits, and MFA.

MFA (an authenticator app with recovery codes) is offered to everyone and required for staff:
``enterprises.middleware`` sends staff without one from the admin to the activation page, and
allauth asks for the code at login once it is active.
"""

import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.factories import activate_totp, make_user, totp_code
from tests.outbox_support import CommittingClient as Client

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "another-staple-lantern"
_ips = itertools.count(1)


@pytest.fixture
def client():
    """A client with its own address: allauth's per-IP limits never mix tests together."""
    n = next(_ips)
    return Client(REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")


def verified_user(email, **kwargs):
    user = make_user(email, **kwargs)
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def url(name, *args):
    with translation.override("zh-hans"):
        return reverse(name, args=args)


def login(client, email, password=PASSWORD, **extra):
    return client.post(url("account_login"), {"login": email, "password": password, **extra})


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def link_in(message, fragment):
    match = re.search(r"https?://testserver(\S*" + re.escape(fragment) + r"\S*)", message.body)
    assert match, message.body
    return match.group(1)


# --- sign-up, verification, login ------------------------------------------------------------
def test_sign_up_sends_a_verification_link_that_logs_the_person_in(client):
    response = client.post(
        url("account_signup"),
        {"email": "New.Person@Example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == url("account_email_verification_sent")
    assert logged_in_user_id(client) is None  # not before the address is confirmed

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.com"]
    assert message.subject.startswith("[")
    confirm_path = link_in(message, "/accounts/confirm-email/")

    page = client.get(confirm_path)  # a page with a button: link scanners confirm nothing
    assert page.status_code == 200
    assert not EmailAddress.objects.get(email="new.person@example.com").verified
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new.person@example.com").verified
    user = get_user_model().objects.get(email="new.person@example.com")
    assert logged_in_user_id(client) == str(user.pk)
    # No company yet: the next step is registering one.
    assert response.url == url("enterprises:register")

    client.post(url("account_logout"))
    assert logged_in_user_id(client) is None
    response = login(client, "new.person@example.com")
    assert response.status_code == 302
    assert response.url == url("enterprises:register")
    assert logged_in_user_id(client) == str(user.pk)


def test_login_with_an_unverified_address_is_refused_and_the_link_sent_again(client):
    user = make_user("unverified@test.example")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    response = login(client, user.email)

    assert response.status_code == 302
    assert response.url == url("account_email_verification_sent")
    assert logged_in_user_id(client) is None
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_a_wrong_password_is_an_error_on_the_form_not_a_login(client):
    verified_user("member@test.example")
    response = login(client, "member@test.example", "wrong-password")
    assert response.status_code == 200
    assert logged_in_user_id(client) is None
    html = response.content.decode()
    assert 'class="form-errors" role="alert"' in html


def test_a_member_of_a_company_lands_on_the_dashboard(client):
    from enterprises.models import Membership
    from tests.test_verification_admin import make_enterprise

    user = verified_user("admin@company.example")
    Membership.objects.create(user=user, enterprise=make_enterprise(), role=Membership.Role.ADMIN)
    response = login(client, user.email)
    assert response.url == url("enterprises:dashboard")


def test_an_explicit_next_wins_over_the_landing_page(client):
    verified_user("next@test.example")
    response = login(client, "next@test.example", next="/policies/")
    assert response.url == "/policies/"


def test_english_pages_send_english_mail(client):
    response = client.post(
        "/en/accounts/signup/",
        {"email": "english@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.url == "/en/accounts/confirm-email/"
    message = mail.outbox[0]
    assert message.subject.startswith("[Chengdu High-tech Zone Enterprise Services]")
    assert "/en/accounts/confirm-email/" in message.body


# --- password reset ----------------------------------------------------------------------------
def test_password_reset_by_e_mail_link(client):
    user = verified_user("forgetful@test.example")

    response = client.post(url("account_reset_password"), {"email": "forgetful@test.example"})
    assert response.status_code == 302
    assert response.url == url("account_reset_password_done")
    assert len(mail.outbox) == 1
    reset_path = link_in(mail.outbox[0], "/accounts/password/reset/key/")

    response = client.get(reset_path)  # allauth moves the key from the URL into the session
    assert response.status_code == 302
    form_path = response.url
    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The link works once.
    assert client.get(reset_path, follow=True).context["token_fail"]
    assert login(client, user.email, NEW_PASSWORD).status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post(url("account_reset_password"), {"email": "nobody@test.example"})
    assert response.status_code == 302
    assert response.url == url("account_reset_password_done")


# --- rate limits -------------------------------------------------------------------------------
def test_failed_logins_are_rate_limited_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/5m/key"}
    user = verified_user("target@test.example")

    for _attempt in range(3):
        response = login(client, user.email, "guess")
        assert response.status_code == 200
        assert "too_many" not in str(response.context["form"].errors)

    # Now even the right password is refused until the period is over …
    response = login(client, user.email)
    assert response.status_code == 200
    assert logged_in_user_id(client) is None
    errors = response.context["form"].errors["__all__"]
    with translation.override("zh-hans"):
        from allauth.account.adapter import get_adapter

        expected = str(get_adapter().error_messages["too_many_login_attempts"])
    assert expected in errors

    # … from any address: the key is the account, not the client.
    other = Client(REMOTE_ADDR="10.250.0.1")
    assert login(other, user.email).status_code == 200
    assert logged_in_user_id(other) is None


REDIS_CACHE = "zoneportal.cache.RedisCacheWithLocalFallback"


def test_the_rate_limits_are_counted_in_the_shared_cache(settings):
    # django-redis, with a local fallback while Redis is away (zoneportal/cache.py).
    assert settings.CACHES["default"]["BACKEND"] == REDIS_CACHE
    assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL


def test_production_uses_redis_for_rate_limits_and_requires_staff_mfa():
    """Production's settings, as loaded by manage.py with the production environment."""
    from tests.test_deploy import production_env

    code = (
        "from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND']);"
        "print(s.ZONEPORTAL_REQUIRE_STAFF_MFA, s.ACCOUNT_DEFAULT_HTTP_PROTOCOL,"
        " s.ALLAUTH_TRUSTED_PROXY_COUNT, s.EMAIL_BACKEND);"
        "from allauth.account import app_settings as a; print(a.RATE_LIMITS['login_failed'])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=production_env(EMAIL_URL="smtp+tls://mailer:pw@smtp.example.org:587"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert lines[0] == REDIS_CACHE
    assert lines[1] == "True https 1 django.core.mail.backends.smtp.EmailBackend"
    assert lines[2] == "10/m/ip,5/5m/key"


# --- staff must use MFA ------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/django-admin/"])
def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, path):
    staff = make_user("new-staff@test.example", is_staff=True, mfa=False)
    client.force_login(staff)

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == url("mfa_activate_totp")
    # allauth asks for the password again before adding an authenticator.
    page = client.get(response.url, follow=True)
    assert page.status_code == 200
    assert page.redirect_chain[-1][0].startswith(url("account_reauthenticate"))
    with translation.override("zh-hans"):
        expected = translation.gettext(
            "Staff accounts must use two-factor authentication. Set up an "
            "authenticator app to continue to the staff admin."
        )
    assert expected in [str(m) for m in page.context["messages"]]


def test_a_group_member_with_admin_access_is_staff_for_mfa_too(client):
    from policies.roles import POLICY_EDITORS

    person = make_user("editor-not-flagged@test.example", is_staff=False, mfa=False)
    person.groups.add(Group.objects.get(name=POLICY_EDITORS))
    client.force_login(person)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == url("mfa_activate_totp")


def test_account_pages_logout_and_the_public_site_stay_open_to_staff_without_mfa(client):
    staff = make_user("setup@test.example", is_staff=True, mfa=False)
    client.force_login(staff)
    assert client.get("/").status_code == 200
    assert client.get(url("mfa_index")).status_code == 200
    assert client.get(url("account_email")).status_code == 200
    assert client.get(url("account_change_password")).status_code == 200
    response = client.post(url("account_logout"))
    assert response.status_code == 302
    assert logged_in_user_id(client) is None


def staff_member(email, **kwargs):
    """Staff in a group that opens the admin (is_staff alone does not, in Wagtail)."""
    from policies.roles import POLICY_EDITORS

    user = verified_user(email, is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=POLICY_EDITORS))
    return user


def test_staff_with_an_authenticator_reach_the_admin(client):
    staff = staff_member("secured@test.example")  # the factory activates TOTP for staff
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_the_rule_can_be_switched_off_for_local_development(client, settings):
    settings.ZONEPORTAL_REQUIRE_STAFF_MFA = False
    client.force_login(staff_member("dev@test.example", mfa=False))
    assert client.get("/admin/").status_code == 200


def test_enterprise_users_are_offered_mfa_but_not_forced(client):
    user = verified_user("offered@test.example")
    client.force_login(user)
    html = client.get(url("account_email")).content.decode()
    assert f'href="{url("mfa_activate_totp")}"' in html
    assert 'class="container mfa-offer"' in html
    # Nothing else is in the way.
    assert client.get("/").status_code == 200


def test_the_admin_login_forms_lead_to_allauth(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response.url == url("account_login") + "?next=%2Fadmin%2Fpages%2F"

    response = client.post("/admin/login/", {"username": "x@test.example", "password": "x"})
    assert response.url == url("account_login") + "?next=%2Fadmin%2F"

    response = client.get("/django-admin/login/?next=https://evil.example/")
    assert response.url == url("account_login") + "?next=%2Fadmin%2F"

    # An anonymous visit to the admin goes to allauth's login too.
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(url("account_login") + "?next=")


def test_staff_activate_an_authenticator_app_and_then_reach_the_admin(
    client, django_capture_on_commit_callbacks
):
    staff = staff_member("activating@test.example", mfa=False)
    response = login(client, staff.email)
    assert response.url == "/admin/"
    response = client.get("/admin/")
    assert response.url == url("mfa_activate_totp")

    # allauth wants the password once more before an authenticator is added …
    response = client.get(url("mfa_activate_totp"))
    assert response.url.startswith(url("account_reauthenticate"))
    page = client.get(response.url)
    assert 'for="id_password"' in page.content.decode()
    response = client.post(
        url("account_reauthenticate"), {"password": PASSWORD, "next": url("mfa_activate_totp")}
    )
    assert response.url == url("mfa_activate_totp")

    # … then shows the QR code and the secret, and checks a first code.
    page = client.get(url("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    html = page.content.decode()
    assert 'class="qr-code"' in html and 'for="id_code"' in html

    wrong = client.post(url("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert 'aria-invalid="true"' in wrong.content.decode()

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url("mfa_activate_totp"), {"code": totp_code(secret)})
    with allauth_context.request_context(response.wsgi_request):  # as at the real commit
        for callback in callbacks:
            callback()
    assert response.status_code == 302
    assert response.url == url("mfa_view_recovery_codes")  # recovery codes come with it
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.RECOVERY_CODES).exists()
    codes_page = client.get(response.url)
    assert 'id="recovery_codes"' in codes_page.content.decode()

    assert client.get("/admin/").status_code == 200
    # The person is told by e-mail that MFA was switched on.
    assert [m.to for m in mail.outbox] == [[staff.email]]


def test_login_asks_for_the_authenticator_code(client):
    staff = staff_member("coded@test.example")

    response = login(client, staff.email)
    assert response.status_code == 302
    assert response.url == url("mfa_authenticate")
    assert logged_in_user_id(client) is None  # the password alone is not enough
    assert client.get("/admin/").status_code == 302

    wrong = client.post(url("mfa_authenticate"), {"code": "123456"})
    assert wrong.status_code == 200
    assert logged_in_user_id(client) is None

    response = client.post(url("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert logged_in_user_id(client) == str(staff.pk)
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_logs_in_once(client):
    staff = staff_member("lost-phone@test.example")
    codes = RecoveryCodes.activate(staff).get_unused_codes()
    assert len(codes) == 10

    login(client, staff.email)
    response = client.post(url("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(staff.pk)
    assert (
        codes[0]
        not in RecoveryCodes(
            Authenticator.objects.get(user=staff, type=Authenticator.Type.RECOVERY_CODES)
        ).get_unused_codes()
    )

    again = Client(REMOTE_ADDR="10.251.0.1")
    login(again, staff.email)
    response = again.post(url("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 200
    assert logged_in_user_id(again) is None


def test_failed_mfa_codes_are_rate_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "2/5m/key"}
    staff = staff_member("brute@test.example")
    login(client, staff.email)
    for _attempt in range(2):
        client.post(url("mfa_authenticate"), {"code": "000000"})
    response = client.post(url("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 200
    assert logged_in_user_id(client) is None


# --- the pages look like the portal, in both languages ------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
    ],
)
def test_entrance_pages_use_the_portal_layout(client, name):
    html = client.get(url(name)).content.decode()
    assert '<html lang="zh-CN">' in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert "page-account--entrance" in html
    assert html.count("<h1") == 1


def test_an_expired_confirmation_link_says_so(client):
    html = client.get(url("account_confirm_email", "not-a-key")).content.decode()
    assert "page-account--entrance" in html


def test_login_page_labels_every_field_in_both_languages(client):
    zh = client.get(url("account_login")).content.decode()
    assert 'for="id_login"' in zh and 'for="id_password"' in zh and 'for="id_remember"' in zh
    assert "登录" in zh
    en = client.get("/en/accounts/login/").content.decode()
    assert '<html lang="en">' in en
    assert "Sign In" in en and "Forgot your password?" in en


def test_field_errors_are_tied_to_their_fields(client):
    response = client.post(
        url("account_signup"),
        {"email": "mismatch@example.com", "password1": PASSWORD, "password2": "different-1"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_password2_error"' in html
    assert re.search(r'<input[^>]*aria-describedby="[^"]*id_password2_error"[^>]*>', html)
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*name="password2"', html) or re.search(
        r'<input[^>]*name="password2"[^>]*aria-invalid="true"', html
    )
    # Nothing typed is lost: the address is still there.
    assert 'value="mismatch@example.com"' in html


@pytest.mark.parametrize(
    "name", ["account_email", "account_change_password", "mfa_index", "mfa_activate_totp"]
)
def test_account_management_pages_use_the_portal_layout(client, name):
    client.force_login(verified_user("manager@test.example"))
    reauthenticated = client.post(url("account_reauthenticate"), {"password": PASSWORD})
    assert reauthenticated.status_code == 302
    response = client.get(url(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "page-account--manage" in html
    assert 'class="container account-nav"' in html
    assert 'aria-current="page"' in html


def test_recovery_code_pages_render(client):
    user = verified_user("codes@test.example")
    activate_totp(user)
    RecoveryCodes.activate(user)
    client.force_login(user)
    client.post(url("account_reauthenticate"), {"password": PASSWORD})
    html = client.get(url("mfa_view_recovery_codes")).content.decode()
    assert 'id="recovery_codes"' in html and "page-account--manage" in html
    assert client.get(url("mfa_generate_recovery_codes")).status_code == 200
    html = client.get(url("mfa_index")).content.decode()
    assert "account-panel" in html


def test_the_header_links_to_the_account_for_signed_in_people(client):
    client.force_login(verified_user("header@test.example"))
    html = client.get("/").content.decode()
    assert f'href="{url("account_email")}"' in html


def test_password_rules_speak_chinese(client):
    response = client.post(
        url("account_signup"),
        {"email": "short@example.com", "password1": "a1b2", "password2": "a1b2"},
    )
    errors = " ".join(response.context["form"].errors["password1"])
    assert "密码长度太短" in errors
    en = client.post(
        "/en/accounts/signup/",
        {"email": "short@example.com", "password1": "a1b2", "password2": "a1b2"},
    )
    assert "This password is too short" in " ".join(en.context["form"].errors["password1"])
