"""The policy calculator's form (政策计算器): a short GET form, so its URL can be shared.

Every field is optional, as in ``POST /api/v1/match``, and the limits are the API's
(``search.match_service``). Qualifications are stated by ticking the ones held (each with the
date it is valid until) or ticking "none of these"; ticking nothing leaves them unknown.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.models import Area, Industry, QualificationType
from policies.matching import Facts, HeldQualification

from . import match_service

CREDIT_CHOICES = [
    ("", _("— not stated —")),
    ("good", _("Good: no record of serious dishonesty")),
    ("record", _("Listed for serious dishonesty")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def until_field_name(code: str) -> str:
    return f"until_{code}"


class CalculatorForm(forms.Form):
    industry = forms.ChoiceField(label=_("Industry (GB/T 4754)"), required=False)
    area = forms.ChoiceField(label=_("Area in the zone"), required=False)
    established = forms.DateField(
        label=_("Date established"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=DateInput(),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )
    employees = forms.IntegerField(
        label=_("Employees"),
        required=False,
        min_value=0,
        max_value=match_service.MAX_EMPLOYEES,
    )
    revenue_wan = forms.DecimalField(
        label=_("Annual revenue (10,000 CNY)"),
        required=False,
        min_value=0,
        max_value=match_service.MAX_WAN,
        decimal_places=2,
        help_text=_("Last financial year, in units of 10,000 CNY (万元)."),
    )
    rd_expense_wan = forms.DecimalField(
        label=_("Annual R&D expense (10,000 CNY)"),
        required=False,
        min_value=0,
        max_value=match_service.MAX_WAN,
        decimal_places=2,
    )
    qual = forms.MultipleChoiceField(
        label=_("Qualifications held"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    no_quals = forms.BooleanField(
        label=_("The company holds none of these qualifications"), required=False
    )
    good_credit = forms.ChoiceField(
        label=_("Credit record"), required=False, choices=CREDIT_CHOICES
    )

    FACT_FIELDS = ("industry", "area", "established", "employees", "revenue_wan", "rd_expense_wan")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [("", _("— not stated —"))] + [
            (i.code, f"{i.code} {i.name}") for i in Industry.objects.filter(active=True)
        ]
        self.fields["area"].choices = [("", _("— not stated —"))] + [
            (a.code, a.name) for a in Area.objects.all()
        ]
        self.qualification_types = list(QualificationType.objects.all())
        self.fields["qual"].choices = [(q.code, q.name) for q in self.qualification_types]
        for q in self.qualification_types:
            self.fields[until_field_name(q.code)] = forms.DateField(
                label=_("%(name)s valid until") % {"name": q.name},
                required=False,
                input_formats=["%Y-%m-%d"],
                widget=DateInput(),
                error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
            )

    @property
    def submitted(self) -> bool:
        return self.is_bound and any(name in self.data for name in self.fields)

    def fact_fields(self):
        return [self[name] for name in self.FACT_FIELDS]

    def qualification_rows(self):
        """(type, its checkbox, its valid-until field) for the template."""
        boxes = {box.data["value"]: box for box in self["qual"]}
        return [
            (q, boxes.get(q.code), self[until_field_name(q.code)]) for q in self.qualification_types
        ]

    def clean_established(self):
        date = self.cleaned_data.get("established")
        if date is None:
            return None
        if date > match_service.zone_today():
            raise forms.ValidationError(_("The date of establishment cannot be in the future."))
        if date < match_service.EARLIEST_ESTABLISHED:
            raise forms.ValidationError(
                _("The date of establishment cannot be before 1 October 1949 (1949-10-01).")
            )
        return date

    def clean(self):
        cleaned = super().clean()
        held = cleaned.get("qual") or []
        if held and cleaned.get("no_quals"):
            self.add_error(
                "no_quals",
                _("Either tick the qualifications held or tick “none of these”, not both."),
            )
        names = {q.code: q.name for q in self.qualification_types}
        for code in held:
            field = until_field_name(code)
            if cleaned.get(field) is None and field not in self.errors:
                self.add_error(
                    field,
                    _("Enter the date until which %(name)s is valid.") % {"name": names[code]},
                )
        return cleaned

    def to_facts(self) -> Facts:
        data = self.cleaned_data
        held = data.get("qual") or []
        if held:
            qualifications = tuple(
                HeldQualification(code, data[until_field_name(code)]) for code in held
            )
        elif data.get("no_quals"):
            qualifications = ()
        else:
            qualifications = None
        return Facts(
            industry=data.get("industry") or None,
            area=data.get("area") or None,
            established=data.get("established"),
            employees=data.get("employees"),
            revenue_wan=data.get("revenue_wan"),
            rd_expense_wan=data.get("rd_expense_wan"),
            qualifications=qualifications,
            good_credit={"good": True, "record": False}.get(data.get("good_credit") or ""),
        )
