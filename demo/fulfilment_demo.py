"""The fulfilment part of ``seed_demo``: every state of every fulfilment machine, reached
through the services as if it had happened (docs/fulfilment.md lists the states).

Five more verified companies (成都示范…有限公司, administrators ``company2@`` … ``company6@``)
join the demo company. Their applications to the R&D programme (paid 50 % now, 50 % after
acceptance) are approved and final; four apply-free programmes get rosters in each roster
state (one being generated, filled by the outbox after the commit, and one failed); payment
batches are closed, submitted and in preparation; one award is paid in full, one is recovering
and one recovered.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services as applications
from applications.models import Programme
from enterprises.credit_code import check_character
from enterprises.models import Area, Qualification, QualificationType, VerificationStatus
from enterprises.services import register_enterprise
from fulfilment import bankfiles, rosters, services
from fulfilment.models import Award, PaymentPlan, Roster
from policies.models import PolicyPage

PDF = b"%PDF-1.4\n% demo document\n%%EOF\n"
COMPANIES = [
    ("company2@demo.zoneportal.cn", "成都示范智能制造有限公司", "91510100MA61XQ8A1"),
    ("company3@demo.zoneportal.cn", "成都示范生物医药有限公司", "91510100MA61XQ8B2"),
    ("company4@demo.zoneportal.cn", "成都示范集成电路设计有限公司", "91510100MA61XQ8C3"),
    ("company5@demo.zoneportal.cn", "成都示范数据服务有限公司", "91510100MA61XQ8D4"),
    ("company6@demo.zoneportal.cn", "成都示范新材料科技有限公司", "91510100MA61XQ8E5"),
]
# policy external id → (programme name, amount per company, working days to confirm); the
# rosters end published, closed, reviewed and under review.
APPLY_FREE = [
    ("cdht-2025-002", "2026年度首次认定高新技术企业奖励（免申即享）", "100000.00", 15),
    ("cdht-2025-052", "2026年度企业开办补贴（免申即享）", "5000.00", 10),
    ("cdht-2025-026", "2026年度融资担保费补贴（免申即享）", "20000.00", 10),
    ("cdht-2025-039", "2026年度小微企业房租补贴（免申即享）", "10000.00", 10),
]


def _pdf(name="验收报告.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _company(email, name, first17, password):
    User = get_user_model()
    user = User.objects.create_user(email, password, full_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    enterprise = register_enterprise(
        user,
        name=name,
        credit_code=first17 + check_character(first17),
        legal_representative="王芳",
        registered_address="成都高新区天府五街200号",
        established=datetime.date(2017, 3, 1),
        registered_capital_wan=Decimal("500"),
        industry_code="I65",
        area=Area.objects.get(code="south"),
        employees=40,
        revenue_wan=Decimal("1500"),
        rd_expense_wan=Decimal("200"),
        credit_standing="good",
        contact_name="王芳",
        contact_phone="028-85005678",
        contact_email=email,
    )
    Qualification.objects.create(
        enterprise=enterprise,
        type=QualificationType.objects.get(code="hnte"),
        certificate_number=f"GR2025510{first17[-4:]}",
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2027, 12, 31),
    )
    enterprise.verification_status = VerificationStatus.VERIFIED
    enterprise.verified_at = timezone.now()
    enterprise.save(update_fields=["verification_status", "verified_at"])
    return enterprise


def _apply(enterprise, programme, reviewer, amount):
    """An application approved for ``amount`` and past its public notice, and its award."""
    user = enterprise.memberships.get(role="admin").user
    a = applications.start_application(enterprise, programme, by=user)
    answers = {}
    for block_id, question in programme.question_list():
        if question["kind"] == "number":
            answers[block_id] = 12
        elif question["kind"] == "choice":
            answers[block_id] = question["choices"].splitlines()[0]
        else:
            answers[block_id] = "示范回答"
    a = applications.save_answers(
        a,
        by=user,
        section="project",
        project_title="工业软件研发项目",
        project_summary="研发面向制造业的工业控制软件。",
        answers=answers,
    )
    a = applications.save_answers(a, by=user, section="amount", amount_requested=amount)
    for block_id, doc in programme.required_documents():
        if doc["required"]:
            applications.add_document(a, by=user, requirement_id=block_id, upload=_pdf("材料.pdf"))
    a = applications.save_answers(a, by=user, section="applicant", contact_phone="028-85001234")
    a = applications.accept_declaration(a, by=user)
    a = applications.submit(a, by=user).application
    applications.transition(a, "accept", by=reviewer)
    applications.transition(a, "approve", by=reviewer, amount=amount)
    applications.transition(a, "finalise", by=None)
    return services.create_award_for_application(a.pk)


def _account(enterprise, finance, outcome):
    admin = enterprise.memberships.get(role="admin").user
    digits = "".join(c for c in enterprise.credit_code if c.isdigit())[-12:]
    account = services.save_account(
        enterprise,
        by=admin,
        account_name=enterprise.name,
        bank_name="中国银行成都高新技术产业开发区支行",
        account_number=f"6216{digits:0>12}",
    )
    if outcome == "verified":
        services.decide_account(account, by=finance, verify=True, version=account.version)
    elif outcome == "rejected":
        services.decide_account(
            account,
            by=finance,
            verify=False,
            version=account.version,
            reason="开户许可证上的账号与填写的不一致。",
        )


def _results(batch, finance, lines):
    """Import a bank result CSV for ``lines``: (instalment, "成功" or "失败", reason)."""
    rows = ["业务编号,收款账号,金额,结果,失败原因,日期"]
    for instalment, result, reason in lines:
        instalment.refresh_from_db()
        rows.append(
            f"{instalment.reference},{instalment.account['account_number']},"
            f"{instalment.amount:.2f},{result},{reason},{timezone.localdate().isoformat()}"
        )
    upload = SimpleUploadedFile("银行回单.csv", "\n".join(rows).encode("utf-8-sig"))
    report, applied = bankfiles.import_results(batch, upload, by=finance)
    if applied is None:
        raise RuntimeError(f"the demo result file was refused: {report.errors}")


def seed(tally, password, *, reviewer, finance, officer, demo_company) -> None:
    if Award.objects.exists() or Roster.objects.exists():
        tally.add("fulfilment", "unchanged")
        return
    companies = [demo_company] + [_company(e, n, c, password) for e, n, c in COMPANIES]
    d, c1, c2, _c3, c4, c5 = companies  # c3: its account awaits verification, it is listed
    for company, outcome in zip(
        companies,
        ["verified", "verified", "verified", "pending", "rejected", "verified"],
        strict=True,
    ):
        _account(company, finance, outcome)

    # Applied awards: the R&D programme pays 50 % now and 50 % after acceptance (验收).
    rd = Programme.objects.get(page__external_id="cdht-2025-001")
    PaymentPlan.objects.get_or_create(
        programme=rd, defaults={"shares": [50, 50], "requires_acceptance": True}
    )
    a1 = _apply(d, rd, reviewer, Decimal("300000.00"))
    a2 = _apply(c1, rd, reviewer, Decimal("200000.00"))
    a7 = _apply(c5, rd, reviewer, Decimal("150000.00"))

    # Apply-free programmes and their rosters (evaluated in Python: the demo's index may lag).
    now = timezone.now()
    free = {}
    for external_id, name, amount, days in APPLY_FREE:
        page = PolicyPage.objects.get(external_id=external_id)
        programme = Programme.objects.create(
            page=page,
            name=name,
            name_en="Apply-free benefit",
            description="免申即享：符合条件的企业无需申报，确认后直接拨付。",
            opens_at=now - datetime.timedelta(days=30),
            closes_at=now + datetime.timedelta(days=335),
            max_amount=Decimal(amount),
            budget=Decimal(amount) * 100,
            objection_contact="财政金融局 028-85000010",
        )
        # A new revision, so the programme is in what editors open in the admin.
        PolicyPage.objects.get(pk=page.pk).save_revision().publish()
        free[external_id] = rosters.generate(
            programme, by=officer, amount=Decimal(amount), confirm_days=days, use_index=False
        )
    r1, r2, r3, _r4 = (free[e] for e, *_ in APPLY_FREE)  # r4 stays under review

    def entry(roster, company):
        return roster.entries.get(enterprise=company)

    def admin(company):
        return company.memberships.get(role="admin").user

    services.set_entry(entry(r1, c4), by=officer, include=False, reason="存在未整改的失信记录。")
    for roster in (r1, r2, r3):
        services.move_roster(roster, "review", by=officer)
    for roster in (r1, r2):
        services.move_roster(roster, "publish", by=officer)
    a3 = services.confirm_entry(entry(r1, d), by=admin(d), declaration=True)
    a4 = services.confirm_entry(entry(r1, c1), by=admin(c1), declaration=True)
    a5 = services.confirm_entry(entry(r1, c5), by=admin(c5), declaration=True)
    services.decline_entry(entry(r1, c2), by=admin(c2), reason="本年度已享受同类支持。")
    a6 = services.confirm_entry(entry(r2, c2), by=admin(c2), declaration=True)

    # Batch 1: paid in full by the bank (closed).
    first = [a1.instalments.get(number=1), a2.instalments.get(number=1)]
    first += [a4.instalments.get(), a5.instalments.get()]
    b1 = services.create_batch(by=finance, note="十一月第二批")
    services.add_to_batch(b1, [i.pk for i in first], by=finance)
    services.submit_batch(b1, by=finance)
    _results(b1, finance, [(i, "成功", "") for i in first])

    # Batch 2: with the bank; one line returned, one still waiting.
    b2 = services.create_batch(by=finance, note="十二月第一批")
    waiting, bounced = a3.instalments.get(), a6.instalments.get()
    services.add_to_batch(b2, [waiting.pk, bounced.pk], by=finance)
    services.submit_batch(b2, by=finance)
    _results(b2, finance, [(bounced, "失败", "户名与账号不符")])

    # Acceptance: failed then passed (the last instalment is released into batch 3, being
    # prepared); another report waits for the check.
    report = services.submit_acceptance(a1, by=admin(d), upload=_pdf(), summary="项目已完成。")
    services.check_acceptance(report, by=officer, passed=False, comment="缺少第三方检测报告。")
    report = services.submit_acceptance(a1, by=admin(d), upload=_pdf(), summary="已补检测报告。")
    services.check_acceptance(report, by=officer, passed=True)
    b3 = services.create_batch(by=finance, note="十二月第二批")
    services.add_to_batch(b3, [a1.instalments.get(number=2).pk], by=finance)
    services.submit_acceptance(a7, by=admin(c5), upload=_pdf(), summary="项目已验收。")

    # Recovery (追回): one demanded (its unpaid instalment cancelled), one settled.
    services.record_recovery(a2, by=officer, amount="100000.00", reason="项目未按期实施。")
    recovery = services.record_recovery(a5, by=officer, amount="100000.00", reason="重复享受。")
    services.settle_recovery(recovery, by=officer)

    # Roster 2 ends: those who did not confirm lapse, and it closes.
    r2.refresh_from_db()
    services.lapse_due(r2.confirm_until + datetime.timedelta(days=1))

    # Its programme gets a new roster as an officer would start one: a first attempt whose
    # generation failed, and one being generated (the outbox fills it once the demo commits,
    # and it is then under review).
    failed = rosters.start(r2.programme, by=officer, amount=r2.amount, confirm_days=10)
    rosters.record_failure(
        Roster.objects.select_for_update().get(pk=failed.pk),
        "演示：生成名单时数据库连接中断（OperationalError）。",
    )
    rosters.start(r2.programme, by=officer, amount=r2.amount, confirm_days=10)
    tally.add("fulfilment", "created", Award.objects.count())
