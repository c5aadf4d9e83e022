"""Follow → revise → alert, in the browser.

A member follows a policy on its page; staff publish a new version; the member finds the alert
in the message centre, follows its link to the version history and reads what changed.
"""

import pytest
from allauth.account.models import EmailAddress

from tests.factories import make_enterprise, make_policy
from tests.follow_support import revise

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"  # the factory's


def sign_in(page, base, email):
    page.goto(base + "/accounts/login/")
    form = page.locator("form.account-form")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_follow_revise_alert(live_server, page, output_dir):
    enterprise = make_enterprise()
    member = enterprise.memberships.get().user
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    policy = make_policy(title="软件企业研发补贴办法", summary="最高补贴100万元。")
    base = live_server.url

    sign_in(page, base, member.email)
    page.goto(base + policy.url)
    page.locator("button[data-follow=policy]").click()
    page.wait_for_load_state()
    assert "已关注此政策" in page.locator("button[data-follow=policy]").inner_text()
    page.screenshot(path=str(output_dir / "follow-policy-page.png"))

    revise(policy, summary="最高补贴200万元。")  # commits: the outbox runs the alert

    page.goto(base + "/enterprise/messages/")
    alert = page.get_by_text("您关注的政策已修订：软件企业研发补贴办法")
    alert.first.click()
    page.wait_for_load_state()
    page.locator("a[href*='history/2/']").first.click()
    page.wait_for_load_state()
    assert page.locator("del", has_text="1").count() >= 1
    assert page.locator("ins", has_text="2").count() >= 1
    assert "政策概要" in page.content()
    page.screenshot(path=str(output_dir / "follow-revise-alert.png"), full_page=True)
