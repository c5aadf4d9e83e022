"""Fulfilment (兑现): accounts, awards and instalments, batches and the bank files, budgets,
acceptance and recovery — through the services, against the real database."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from applications import services as applications
from applications.rules import ApplicationError
from fulfilment import bankfiles, rules, services
from fulfilment.models import (
    AcceptanceState,
    Award,
    BankAccount,
    Instalment,
    PaymentBatch,
    Recovery,
)
from fulfilment.rules import FulfilmentError
from notifications.models import Notification
from tests.factories import (
    make_application,
    make_member,
    make_programme,
    make_reviewer,
    make_verified_enterprise,
    pdf_upload,
)
from tests.fulfilment_support import (
    deliver,
    entered_account,
    final_award,
    finance,
    line,
    officer,
    plan,
    result_csv,
    verified_account,
)

pytestmark = pytest.mark.django_db


def admin_of(enterprise):
    return enterprise.memberships.get(role="admin").user


# --- bank accounts ---------------------------------------------------------------------------
class TestAccounts:
    def test_the_account_name_must_be_the_company_name(self):
        company = make_verified_enterprise()
        with pytest.raises(FulfilmentError) as error:
            services.save_account(
                company,
                by=admin_of(company),
                account_name="别的公司",
                bank_name="中国银行",
                account_number="6216600000001234567",
            )
        assert company.name in error.value.message
        assert not BankAccount.objects.exists()

    def test_only_the_administrator_enters_it(self):
        company = make_verified_enterprise()
        with pytest.raises(FulfilmentError):
            services.save_account(
                company,
                by=make_member(company),
                account_name=company.name,
                bank_name="中国银行",
                account_number="6216600000001234567",
            )

    def test_a_change_needs_verifying_again_and_is_audited(self):
        company = make_verified_enterprise()
        account = verified_account(company, finance())
        assert account.is_verified
        changed = services.save_account(
            company,
            by=admin_of(company),
            account_name=company.name,
            bank_name="工商银行高新支行",
            account_number="6222 0000 0000 9999",
        )
        assert changed.state == "pending" and changed.verified_at is None
        events = list(changed.events.values_list("action", flat=True))
        assert events == ["enter", "verify", "change"]
        last = changed.events.last()
        assert last.before["account_number"] == "6216600000001234567"
        assert last.after["account_number"] == "6222000000009999"

    def test_a_stale_verification_is_refused(self):
        company = make_verified_enterprise()
        account = entered_account(company)
        entered_account(company, account_number="6216600000007654321")
        with pytest.raises(FulfilmentError) as error:
            services.decide_account(account, by=finance(), verify=True, version=account.version)
        assert error.value.code == "stale"

    def test_refusing_needs_a_reason_and_tells_the_company(self):
        company = make_verified_enterprise()
        account = entered_account(company)
        with pytest.raises(FulfilmentError):
            services.decide_account(account, by=finance(), verify=False, version=1)
        services.decide_account(
            account, by=finance("f2@zone.example"), verify=False, version=1, reason="开户行不符"
        )
        deliver()
        assert Notification.objects.filter(
            user=admin_of(company),
            key__startswith="fulfilment-account:",
            body__contains="开户行不符",
        ).exists()

    def test_staff_without_the_right_cannot_verify(self):
        company = make_verified_enterprise()
        account = entered_account(company)
        with pytest.raises(FulfilmentError):
            services.decide_account(account, by=officer(), verify=True, version=1)


# --- awards and instalments ------------------------------------------------------------------
class TestAwards:
    def test_a_final_approval_becomes_an_award_in_instalments(self):
        programme = make_programme()
        plan(programme, [50, 50], acceptance=True)
        award = final_award(programme=programme, amount="299999.99")
        parts = list(award.instalments.values_list("number", "amount", "state"))
        assert parts == [
            (1, Decimal("149999.99"), "due"),
            (2, Decimal("150000.00"), "held"),
        ]
        assert award.source == "application" and award.amount == Decimal("299999.99")
        # Told once; a second run of the task changes nothing.
        assert services.create_award_for_application(award.application_id) == award
        assert Award.objects.count() == 1

    def test_no_award_during_the_public_notice(self):
        application = make_application(submit=True)
        reviewer = make_reviewer()
        applications.transition(application, "accept", by=reviewer)
        applications.transition(application, "approve", by=reviewer, amount=Decimal("1000"))
        deliver()
        assert services.create_award_for_application(application.pk) is None
        assert not Award.objects.exists()

    @given(
        amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2),
        shares=st.lists(st.integers(1, 100), min_size=1, max_size=5).filter(
            lambda s: sum(s) <= 100
        ),
    )
    def test_instalments_add_up_to_the_amount(self, amount, shares):
        shares = [*shares[:-1], 100 - sum(shares[:-1])] if sum(shares[:-1]) < 100 else [100]
        parts = rules.split(amount, shares)
        assert sum(parts) == amount
        assert len(parts) == len(shares)
        assert all(p >= 0 for p in parts)


# --- batches and bank files --------------------------------------------------------------------
@pytest.fixture
def paying():
    """Two awards of two companies with verified accounts, their instalments in a batch."""
    money = finance()
    first, second = make_verified_enterprise(), make_verified_enterprise()
    programme = make_programme()
    awards = [
        final_award(first, programme, amount="100000.00"),
        final_award(second, programme, amount="200000.00"),
    ]
    for company in (first, second):
        verified_account(company, money)
    batch = services.create_batch(by=money)
    ids = Instalment.objects.filter(award__in=awards).values_list("pk", flat=True)
    assert services.add_to_batch(batch, ids, by=money) == 2
    return {"finance": money, "batch": batch, "awards": awards, "programme": programme}


def upload(data: bytes, name="result.csv"):
    return SimpleUploadedFile(name, data)


class TestBatches:
    def test_a_company_without_a_verified_account_stops_the_submission(self):
        money = finance()
        award = final_award()
        batch = services.create_batch(by=money)
        services.add_to_batch(batch, [award.instalments.get().pk], by=money)
        with pytest.raises(FulfilmentError) as error:
            services.submit_batch(batch, by=money)
        assert award.enterprise.name in error.value.message
        assert award.instalments.get().state == "due"

    def test_submit_export_and_a_clean_result_file(self, paying):
        money, batch = paying["finance"], paying["batch"]
        services.submit_batch(batch, by=money)
        first, second = Instalment.objects.filter(batch=batch).order_by("pk")
        assert first.state == "submitted" and first.account["account_number"]

        sheet = openpyxl.load_workbook(io.BytesIO(bankfiles.export_batch(batch))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0].startswith("业务编号")
        assert [r[0] for r in rows[1:]] == [first.reference, second.reference]
        assert rows[1][2] == first.account["account_number"]  # text, not a number
        assert Decimal(str(rows[1][4])) == first.amount

        data = result_csv([line(first), line(second, "失败", "账户已冻结")])
        report, applied = bankfiles.import_results(batch, upload(data), by=money)
        assert report.ok, report.errors
        assert (applied.paid, applied.returned) == (1, 1)
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.state == "paid" and str(first.paid_on) == "2026-12-01"
        assert second.state == "returned" and second.returned_reason == "账户已冻结"
        assert Award.objects.get(pk=first.award_id).state == "paid"
        assert PaymentBatch.objects.get(pk=batch.pk).state == "closed"
        deliver()
        company = paying["awards"][0].enterprise
        titles = list(
            Notification.objects.filter(enterprise=company, kind="fulfilment").values_list(
                "title", flat=True
            )
        )
        assert any("已拨付" in t for t in titles), titles

    @pytest.mark.parametrize(
        "mutate, message",
        [
            (lambda rows: rows.append(list(rows[0])), "appears twice"),
            (lambda rows: rows[0].__setitem__(2, "1.00"), "amount"),
            (lambda rows: rows[0].__setitem__(1, "6216600000000000000"), "account number"),
            (lambda rows: rows[0].__setitem__(0, "FF-999999-1"), "not a line"),
            (lambda rows: rows[0].__setitem__(3, "也许"), "neither"),
            (lambda rows: rows[0].__setitem__(3, "失败"), "reason"),
            (lambda rows: rows[0].__setitem__(5, "2026-13-45"), "not a date"),
        ],
    )
    def test_a_file_with_any_wrong_line_is_refused_whole(self, paying, mutate, message):
        from django.utils import translation

        money, batch = paying["finance"], paying["batch"]
        services.submit_batch(batch, by=money)
        first, second = Instalment.objects.filter(batch=batch).order_by("pk")
        rows = [line(first), line(second)]
        mutate(rows)
        with translation.override("en"):
            report, applied = bankfiles.import_results(batch, upload(result_csv(rows)), by=money)
        assert applied is None and not report.ok
        assert any(message in text for _row, text in report.errors), report.errors
        assert set(Instalment.objects.filter(batch=batch).values_list("state", flat=True)) == {
            "submitted"
        }
        assert not batch.imports.exists()

    def test_an_xlsx_result_file_and_a_second_import_of_it(self, paying):
        money, batch = paying["finance"], paying["batch"]
        services.submit_batch(batch, by=money)
        first, second = Instalment.objects.filter(batch=batch).order_by("pk")
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["业务编号", "收款账号", "金额", "结果", "失败原因", "日期"])
        sheet.append(
            [
                first.reference,
                first.account["account_number"],
                float(first.amount),
                "成功",
                None,
                None,
            ]
        )
        buffer = io.BytesIO()
        book.save(buffer)
        report, applied = bankfiles.import_results(
            batch, upload(buffer.getvalue(), "r.xlsx"), by=money
        )
        assert report.ok, report.errors
        assert Instalment.objects.get(pk=first.pk).state == "paid"
        assert Instalment.objects.get(pk=second.pk).state == "submitted"
        assert PaymentBatch.objects.get(pk=batch.pk).state == "submitted"
        from django.utils import translation

        with translation.override("en"):
            again, applied = bankfiles.import_results(
                batch, upload(buffer.getvalue(), "r.xlsx"), by=money
            )
        assert applied is None
        assert "already settled" in " ".join(m for _r, m in again.errors)

    def test_a_returned_instalment_is_paid_again_in_a_new_batch(self, paying):
        money, batch = paying["finance"], paying["batch"]
        services.submit_batch(batch, by=money)
        first, second = Instalment.objects.filter(batch=batch).order_by("pk")
        bankfiles.import_results(
            batch, upload(result_csv([line(first), line(second, "失败", "户名不符")])), by=money
        )
        second = services.requeue(Instalment.objects.get(pk=second.pk), by=money)
        assert second.state == "due" and second.batch_id is None
        again = services.create_batch(by=money)
        assert services.add_to_batch(again, [second.pk], by=money) == 1

    def test_a_submitted_batch_cannot_change(self, paying):
        money, batch = paying["finance"], paying["batch"]
        services.submit_batch(batch, by=money)
        with pytest.raises(FulfilmentError):
            services.remove_from_batch(batch, [], by=money)

    def test_only_finance_prepares_batches(self):
        with pytest.raises(FulfilmentError):
            services.create_batch(by=officer())


# --- budgets -------------------------------------------------------------------------------------
class TestBudgets:
    def test_approved_paid_and_remaining(self, paying):
        money, batch = paying["finance"], paying["batch"]
        services.submit_batch(batch, by=money)
        first, second = Instalment.objects.filter(batch=batch).order_by("pk")
        bankfiles.import_results(batch, upload(result_csv([line(first)])), by=money)
        budget = rules.budget(paying["programme"])
        assert budget.approved == Decimal("300000.00")
        assert budget.paid == first.amount
        assert budget.in_flight == second.amount
        assert budget.remaining == Decimal("2000000.00") - Decimal("300000.00")

    def test_no_payment_past_the_budget(self, paying):
        money, batch = paying["finance"], paying["batch"]
        programme = paying["programme"]
        programme.budget = Decimal("250000.00")  # lowered after the approvals
        programme.save(update_fields=["budget"])
        with pytest.raises(FulfilmentError) as error:
            services.submit_batch(batch, by=money)
        assert error.value.code == "budget"
        assert set(Instalment.objects.filter(batch=batch).values_list("state", flat=True)) == {
            "due"
        }


# --- acceptance and recovery -------------------------------------------------------------------
class TestAcceptanceAndRecovery:
    def test_the_last_instalment_waits_for_an_accepted_report(self, settings, tmp_path):
        settings.PRIVATE_MEDIA_ROOT = tmp_path
        programme = make_programme()
        plan(programme, [60, 40], acceptance=True)
        award = final_award(programme=programme)
        held = award.instalments.get(number=2)
        company_admin = admin_of(award.enterprise)
        report = services.submit_acceptance(award, by=company_admin, upload=pdf_upload())
        with pytest.raises(FulfilmentError):  # one report at a time
            services.submit_acceptance(award, by=company_admin, upload=pdf_upload())
        checker = officer()
        with pytest.raises(FulfilmentError):  # a failure needs a reason
            services.check_acceptance(report, by=checker, passed=False)
        services.check_acceptance(report, by=checker, passed=False, comment="缺少验收意见")
        assert Instalment.objects.get(pk=held.pk).state == "held"
        second = services.submit_acceptance(award, by=company_admin, upload=pdf_upload())
        services.check_acceptance(second, by=checker, passed=True)
        assert Instalment.objects.get(pk=held.pk).state == "due"
        assert second.__class__.objects.get(pk=second.pk).state == AcceptanceState.PASSED

    def test_a_recovery_against_a_paid_award(self, paying):
        money, batch = paying["finance"], paying["batch"]
        services.submit_batch(batch, by=money)
        first, _second = Instalment.objects.filter(batch=batch).order_by("pk")
        bankfiles.import_results(batch, upload(result_csv([line(first)])), by=money)
        award = Award.objects.get(pk=first.award_id)
        checker = officer()
        with pytest.raises(FulfilmentError):
            services.record_recovery(award, by=checker, amount="100000.01", reason="虚报")
        recovery = services.record_recovery(award, by=checker, amount="50000", reason="虚报")
        assert Award.objects.get(pk=award.pk).state == "recovering"
        services.settle_recovery(recovery, by=checker)
        assert Award.objects.get(pk=award.pk).state == "recovered"
        assert Recovery.objects.get(pk=recovery.pk).settled_on is not None
        deliver()
        assert Notification.objects.filter(key__startswith="fulfilment-recovery-recover:").exists()

    def test_nothing_paid_nothing_to_recover(self):
        award = final_award()
        with pytest.raises(FulfilmentError):
            services.record_recovery(award, by=officer(), amount="1", reason="x")


def test_an_approval_cannot_spend_what_apply_free_awards_took():
    """The budget check of approvals counts apply-free awards (registered by fulfilment)."""
    from fulfilment.models import Roster, RosterEntry

    programme = make_programme(budget=Decimal("500000.00"))
    company = make_verified_enterprise()
    roster = Roster.objects.create(programme=programme, amount=Decimal("400000.00"), criteria={})
    entry = RosterEntry.objects.create(roster=roster, enterprise=company, state="confirmed")
    Award.objects.create(
        enterprise=company,
        programme=programme,
        source="apply_free",
        roster_entry=entry,
        amount=Decimal("400000.00"),
        granted_on="2026-01-05",
    )
    application = make_application(programme=programme, submit=True)
    reviewer = make_reviewer()
    applications.transition(application, "accept", by=reviewer)
    with pytest.raises(ApplicationError) as error:
        applications.transition(application, "approve", by=reviewer, amount=Decimal("300000"))
    assert error.value.code == "budget"
