"""The forms of the applicant's task list, one per section."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from cms.models import is_english
from zoneportal import bounds

from .models import Application

TEXT_ANSWER_MAX = 2000


class ApplicantForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["contact_name", "contact_phone", "contact_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True


def question_field_name(block_id: str) -> str:
    return f"q_{block_id}"


def _question_field(question):
    label = question["label_en"] if is_english() and question["label_en"] else question["label"]
    common = {"label": label, "required": False, "help_text": question["help_text"]}
    if question["kind"] == "number":
        return forms.DecimalField(
            max_digits=16,
            decimal_places=2,
            min_value=0,
            max_value=bounds.MAX_AMOUNT_YUAN,
            **common,
        )
    if question["kind"] == "choice":
        choices = [(c.strip(), c.strip()) for c in question["choices"].splitlines() if c.strip()]
        return forms.ChoiceField(choices=[("", "---------"), *choices], **common)
    return forms.CharField(max_length=TEXT_ANSWER_MAX, widget=forms.Textarea({"rows": 3}), **common)


class ProjectForm(forms.ModelForm):
    """The project and the programme's extra questions (fields ``q_<block id>``).

    Questions are not required while a draft is saved; the task list says what is still missing,
    and submission refuses an application with a required answer missing.
    """

    class Meta:
        model = Application
        fields = ["project_title", "project_summary"]
        widgets = {"project_summary": forms.Textarea({"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        summary = self.fields["project_summary"]
        summary.max_length = bounds.PROJECT_SUMMARY_MAX_CHARS
        summary.validators.append(MaxLengthValidator(bounds.PROJECT_SUMMARY_MAX_CHARS))
        summary.widget.attrs["maxlength"] = bounds.PROJECT_SUMMARY_MAX_CHARS
        self.questions = self.instance.programme.question_list()
        for block_id, question in self.questions:
            name = question_field_name(block_id)
            self.fields[name] = _question_field(question)
            self.fields[name].required_on_submit = question["required"]
            value = self.instance.answers.get(block_id)
            if value is not None:
                self.initial[name] = value

    def answers(self) -> dict:
        result = {}
        for block_id, _question in self.questions:
            value = self.cleaned_data.get(question_field_name(block_id))
            if value in (None, ""):
                continue
            result[block_id] = str(value) if isinstance(value, Decimal) else value
        return result

    def question_fields(self):
        return [self[question_field_name(block_id)] for block_id, _q in self.questions]


class AmountForm(forms.Form):
    amount_requested = forms.DecimalField(
        label=_("Amount requested (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["amount_requested"].help_text = _("At most ¥%(max)s for one company.") % {
            "max": f"{programme.max_amount:,.2f}"
        }

    def clean_amount_requested(self):
        amount = self.cleaned_data["amount_requested"]
        if amount > self.programme.max_amount:
            raise forms.ValidationError(
                _("The amount is more than the programme's maximum of ¥%(max)s per company.")
                % {"max": f"{self.programme.max_amount:,.2f}"}
            )
        return amount


class DocumentForm(forms.Form):
    requirement = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("File"))


class DeclarationForm(forms.Form):
    accept = forms.BooleanField(
        label=_(
            "I declare that the information and documents in this application are true, complete "
            "and accurate, and that my company has not received another subsidy for the same "
            "project. I understand that false statements lead to the recovery of the funds and "
            "a record in the credit system."
        ),
        required=True,
        error_messages={"required": _("Tick the declaration to confirm it.")},
    )


class ConfirmUnknownsForm(forms.Form):
    """One checkbox per criterion the portal cannot check from the company's profile."""

    def __init__(self, *args, unknown=(), **kwargs):
        super().__init__(*args, **kwargs)
        for result in unknown:
            self.fields[f"confirm_{result.key}"] = forms.BooleanField(
                label=result.explanation,
                required=True,
                error_messages={"required": _("Confirm this, or complete your profile first.")},
            )

    def confirmed(self) -> list[str]:
        return [name.removeprefix("confirm_") for name, v in self.cleaned_data.items() if v]


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
    )
