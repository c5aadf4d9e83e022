"""Dates, lengths and amounts are bounded in every form, with clear Chinese messages."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from applications.forms import ProjectForm
from enterprises.forms import QualificationForm
from enterprises.models import Area, Enterprise, Qualification, QualificationType
from policies.forms import PolicyPageForm
from search.match_forms import CalculatorForm
from tests.factories import make_application, make_enterprise, make_programme, make_user

pytestmark = pytest.mark.django_db


def registration_data(**overrides):
    data = {
        "name": "成都星河智能科技有限公司",
        "credit_code": "91510100MA61R2X84J",
        "legal_representative": "李华",
        "registered_address": "成都高新区天府五街200号",
        "established": "2019-03-15",
        "registered_capital_wan": "1000",
        "industry_code": "I65",
        "area": str(Area.objects.get(code="south").pk),
        "employees": "80",
        "revenue_wan": "3000",
        "rd_expense_wan": "240",
        "business_scope": "软件开发；信息技术咨询服务",
        "credit_standing": "good",
        "contact_name": "李华",
        "contact_phone": "028-12345678",
        "contact_email": "contact@xinghe.example",
    }
    data.update(overrides)
    return data


@pytest.fixture
def founder_client():
    client = Client()
    client.force_login(make_user("founder@test.example"))
    return client


def register(client, **overrides):
    response = client.post(reverse("enterprises:register"), registration_data(**overrides))
    form = response.context["form"] if response.context else None
    return response, form


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"established": "0001-01-01"}, "established", "成立日期不能早于 1949 年 10 月 1 日"),
        ({"established": "1949-09-30"}, "established", "成立日期不能早于 1949 年 10 月 1 日"),
        (
            {"business_scope": "软件开发；" * 48_000},
            "business_scope",
            "经营范围最多 2000 个字符（现有 240000 个）",
        ),
        ({"revenue_wan": "100.001"}, "revenue_wan", "不超过 2 位"),
        ({"revenue_wan": "1000000000.01"}, "revenue_wan", "金额"),
        ({"name": "公" * 201}, "name", "不超过 200 字符"),
    ],
)
def test_registration_refuses_out_of_range_input_in_chinese(
    founder_client, overrides, field, message
):
    response, form = register(founder_client, **overrides)
    assert response.status_code == 200
    assert set(form.errors) == {field}, form.errors
    assert any(message in error for error in form.errors[field]), form.errors[field]
    assert not Enterprise.objects.exists()


def test_registration_accepts_the_bounds_themselves(founder_client):
    response, _form = register(founder_client, established="1949-10-01", business_scope="字" * 2000)
    assert response.status_code == 302
    assert Enterprise.objects.get().established == datetime.date(1949, 10, 1)


def test_the_form_tells_the_browser_the_limits(founder_client):
    html = founder_client.get(reverse("enterprises:register")).content.decode()
    assert 'maxlength="2000"' in html and 'min="1949-10-01"' in html


def test_qualification_validity_is_bounded():
    enterprise = make_enterprise()
    hnte = QualificationType.objects.get(code="hnte")

    def errors(valid_from, valid_until):
        form = QualificationForm(
            {
                "type": hnte.pk,
                "certificate_number": "GR2023",
                "valid_from": valid_from,
                "valid_until": valid_until,
            },
            instance=Qualification(enterprise=enterprise),
        )
        form.fields["proof"].required = False
        form.is_valid()
        return form.errors

    assert (
        "有效期开始日期不能早于 1949-10-01" in errors("0001-01-01", "2026-01-01")["valid_from"][0]
    )
    assert (
        "有效期截止日期不能晚于 2099-12-31" in errors("2024-01-01", "9999-12-31")["valid_until"][0]
    )
    assert errors("2024-01-01", "2026-12-31") == {}


def test_the_matching_calculator_refuses_a_founding_date_before_1949():
    form = CalculatorForm({"established": "1900-01-01"})
    assert not form.is_valid()
    assert "成立日期不能早于 1949 年 10 月 1 日" in form.errors["established"][0]


def test_the_match_api_refuses_a_founding_date_before_1949(client):
    response = client.post(
        "/api/v1/match", {"established": "1949-09-30"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "established"
    assert "1949-10-01" in response.json()["errors"][0]["reason"]


def test_the_project_summary_and_number_answers_are_bounded():
    application = make_application(complete=False)

    def errors(**data):
        form = ProjectForm(
            {"project_title": "研发项目", "project_summary": "摘要", **data}, instance=application
        )
        form.is_valid()
        return form.errors

    assert "不超过 5000 字符" in errors(project_summary="字" * 5001)["project_summary"][0]
    assert "q_q-staff" in errors(**{"q_q-staff": "-1"})
    assert "q_q-staff" in errors(**{"q_q-staff": "2000000000000"})
    assert errors(**{"q_q-staff": "12"}) == {}


def test_programme_amounts_and_policy_dates_are_bounded(policy):
    programme = make_programme(policy)
    programme.budget = Decimal("2000000000000")
    with pytest.raises(ValidationError) as refused:
        programme.clean()
    assert "金额不能超过 1,000,000,000,000 元" in refused.value.message_dict["budget"][0]

    policy.effective_date = datetime.date(1, 1, 1)
    with pytest.raises(ValidationError) as refused:
        policy.clean()
    assert "1949-10-01 至 2099-12-31" in refused.value.message_dict["effective_date"][0]


def test_the_criteria_employees_are_bounded():
    field = PolicyPageForm.base_fields["crit_min_employees"]
    with pytest.raises(ValidationError):
        field.clean("3000000")
    assert field.clean("50") == 50
