"""Signing in from the browser, as a company member or as zone staff with the authenticator."""

from allauth.account.models import EmailAddress

from tests.factories import totp_code

PASSWORD = "correct-horse-battery"  # the factory's


def verified(user):
    """``user`` with a verified primary e-mail address (allauth lets them sign in)."""
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(page, base, email, *, mfa=False):
    page.goto(base + "/accounts/login/")
    form = page.locator("form.account-form")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    if mfa:
        page.wait_for_url("**/accounts/2fa/authenticate/**")
        page.locator("input[name=code]").fill(totp_code(valid_for=10))
        page.locator("form.account-form button[type=submit]").first.click()
    page.wait_for_load_state()
