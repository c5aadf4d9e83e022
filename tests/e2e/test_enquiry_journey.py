"""An enquiry from question to published answer, in the browser.

A member asks about a policy from its page (with an attachment, consenting to publication) and
gets a tracking number; it goes to the policy's department → the dispatcher routes it from the
queue to the department that knows the answer → that department's handler
accepts and answers → the member sees the timeline and rates the answer → the handler publishes
it, anonymised, as a question and answer → a visitor's search finds the policy by the answer's
words, marked 问答, and the policy page shows it.
"""

import re

import pytest
from django.contrib.auth.models import Group

from enquiries.models import DepartmentHandler, Enquiry
from policies.models import Department
from policies.roles import ENQUIRY_DISPATCHERS, ENQUIRY_HANDLERS
from tests.e2e.accounts import sign_in, verified
from tests.factories import make_policy, make_user, make_verified_enterprise
from tests.outbox_support import deliver

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FAQ_QUESTION = "科技型中小企业的研发费用可以按什么口径申报补贴？"
FAQ_ANSWER = (
    "按企业所得税年度申报表中的研发费用加计扣除口径填报，委托研发按实际发生额的百分之八十计入。"
)


def staff(browser, base, email, group, department=None):
    user = verified(make_user(email, is_staff=True))
    user.groups.add(Group.objects.get(name=group))
    if department is not None:
        DepartmentHandler.objects.create(department=department, user=user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, email, mfa=True)
    return context, page


def act(page, base, enquiry, action, comment=None):
    page.goto(f"{base}/admin/enquiries/{enquiry.pk}/")
    form = page.locator(f"form.zp-action:has(input[name=action][value={action}])")
    if comment is not None:
        form.locator("textarea[name=comment]").fill(comment)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_ask_route_answer_rate_publish_and_search_finds_it(
    live_server, browser, page, output_dir, tmp_path, settings, search_index
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    base = live_server.url
    science = Department.objects.get(name="成都高新区科技创新局")
    finance = Department.objects.get(name="成都高新区财政金融局")
    policy = make_policy(
        title="科技型中小企业研发费用补贴办法",
        department=finance,
        summary="支持科技型中小企业研发。",
    )
    deliver()  # indexed
    company = make_verified_enterprise(name="成都蓉芯微电子有限公司")
    member = verified(company.memberships.get().user)
    attachment = tmp_path / "研发费用明细.pdf"
    attachment.write_bytes(PDF)

    # --- the member asks from the policy page -------------------------------------------
    sign_in(page, base, member.email)
    page.goto(base + policy.url)
    page.locator(f'a[href="/enquiries/ask/?policy={policy.pk}"]').first.click()
    page.wait_for_url("**/enquiries/ask/**")
    assert page.locator("select[name=kind]").input_value() == "policy"
    page.locator("[name=subject]").fill("研发费用口径")
    page.locator("[name=text]").fill("成都蓉芯微电子有限公司想了解：研发费用按什么口径申报？")
    page.locator("input[name=attachments]").set_input_files(str(attachment))
    page.locator("[name=faq_consent]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/enquiries/\d+/$"))
    enquiry = Enquiry.objects.get(enterprise=company)
    assert enquiry.department == finance and enquiry.attachments.count() == 1
    assert page.get_by_text(enquiry.number).first.is_visible()  # the tracking number at once
    page.screenshot(path=output_dir / "enquiry-received.png", full_page=True)

    # --- the dispatcher routes it from the queue ----------------------------------------
    dispatcher_context, dispatcher = staff(
        browser, base, "dispatcher@zone.example", ENQUIRY_DISPATCHERS
    )
    dispatcher.goto(base + f"/admin/enquiries/?department={finance.pk}")
    dispatcher.locator(f"input[name=enquiry][value='{enquiry.pk}']").check()
    route = dispatcher.locator("form[action$='/admin/enquiries/route/']")
    route.locator("select[name=department]").select_option(str(science.pk))
    route.locator("button[type=submit]").click()
    dispatcher.wait_for_load_state()
    enquiry.refresh_from_db()
    assert enquiry.department == science
    dispatcher_context.close()

    # --- the department's handler accepts and answers -----------------------------------
    handler_context, handler = staff(
        browser, base, "handler@zone.example", ENQUIRY_HANDLERS, science
    )
    handler.goto(base + f"/admin/enquiries/?department={science.pk}")
    assert handler.get_by_text(enquiry.number).is_visible()
    act(handler, base, enquiry, "accept")
    act(handler, base, enquiry, "answer", "请按企业所得税年度申报表中的研发费用加计扣除口径填报。")
    enquiry.refresh_from_db()
    assert enquiry.state == "answered"

    # --- the member sees the timeline and rates -----------------------------------------
    page.goto(f"{base}/enquiries/{enquiry.pk}/")
    timeline = page.locator("ol.timeline").inner_text()
    for step in ("已收到", "科技创新局", "已受理", "已答复"):
        assert step in timeline, step
    page.screenshot(path=output_dir / "enquiry-answered.png", full_page=True)
    page.locator(f'a[href="/enquiries/{enquiry.pk}/rate/"]').click()
    page.locator("input[name=rating][value='4']").check()
    page.locator("[name=comment]").fill("答复清楚，谢谢。")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/enquiries/{enquiry.pk}/")
    enquiry.refresh_from_db()
    assert enquiry.state == "closed" and enquiry.rating == 4

    # --- the handler publishes it, rewritten, as a question and answer ------------------
    handler.goto(f"{base}/admin/enquiries/{enquiry.pk}/")
    faq_form = handler.locator(f"form[action='/admin/enquiries/{enquiry.pk}/faq/']")
    faq_form.locator("textarea[name=question]").fill(FAQ_QUESTION)
    faq_form.locator("textarea[name=answer]").fill(FAQ_ANSWER)
    faq_form.locator("button[type=submit]").click()
    handler.wait_for_load_state()
    assert enquiry.faqs.get().question == FAQ_QUESTION
    handler_context.close()
    deliver()  # the policy is reindexed with its FAQ through the outbox

    # --- a visitor's search finds the policy by the answer ------------------------------
    visitor_context = browser.new_context(locale="zh-CN")
    visitor = visitor_context.new_page()
    visitor.goto(base + "/policies/search/?q=委托研发")
    results = visitor.locator("ol.search-results > li")
    assert results.count() == 1
    assert policy.title in results.first.inner_text()
    assert results.first.locator(".tag--faq").inner_text() == "问答"
    visitor.screenshot(path=output_dir / "search-finds-faq.png", full_page=True)
    results.first.locator("a").first.click()
    visitor.wait_for_load_state()
    body = visitor.locator("main").inner_text()
    assert FAQ_QUESTION in body and FAQ_ANSWER in body
    assert "成都蓉芯微电子" not in body  # the anonymised text, not the enquiry's
    visitor_context.close()
