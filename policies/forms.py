"""The policy editor's form: one field per criterion, assembled into the criteria JSON."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from enterprises.reference import SIZES
from zoneportal import bounds

from .criteria import Criteria, CriteriaError, ReferenceCodes

CRITERIA_FIELD_PREFIX = "crit_"


class PolicyPageForm(WagtailAdminPageForm):
    """Edits ``PolicyPage.criteria`` through fields editors understand.

    Industries, areas and qualifications are picked from the managed lists in ``enterprises``;
    the figures are typed. ``clean`` validates the whole object with ``Criteria.parse`` and
    reports each problem on the field it belongs to.
    """

    crit_industries = forms.MultipleChoiceField(
        label=_("Industries (GB/T 4754)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "A division admits every code under it (I65 admits I6513). "
            "None selected: every industry."
        ),
    )
    crit_areas = forms.MultipleChoiceField(
        label=_("Areas of the zone"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None selected: anywhere in the zone."),
    )
    crit_sizes = forms.MultipleChoiceField(
        label=_("Enterprise sizes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None selected: any size."),
    )
    crit_qualifications_all = forms.MultipleChoiceField(
        label=_("Must hold all of"), required=False, widget=forms.CheckboxSelectMultiple
    )
    crit_qualifications_any = forms.MultipleChoiceField(
        label=_("Must hold at least one of"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    crit_min_years_established = forms.IntegerField(
        label=_("Established at least (years)"), required=False, min_value=0, max_value=200
    )
    crit_min_employees = forms.IntegerField(
        label=_("At least (employees)"),
        required=False,
        min_value=0,
        max_value=bounds.MAX_EMPLOYEES,
    )
    crit_min_revenue_wan = forms.DecimalField(
        label=_("Annual revenue at least (10,000 CNY)"),
        required=False,
        min_value=0,
        decimal_places=2,
        max_digits=14,
    )
    crit_max_revenue_wan = forms.DecimalField(
        label=_("Annual revenue at most (10,000 CNY)"),
        required=False,
        min_value=0,
        decimal_places=2,
        max_digits=14,
    )
    crit_min_rd_ratio = forms.DecimalField(
        label=_("R&D expense at least (percent of revenue)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        max_digits=5,
    )
    crit_requires_good_credit = forms.BooleanField(
        label=_("Requires a good credit record (no serious dishonesty)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from enterprises.models import Area, Industry, QualificationType

        current = dict(self.instance.criteria or {})
        industry_choices = [
            (i.code, f"{i.code} {i.name_zh}") for i in Industry.objects.filter(active=True)
        ]
        known = {code for code, _label in industry_choices}
        # Deeper codes (C3973) imported under a known division stay selectable.
        industry_choices += [
            (code, code) for code in current.get("industries") or [] if code not in known
        ]
        self.fields["crit_industries"].choices = industry_choices
        self.fields["crit_areas"].choices = [(a.code, a.name_zh) for a in Area.objects.all()]
        self.fields["crit_sizes"].choices = [(code, zh) for code, zh, _en in SIZES]
        qualification_choices = [(q.code, q.name_zh) for q in QualificationType.objects.all()]
        self.fields["crit_qualifications_all"].choices = qualification_choices
        self.fields["crit_qualifications_any"].choices = qualification_choices
        if not self.is_bound:
            for key, value in current.items():
                name = CRITERIA_FIELD_PREFIX + key
                if name in self.fields and value is not None:
                    self.initial[name] = value

    def clean(self):
        cleaned = super().clean()
        effective, expiry = cleaned.get("effective_date"), cleaned.get("expiry_date")
        if effective and expiry and expiry < effective:
            self.add_error("expiry_date", _("The expiry date is before the effective date."))
        raw = {}
        for name, value in cleaned.items():
            if name.startswith(CRITERIA_FIELD_PREFIX):
                key = name[len(CRITERIA_FIELD_PREFIX) :]
                raw[key] = str(value) if hasattr(value, "as_tuple") else value
        try:
            criteria = Criteria.parse(raw, ReferenceCodes.load())
        except CriteriaError as exc:
            for key, messages in exc.errors.items():
                field = CRITERIA_FIELD_PREFIX + key
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        else:
            self.instance.criteria = criteria.to_dict()
        self._keep_programmes_with_applications()
        return cleaned

    def _keep_programmes_with_applications(self):
        """A programme companies have applied to cannot be removed (their applications stay)."""
        formset = self.formsets.get("programmes")
        if formset is None:
            return
        for form in formset.forms:
            programme = form.instance
            # The formsets are cleaned after this form: read the raw DELETE box.
            deleted = form.data.get(form.add_prefix("DELETE")) not in (None, "", "false", "0")
            if programme.pk is None or not deleted:
                continue
            if programme.applications.exists():
                self.add_error(
                    None,
                    _(
                        "The programme “%(name)s” cannot be removed: companies have applied to "
                        "it. Close its window instead (set the closing time to now)."
                    )
                    % {"name": programme.name},
                )
