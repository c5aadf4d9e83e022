"""The rules of applying: window, company, eligibility, amounts and budget, exclusivity, working
days, programme validation, uploads, the public notice; and races on a real PostgreSQL."""

import datetime
import io
import threading
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone, translation

from applications import services
from applications.models import Application, ApplicationEvent, Programme, ReferenceCounter
from policies.models import ExclusivityGroup, HolidayCalendarDay
from policies.workdays import add_working_days, as_local_date
from tests.factories import (
    make_application,
    make_enterprise,
    make_policy,
    make_programme,
    make_reviewer,
    make_verified_enterprise,
    pdf_upload,
)
from zoneportal.clock import ZONE, local_today

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def cst(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=ZONE)


def accepted(application, reviewer=None, **kwargs):
    reviewer = reviewer or make_reviewer()
    services.transition(application, "accept", by=reviewer, **kwargs)
    return Application.objects.get(pk=application.pk)


def office_file(name, member) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return SimpleUploadedFile(name, buffer.getvalue())


# --- window, company, eligibility ----------------------------------------------------------
@pytest.mark.django_db
class TestWhoMayApply:
    def test_the_window_by_the_servers_clock(self):
        now = timezone.now()
        upcoming = make_programme(
            opens_at=now + datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(days=9)
        )
        closed = make_programme(
            opens_at=now - datetime.timedelta(days=9), closes_at=now - datetime.timedelta(minutes=1)
        )
        enterprise = make_verified_enterprise()
        user = enterprise.memberships.get().user
        with translation.override("en"):
            with pytest.raises(services.ApplicationError) as caught:
                services.start_application(enterprise, upcoming, by=user)
            assert "opens for applications at" in caught.value.message
            opens = timezone.localtime(upcoming.opens_at).strftime("%Y-%m-%d %H:%M")
            assert opens in caught.value.message
            with pytest.raises(services.ApplicationError) as caught:
                services.start_application(enterprise, closed, by=user)
            assert "closed for applications" in caught.value.message
        assert not Application.objects.filter(enterprise=enterprise).exists()

    def test_submission_after_the_close_is_refused_and_the_draft_kept(self):
        programme = make_programme()
        application = make_application(programme=programme)
        user = application.created_by
        closes = programme.closes_at
        with translation.override("en"), pytest.raises(services.ApplicationError) as caught:
            services.submit(application, by=user, now=closes)
        assert "closed for applications" in caught.value.message
        with pytest.raises(services.ApplicationError):
            services.submit(application, by=user, now=closes + datetime.timedelta(seconds=1))
        row = Application.objects.get(pk=application.pk)
        assert row.state == "draft" and row.reference is None
        assert row.project_title and row.documents.count() == 1  # the work is kept
        before = closes - datetime.timedelta(seconds=1)
        assert services.submit(application, by=user, now=before).application.state == "submitted"

    def test_submission_before_the_window_opens_is_refused(self):
        programme = make_programme()
        application = make_application(programme=programme)
        with pytest.raises(services.ApplicationError):
            services.submit(
                application,
                by=application.created_by,
                now=programme.opens_at - datetime.timedelta(seconds=1),
            )

    def test_a_resubmission_is_not_held_to_the_window(self):
        programme = make_programme()
        application = make_application(programme=programme, submit=True)
        reviewer = make_reviewer()
        accepted(application, reviewer)
        services.transition(application, "return", by=reviewer, comment="补正")
        services.accept_declaration(application, by=application.created_by)
        later = programme.closes_at + datetime.timedelta(days=3)
        outcome = services.submit(application, by=application.created_by, now=later)
        assert outcome.application.state == "resubmitted"

    def test_only_verified_companies(self):
        programme = make_programme()
        pending = make_enterprise()
        with translation.override("en"), pytest.raises(services.ApplicationError) as caught:
            services.start_application(pending, programme, by=pending.memberships.get().user)
        assert "Only verified companies can apply" in caught.value.message

    def test_only_members_of_the_company(self):
        programme = make_programme()
        enterprise = make_verified_enterprise()
        outsider = make_verified_enterprise().memberships.get().user
        with pytest.raises(services.ApplicationError) as caught:
            services.start_application(enterprise, programme, by=outsider)
        assert caught.value.code == "forbidden"

    def test_an_ineligible_company_is_told_why(self):
        policy = make_policy(criteria={"industries": ["C27"]})
        programme = make_programme(policy)
        enterprise = make_verified_enterprise(industry_code="I65")
        with translation.override("en"), pytest.raises(services.ApplicationError) as caught:
            services.start_application(enterprise, programme, by=enterprise.memberships.get().user)
        message = caught.value.message
        assert "does not meet the policy's criteria" in message
        assert "Your industry is Software and information technology services (I65)" in message
        assert "the policy is only for" in message and "(C27)" in message

    def test_a_possible_company_confirms_the_unknown_facts(self):
        policy = make_policy(criteria={"min_employees": 10})
        programme = make_programme(policy)
        enterprise = make_verified_enterprise(employees=None)
        user = enterprise.memberships.get().user
        check = services.check_company(enterprise, programme)
        assert check.ok and check.unknown_keys == ["min_employees"]
        with pytest.raises(services.ApplicationError) as caught:
            services.start_application(enterprise, programme, by=user)
        assert caught.value.code == "confirm_unknowns"
        with pytest.raises(services.ApplicationError):
            services.start_application(
                enterprise, programme, by=user, confirmed_unknowns=["something_else"]
            )
        application = services.start_application(
            enterprise, programme, by=user, confirmed_unknowns=["min_employees"]
        )
        assert application.confirmed_unknowns == ["min_employees"]

    def test_one_live_application_per_company_and_programme(self):
        application = make_application(complete=False)
        again = services.start_application(
            application.enterprise, application.programme, by=application.created_by
        )
        assert again.pk == application.pk
        services.withdraw(application, by=application.created_by)
        fresh = services.start_application(
            application.enterprise, application.programme, by=application.created_by
        )
        assert fresh.pk != application.pk


# --- amounts and budget --------------------------------------------------------------------
@pytest.mark.django_db
class TestAmounts:
    def test_above_the_maximum(self):
        application = make_application(complete=False)
        with translation.override("en"), pytest.raises(services.ApplicationError) as caught:
            services.save_answers(
                application,
                by=application.created_by,
                section="amount",
                amount_requested=Decimal("500000.01"),
            )
        assert "maximum of ¥500,000.00" in caught.value.message
        assert Application.objects.get(pk=application.pk).amount_requested is None

    def test_above_the_budget(self):
        # A programme saved without validation: its budget is below the maximum.
        programme = make_programme(max_amount=Decimal("500000"), budget=Decimal("100000"))
        application = make_application(programme=programme, complete=False)
        with translation.override("en"), pytest.raises(services.ApplicationError) as caught:
            services.save_answers(
                application,
                by=application.created_by,
                section="amount",
                amount_requested=Decimal("200000"),
            )
        assert "total budget" in caught.value.message

    def test_zero_or_negative(self):
        application = make_application(complete=False)
        for amount in ("0", "-1"):
            with pytest.raises(services.ApplicationError):
                services.save_answers(
                    application,
                    by=application.created_by,
                    section="amount",
                    amount_requested=Decimal(amount),
                )

    def test_approval_above_the_requested_amount(self):
        application = accepted(make_application(submit=True))  # 300,000 requested
        with translation.override("en"), pytest.raises(services.ApplicationError) as caught:
            services.transition(application, "approve", by=make_reviewer(), amount="300000.01")
        assert "more than the ¥300,000.00 requested" in caught.value.message
        assert Application.objects.get(pk=application.pk).state == "accepted"

    def test_approval_above_the_remaining_budget(self):
        programme = make_programme(max_amount=Decimal("300000"), budget=Decimal("500000"))
        reviewer = make_reviewer()
        first = accepted(make_application(programme=programme, submit=True), reviewer)
        second = accepted(make_application(programme=programme, submit=True), reviewer)
        services.transition(first, "approve", by=reviewer, amount="300000")
        with translation.override("en"), pytest.raises(services.ApplicationError) as caught:
            services.transition(second, "approve", by=reviewer, amount="200000.01")
        assert caught.value.code == "budget"
        assert "¥200,000.00 left in the budget" in caught.value.message
        services.transition(second, "approve", by=reviewer, amount="200000")
        programme.refresh_from_db()
        assert programme.remaining_budget() == 0

    def test_approval_needs_an_amount_above_zero(self):
        application = accepted(make_application(submit=True))
        reviewer = make_reviewer()
        for amount in (None, "0", "-5"):
            with pytest.raises(services.ApplicationError):
                services.transition(application, "approve", by=reviewer, amount=amount)


# --- exclusivity (从高从优不重复) ------------------------------------------------------------
@pytest.mark.django_db
class TestExclusivity:
    @pytest.fixture
    def pair(self):
        group = ExclusivityGroup.objects.create(name="研发补助", name_en="R&D subsidies")
        first = make_programme(make_policy(criteria={}, exclusivity_group=group))
        second = make_programme(make_policy(criteria={}, exclusivity_group=group))
        enterprise = make_verified_enterprise()
        return first, second, enterprise, make_reviewer()

    def approve(self, application, reviewer):
        accepted(application, reviewer)
        return services.transition(application, "approve", by=reviewer, amount="100000").application

    def test_an_approval_blocks_starting_the_other(self, pair):
        first, second, enterprise, reviewer = pair
        earlier = self.approve(make_application(enterprise, first, submit=True), reviewer)
        with translation.override("en"), pytest.raises(services.ApplicationError) as caught:
            services.start_application(enterprise, second, by=enterprise.memberships.get().user)
        assert earlier.reference in caught.value.message
        assert "R&D subsidies" in caught.value.message
        assert not Application.objects.filter(programme=second).exists()

    def test_an_approval_blocks_submitting_the_other(self, pair):
        first, second, enterprise, reviewer = pair
        draft = make_application(enterprise, second)
        earlier = self.approve(make_application(enterprise, first, submit=True), reviewer)
        with pytest.raises(services.ApplicationError) as caught:
            services.submit(draft, by=draft.created_by)
        assert earlier.reference in caught.value.message
        assert Application.objects.get(pk=draft.pk).state == "draft"

    def test_an_approval_blocks_approving_the_other(self, pair):
        first, second, enterprise, reviewer = pair
        one = accepted(make_application(enterprise, first, submit=True), reviewer)
        other = accepted(make_application(enterprise, second, submit=True), reviewer)
        earlier = services.transition(one, "approve", by=reviewer, amount="1000").application
        with pytest.raises(services.ApplicationError) as caught:
            services.transition(other, "approve", by=reviewer, amount="1000")
        assert caught.value.code == "exclusive"
        assert earlier.reference in caught.value.message
        # Rejecting it is still possible.
        services.transition(other, "reject", by=reviewer, comment="已享受同组政策")

    def test_last_years_approval_does_not_block(self, pair):
        first, second, enterprise, reviewer = pair
        earlier = self.approve(make_application(enterprise, first, submit=True), reviewer)
        last_year = cst(local_today().year - 1, 12, 31, 23, 0)
        Application.objects.filter(pk=earlier.pk).update(decided_at=last_year)
        application = make_application(enterprise, second, submit=True)
        self.approve(application, reviewer)

    def test_another_group_or_no_group_does_not_block(self, pair):
        first, _second, enterprise, reviewer = pair
        self.approve(make_application(enterprise, first, submit=True), reviewer)
        loose = make_programme()
        make_application(enterprise, loose, submit=True)


# --- working days ----------------------------------------------------------------------------
@pytest.mark.django_db
class TestWorkingDays:
    def test_the_2026_national_day_calendar_is_seeded(self):
        days = dict(
            HolidayCalendarDay.objects.filter(
                date__range=(datetime.date(2026, 9, 19), datetime.date(2026, 10, 11))
            ).values_list("date", "kind")
        )
        assert days[datetime.date(2026, 9, 20)] == "workday"  # Sunday, a make-up working day
        assert days[datetime.date(2026, 10, 10)] == "workday"  # Saturday, a make-up working day
        assert all(days[datetime.date(2026, 10, d)] == "holiday" for d in range(1, 8))

    @pytest.mark.parametrize(
        "accepted_at, review_days, due",
        [
            # Accepted on the eve of National Day: the first working day after is 10/8.
            (cst(2026, 9, 30, 17, 0), 1, datetime.date(2026, 10, 8)),
            # The make-up Saturday 10/10 counts.
            (cst(2026, 9, 30, 17, 0), 3, datetime.date(2026, 10, 10)),
            (cst(2026, 9, 30, 17, 0), 15, datetime.date(2026, 10, 27)),
            # 00:30 in Shanghai is still 9/29 in UTC: the local date counts.
            (cst(2026, 9, 30, 0, 30), 1, datetime.date(2026, 10, 8)),
            # Accepted on the holiday itself.
            (cst(2026, 10, 3, 10, 0), 1, datetime.date(2026, 10, 8)),
            # Accepted on Friday 9/18: the make-up Sunday 9/20 is day 1.
            (cst(2026, 9, 18, 10, 0), 1, datetime.date(2026, 9, 20)),
        ],
    )
    def test_promised_date_across_national_day(self, accepted_at, review_days, due):
        programme = make_programme(review_days=review_days)
        application = make_application(programme=programme, submit=True)
        application = accepted(application, now=accepted_at)
        assert application.due_date == due
        assert application.due_date_complete
        assert application.accepted_at == accepted_at

    def test_overdue_after_the_promised_date(self):
        programme = make_programme(review_days=3)
        application = accepted(
            make_application(programme=programme, submit=True), now=cst(2026, 9, 30, 17, 0)
        )
        assert not application.is_overdue(datetime.date(2026, 10, 10))
        assert application.is_overdue(datetime.date(2026, 10, 11))
        services.transition(application, "reject", by=make_reviewer(), comment="x")
        application.refresh_from_db()
        assert not application.is_overdue(datetime.date(2026, 10, 11))  # decided: not overdue


# --- programme validation ----------------------------------------------------------------------
@pytest.mark.django_db
class TestProgrammeValidation:
    def programme(self, **fields):
        now = timezone.now()
        values = {
            "page": make_policy(criteria={}),
            "name": "研发补助申报",
            "opens_at": now,
            "closes_at": now + datetime.timedelta(days=30),
            "max_amount": Decimal("500000"),
            "budget": Decimal("2000000"),
        }
        values.update(fields)
        return Programme(**values)

    def test_a_valid_programme(self):
        self.programme().full_clean()

    def test_a_window_that_closes_before_it_opens(self):
        now = timezone.now()
        for closes in (now - datetime.timedelta(seconds=1), now):
            with pytest.raises(ValidationError) as caught:
                self.programme(opens_at=now, closes_at=closes).full_clean()
            assert "closes_at" in caught.value.message_dict

    def test_a_budget_below_the_maximum(self):
        with pytest.raises(ValidationError) as caught:
            self.programme(budget=Decimal("499999.99")).full_clean()
        assert "budget" in caught.value.message_dict

    def test_a_maximum_of_zero(self):
        with pytest.raises(ValidationError) as caught:
            self.programme(max_amount=Decimal("0")).full_clean()
        assert "max_amount" in caught.value.message_dict


# --- uploads -----------------------------------------------------------------------------------
OFFICE_DOCUMENTS = [
    {
        "type": "document",
        "id": "doc-plan",
        "value": {"name": "项目计划书", "required": True, "accepted": ["docx"]},
    },
    {
        "type": "document",
        "id": "doc-budget",
        "value": {"name": "预算表", "required": True, "accepted": ["xlsx"]},
    },
]


@pytest.mark.django_db
class TestUploads:
    def add(self, application, requirement_id, upload):
        return services.add_document(
            application, by=application.created_by, requirement_id=requirement_id, upload=upload
        )

    def test_a_png_named_pdf_is_refused(self):
        application = make_application(complete=False)
        with translation.override("en"), pytest.raises(services.ApplicationError) as caught:
            self.add(application, "doc-audit", SimpleUploadedFile("audit.pdf", PNG_BYTES))
        assert caught.value.message == (
            "This file is not a PDF file (its content was checked, not its name)."
        )
        assert not application.documents.exists()

    def test_a_kind_the_requirement_does_not_accept(self):
        application = make_application(complete=False)
        with translation.override("en"), pytest.raises(services.ApplicationError) as caught:
            self.add(application, "doc-audit", SimpleUploadedFile("audit.png", PNG_BYTES))
        assert "not a PDF file" in caught.value.message
        docx = office_file("expenses.docx", "word/document.xml")
        with translation.override("en"), pytest.raises(services.ApplicationError) as caught:
            self.add(application, "doc-rd", docx)  # accepts PDF and XLSX
        assert "not a PDF, XLSX file" in caught.value.message

    def test_too_big(self):
        application = make_application(complete=False)
        upload = pdf_upload()
        upload.size = 20 * 1024 * 1024 + 1  # claimed size; no 20 MB in memory
        with translation.override("en"), pytest.raises(services.ApplicationError) as caught:
            self.add(application, "doc-audit", upload)
        assert "the limit is 20.0\xa0MB" in caught.value.message
        upload.size = 20 * 1024 * 1024
        assert self.add(application, "doc-audit", upload).size == 20 * 1024 * 1024

    def test_office_files_are_sniffed_by_content(self):
        programme = make_programme(documents=OFFICE_DOCUMENTS)
        application = make_application(programme=programme, complete=False)
        plan = self.add(application, "doc-plan", office_file("plan.docx", "word/document.xml"))
        assert plan.content_type.endswith("wordprocessingml.document")
        budget = self.add(application, "doc-budget", office_file("budget.xlsx", "xl/workbook.xml"))
        assert budget.content_type.endswith("spreadsheetml.sheet")
        # A ZIP that is neither, named .xlsx; a Word file named .xlsx.
        with pytest.raises(services.ApplicationError):
            self.add(application, "doc-budget", office_file("fake.xlsx", "other.xml"))
        with pytest.raises(services.ApplicationError):
            self.add(application, "doc-budget", office_file("plan.xlsx", "word/document.xml"))
        assert application.documents.get(requirement_id="doc-budget").pk == budget.pk

    def test_a_failed_upload_keeps_the_earlier_file(self):
        application = make_application()
        document = application.documents.get()
        with pytest.raises(services.ApplicationError):
            self.add(application, "doc-audit", SimpleUploadedFile("audit.pdf", PNG_BYTES))
        assert application.documents.get().pk == document.pk
        assert document.file.storage.exists(document.file.name)

    def test_a_requirement_the_programme_does_not_have(self):
        application = make_application(complete=False)
        with pytest.raises(services.ApplicationError) as caught:
            self.add(application, "doc-nope", pdf_upload())
        assert caught.value.code == "unknown_document"

    def test_missing_required_documents_block_submission(self):
        application = make_application()
        services.remove_document(
            application, by=application.created_by, document_id=application.documents.get().pk
        )
        with translation.override("en"), pytest.raises(services.ApplicationError) as caught:
            services.submit(application, by=application.created_by)
        assert caught.value.code == "incomplete"
        assert "审计报告" in caught.value.message


# --- the public notice -----------------------------------------------------------------------
@pytest.mark.django_db
class TestPublicNotice:
    def test_notice_period_and_finalisation(self):
        application = accepted(make_application(submit=True))
        approved_at = cst(2026, 9, 29, 10, 0)  # Tuesday before National Day
        outcome = services.transition(
            application, "approve", by=make_reviewer(), amount="250000", now=approved_at
        )
        application = outcome.application
        # 5 working days after 9/29: 9/30, 10/8, 10/9, 10/10 (make-up Saturday), 10/12.
        assert application.notice_until == datetime.date(2026, 10, 12)
        assert application.notice_until == add_working_days(as_local_date(approved_at), 5)
        assert list(services.public_notices(datetime.date(2026, 10, 12))) == [application]

        assert services.finalise_due(datetime.date(2026, 10, 12)) == 0
        assert Application.objects.get(pk=application.pk).state == "approved"
        assert services.finalise_due(datetime.date(2026, 10, 13)) == 1
        application.refresh_from_db()
        assert application.state == "final" and application.finalised_at
        event = application.events.get(action="finalise")
        assert (event.role, event.actor, event.from_state) == ("system", None, "approved")
        assert services.finalise_due(datetime.date(2026, 10, 14)) == 0
        assert list(services.public_notices(datetime.date(2026, 10, 13))) == []

    def test_a_reviewer_cannot_end_the_notice_early(self):
        application = accepted(make_application(submit=True))
        reviewer = make_reviewer()
        services.transition(application, "approve", by=reviewer, amount="1000")
        with pytest.raises(services.ApplicationError):
            services.transition(application, "finalise", by=reviewer)
        assert Application.objects.get(pk=application.pk).state == "approved"


# --- races on a real PostgreSQL --------------------------------------------------------------
def race(*calls):
    """Run the calls at once, each in its own thread (and database connection)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def errors(results):
    return [r for r in results if isinstance(r, Exception)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestRaces:
    def test_two_reviewers_decide_at_once(self):
        application = accepted(make_application(submit=True))
        one, two = make_reviewer(), make_reviewer()
        results = race(
            lambda: services.transition(application, "approve", by=one, amount="100000"),
            lambda: services.transition(application, "reject", by=two, comment="不符合"),
        )
        failed = errors(results)
        assert len(failed) == 1 and isinstance(failed[0], services.ApplicationError), results
        assert failed[0].message
        application.refresh_from_db()
        assert application.state in ("approved", "rejected")
        assert application.events.filter(action__in=["approve", "reject"]).count() == 1

    def test_two_reviewers_approve_at_once(self):
        application = accepted(make_application(submit=True))
        one, two = make_reviewer(), make_reviewer()
        results = race(
            lambda: services.transition(application, "approve", by=one, amount="100000"),
            lambda: services.transition(application, "approve", by=two, amount="200000"),
        )
        failed = errors(results)
        assert len(failed) == 1 and failed[0].code == "already", results
        assert application.events.filter(action="approve").count() == 1

    def test_two_approvals_race_for_the_last_of_the_budget(self):
        programme = make_programme(max_amount=Decimal("300000"), budget=Decimal("500000"))
        reviewer = make_reviewer()
        first = accepted(make_application(programme=programme, submit=True), reviewer)
        second = accepted(make_application(programme=programme, submit=True), reviewer)
        results = race(
            lambda: services.transition(first, "approve", by=reviewer, amount="300000"),
            lambda: services.transition(second, "approve", by=make_reviewer(), amount="300000"),
        )
        failed = errors(results)
        assert len(failed) == 1 and failed[0].code == "budget", results
        programme.refresh_from_db()
        assert programme.approved_total() == Decimal("300000")

    def test_a_double_submission_makes_one(self):
        application = make_application()
        user = application.created_by
        year = local_today().year
        before = ReferenceCounter.objects.filter(year=year).values_list("last", flat=True).first()
        results = race(
            lambda: services.submit(application, by=user),
            lambda: services.submit(application, by=user),
        )
        assert not errors(results), results
        assert sorted(r.already for r in results) == [False, True]
        application.refresh_from_db()
        assert application.state == "submitted" and application.reference
        events = ApplicationEvent.objects.filter(application=application, action="submit")
        assert events.count() == 1
        assert ReferenceCounter.objects.get(year=year).last == (before or 0) + 1
        assert {r.application.reference for r in results} == {application.reference}

    def test_a_double_start_makes_one(self):
        programme = make_programme()
        enterprise = make_verified_enterprise()
        user = enterprise.memberships.get().user
        results = race(
            lambda: services.start_application(enterprise, programme, by=user),
            lambda: services.start_application(enterprise, programme, by=user),
        )
        assert not errors(results), results
        assert results[0].pk == results[1].pk
        assert Application.objects.filter(enterprise=enterprise, programme=programme).count() == 1
        assert ApplicationEvent.objects.filter(action="start", application=results[0]).count() == 1

    def test_two_approvals_in_one_exclusivity_group_at_once(self):
        group = ExclusivityGroup.objects.create(name="同组")
        enterprise = make_verified_enterprise()
        reviewer = make_reviewer()
        applications = [
            accepted(
                make_application(
                    enterprise,
                    make_programme(make_policy(criteria={}, exclusivity_group=group)),
                    submit=True,
                ),
                reviewer,
            )
            for _ in range(2)
        ]
        results = race(
            *[
                (lambda a=a: services.transition(a, "approve", by=make_reviewer(), amount="1000"))
                for a in applications
            ]
        )
        failed = errors(results)
        assert len(failed) == 1 and failed[0].code == "exclusive", results
