"""Forms of the enterprise pages.

Validation lives in the model (``Enterprise.clean``) and in the domain modules (credit code,
upload sniffing); these forms only collect the input, normalise it where a person pastes it
untidily, and put every message on the field it is about.
"""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from zoneportal import bounds

from . import credit_code, uploads
from .models import Area, Enterprise, Industry, Membership, Qualification, QualificationType

PROFILE_FIELDS = [
    "name",
    "legal_representative",
    "registered_address",
    "established",
    "registered_capital_wan",
    "industry_code",
    "area",
    "employees",
    "revenue_wan",
    "rd_expense_wan",
    "business_scope",
    "credit_standing",
    "contact_name",
    "contact_phone",
    "contact_email",
]

INDUSTRY_DATALIST_ID = "industry-code-choices"

# Said to a second registrant of the same credit code: it must not reveal who registered it.
ALREADY_REGISTERED = _(
    "This company is already registered in the portal. Ask its administrator to invite you "
    "to join it."
)

REUPLOAD_NOTE = _(
    "Browsers cannot keep a chosen file when a form is sent back, so please select the file "
    "again before sending."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ModelValidatedForm(forms.ModelForm):
    """A model form whose model-level messages land on the fields they are about.

    - A field the form has already refused never reached the instance, so the model's opinion
      on its (old or empty) value is not shown: one message per problem.
    - A model message about a field this form does not show becomes a form-level message
      instead of an exception.
    """

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            kept = {}
            for name, messages in errors.error_dict.items():
                if name in self._errors and name != NON_FIELD_ERRORS:
                    continue
                if name != NON_FIELD_ERRORS and name not in self.fields:
                    kept.setdefault(NON_FIELD_ERRORS, []).extend(messages)
                    continue
                kept.setdefault(name, []).extend(messages)
            if not kept:
                return
            errors = ValidationError(kept)
        super()._update_errors(errors)


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class QualificationTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class EnterpriseProfileForm(ModelValidatedForm):
    """The profile facts an administrator keeps current (the credit code is fixed)."""

    area = AreaChoiceField(
        queryset=Area.objects.all(),
        required=False,
        label=_("Area in the zone"),
        empty_label=_("— not stated —"),
    )

    class Meta:
        model = Enterprise
        fields = PROFILE_FIELDS
        widgets = {
            "established": DateInput(attrs={"min": bounds.EARLIEST_FOUNDING.isoformat()}),
            "industry_code": forms.TextInput(
                attrs={"autocomplete": "off", "list": INDUSTRY_DATALIST_ID, "spellcheck": "false"}
            ),
            "business_scope": forms.Textarea(
                attrs={"rows": 4, "maxlength": bounds.BUSINESS_SCOPE_MAX_CHARS}
            ),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        help_texts = {
            "industry_code": _(
                "Pick a division from the list (e.g. I65 software and IT services) or type a "
                "deeper code under it (e.g. I6513)."
            ),
            "registered_capital_wan": _("In units of 10,000 CNY (万元)."),
            "revenue_wan": _("Last financial year, in units of 10,000 CNY (万元)."),
            "rd_expense_wan": _(
                "Last financial year, in units of 10,000 CNY (万元). It may exceed revenue "
                "(you will be reminded to check it)."
            ),
            "business_scope": _(
                "As on the business licence; policy matching reads it, so keep it complete."
            ),
            "employees": _("People employed at the end of the last year."),
        }
        error_messages = {
            "employees": {"min_value": _("The number of employees cannot be negative.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credit_standing"].help_text = _(
            "As recorded in the national enterprise credit information system."
        )

    @property
    def industry_choices(self):
        """The zone's divisions, offered in the industry field's ``<datalist>``."""
        return Industry.objects.filter(active=True)

    @property
    def industry_datalist_id(self):
        return INDUSTRY_DATALIST_ID

    def profile_facts(self) -> dict:
        """The cleaned facts as the model normalised them (after ``is_valid``)."""
        return {name: getattr(self.instance, name) for name in self._meta.fields}

    def changed_facts(self) -> dict:
        return {name: getattr(self.instance, name) for name in self.changed_data}


class RegistrationForm(EnterpriseProfileForm):
    """Register a company: the profile facts and the unified social credit code."""

    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,  # people paste codes with spaces and hyphens; normalised below
        help_text=_(
            "18 characters, as on the business licence (统一社会信用代码). Spaces and lower "
            "case are fine."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    class Meta(EnterpriseProfileForm.Meta):
        fields = ["name", "credit_code", *PROFILE_FIELDS[1:]]

    def clean_credit_code(self):
        code = credit_code.normalise(self.cleaned_data["credit_code"])
        if code and Enterprise.objects.filter(credit_code=code).exists():
            raise ValidationError(ALREADY_REGISTERED, code="registered")
        return code

    def _get_validation_exclusions(self):
        # The model's own clean() checks the code (length, characters, check character) with
        # a precise message, and the uniqueness is checked above with a message that does not
        # reveal who registered the company; the generic field checks would only repeat.
        exclude = super()._get_validation_exclusions()
        exclude.add("credit_code")
        return exclude


class ResubmitForm(forms.Form):
    """An empty form: a button that asks for verification again."""


class QualificationForm(ModelValidatedForm):
    """A qualification with its validity and a proof (PDF, JPEG or PNG, sniffed)."""

    type = QualificationTypeChoiceField(
        queryset=QualificationType.objects.all(),
        label=_("Qualification"),
        empty_label=_("— choose —"),
    )
    proof = forms.FileField(
        label=_("Proof (certificate scan)"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.FileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )

    class Meta:
        model = Qualification
        fields = ["type", "certificate_number", "valid_from", "valid_until"]
        widgets = {"valid_from": DateInput(), "valid_until": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.proof_kind = None
        if self.instance.pk and self.instance.proof:
            self.fields["proof"].required = False
            self.fields["proof"].help_text = _(
                "PDF, JPEG or PNG, at most 10 MB. Leave empty to keep the current proof (%(name)s)."
            ) % {"name": self.instance.proof_name}

    def clean_proof(self):
        upload = self.cleaned_data.get("proof")
        if not upload:
            return None
        self.proof_kind = uploads.validate_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error(
                "valid_until",
                ValidationError(
                    _("The end of validity cannot be before its start (%(start)s).")
                    % {"start": valid_from.isoformat()},
                    code="order",
                ),
            )
        return cleaned

    def note_lost_file(self) -> None:
        """After a failed submission with a file: tell the person to choose it again."""
        if self.files.get(self.add_prefix("proof")) and not self.is_valid():
            self.add_error("proof", ValidationError(REUPLOAD_NOTE, code="reselect"))

    def save(self, commit=True):
        qualification = super().save(commit=False)
        upload = self.cleaned_data.get("proof")
        if upload:
            kind = self.proof_kind
            qualification.proof_name = upload.name.rsplit("/", 1)[-1][:255]
            qualification.proof_content_type = kind.content_type
            # Stored under a random name: the original name is kept only as data.
            upload.name = f"{uuid.uuid4().hex}{kind.extensions[0]}"
            qualification.proof = upload
        if commit:
            qualification.save()
        return qualification


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("We send a link valid for 7 days; it can be used once."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class DeleteAccountForm(forms.Form):
    email = forms.EmailField(
        label=_("Type your e-mail address to confirm"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.lower() != self.user.email.lower():
            raise ValidationError(
                _("This is not the e-mail address of your account (%(email)s).")
                % {"email": self.user.email},
                code="mismatch",
            )
        return email
