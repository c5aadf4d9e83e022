"""Helpers for the fulfilment tests: staff in the new groups, final approvals, bank files."""

import csv
import io
from decimal import Decimal

from django.contrib.auth.models import Group

from applications import services as applications
from fulfilment import services
from fulfilment.models import Award, PaymentPlan
from policies.roles import FINANCE, FULFILMENT_OFFICERS
from tests.factories import make_application, make_programme, make_reviewer, make_user
from tests.outbox_support import deliver


def staff(group, email):
    user = make_user(email, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def finance(email="finance@zone.example"):
    return staff(FINANCE, email)


def officer(email="officer@zone.example"):
    return staff(FULFILMENT_OFFICERS, email)


def final_award(enterprise=None, programme=None, *, amount="300000.00", reviewer=None) -> Award:
    """An application approved for ``amount``, through its public notice, and its award."""
    application = make_application(enterprise, programme, submit=True)
    reviewer = reviewer or make_reviewer()
    applications.transition(application, "accept", by=reviewer)
    applications.transition(application, "approve", by=reviewer, amount=Decimal(amount))
    applications.transition(application, "finalise", by=None)
    deliver()
    return Award.objects.get(application=application)


def plan(programme, shares, acceptance=False):
    return PaymentPlan.objects.create(
        programme=programme, shares=shares, requires_acceptance=acceptance
    )


def entered_account(enterprise, **fields):
    """The company's account as its administrator enters it (``fields`` change any part)."""
    admin = enterprise.memberships.get(role="admin").user
    details = {
        "account_name": enterprise.name,
        "bank_name": "中国银行成都高新支行",
        "account_number": "6216600000001234567",
        **fields,
    }
    return services.save_account(enterprise, by=admin, **details)


def verified_account(enterprise, by_finance):
    account = entered_account(enterprise)
    return services.decide_account(account, by=by_finance, verify=True, version=account.version)


def result_csv(rows, header=("业务编号", "收款账号", "金额", "结果", "失败原因", "日期")) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")


def line(instalment, result="成功", reason="", date="2026-12-01", amount=None, account=None):
    return [
        instalment.reference,
        account or instalment.account["account_number"],
        f"{instalment.amount if amount is None else amount:.2f}",
        result,
        reason,
        date,
    ]


__all__ = ["deliver", "make_programme"]
