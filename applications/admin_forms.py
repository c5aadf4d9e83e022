"""Forms of the reviewer's side: the queue's filters and one form per reviewer action.

The forms only shape the input. Whether an action is allowed, the amount fits the budget and the
page is not stale is decided by ``services.transition``; its ``ApplicationError`` is shown to the
reviewer with the form still filled in.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Application, ApplicationState, Programme
from .services import MAX_COMMENT_CHARS

S = ApplicationState
OPEN = "open"
ALL = "all"
# What is waiting for a reviewer: the default list.

# Drafts are the company's private work: reviewers never see them.
VISIBLE_STATES = tuple(value for value in S.values if value != S.DRAFT)


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, programme):
        return f"{programme.display_name} ({programme.page.title})"


class QueueFilterForm(forms.Form):
    programme = ProgrammeChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("All programmes"),
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    waiting_more_than = forms.IntegerField(
        label=_("Waiting more than (working days)"),
        required=False,
        min_value=0,
        max_value=999,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.select_related("page").order_by(
            "page__title", "sort_order", "pk"
        )
        self.fields["state"].choices = [
            (OPEN, _("Waiting for a reviewer")),
            *[(value, label) for value, label in S.choices if value != S.DRAFT],
            (ALL, _("All")),
        ]

    def filters(self) -> dict:
        """The valid filters; a bad value is dropped (the list is shown without it)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "programme": cleaned.get("programme"),
            "state": cleaned.get("state") or OPEN,
            "waiting_more_than": cleaned.get("waiting_more_than"),
            "overdue": bool(cleaned.get("overdue")),
        }


def _text(label, *, required=False, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_COMMENT_CHARS,
        strip=True,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ActionForm(forms.Form):
    """What every action carries: the version seen, a comment and an internal note."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = _text(_("Comment to the applicant"), help_text=_("The applicant sees this."))
    internal_note = _text(
        _("Internal note"), rows=2, help_text=_("Only staff see this, never the applicant.")
    )

    def __init__(self, application: Application, *args, **kwargs):
        self.application = application
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", application.version)
        # Several forms on one page: their fields need distinct ids.
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")
        super().__init__(*args, **kwargs)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "comment": data.get("comment", ""),
            "internal_note": data.get("internal_note", ""),
            "expected_version": data["version"],
        }


class AcceptForm(ActionForm):
    action = "accept"


class ReturnForm(ActionForm):
    """A reason field for each required document and each extra question, and a comment."""

    action = "return"
    PREFIX = "reason__"

    def __init__(self, application, *args, **kwargs):
        super().__init__(application, *args, **kwargs)
        self.fields["comment"].label = _("General comment to the applicant")
        self.document_fields, self.question_fields = [], []
        programme = application.programme
        for block_id, document in programme.required_documents():
            name = self.PREFIX + block_id
            self.fields[name] = _text(document["name"], rows=2)
            self.document_fields.append(name)
        for block_id, question in programme.question_list():
            name = self.PREFIX + block_id
            self.fields[name] = _text(question["label"], rows=2)
            self.question_fields.append(name)
        # The comment and the note come after the reasons.
        order = [*self.document_fields, *self.question_fields, "comment", "internal_note"]
        self.order_fields(order)

    @property
    def document_reason_fields(self):
        return [self[name] for name in self.document_fields]

    @property
    def question_reason_fields(self):
        return [self[name] for name in self.question_fields]

    @property
    def reason_names(self):
        return [*self.document_fields, *self.question_fields]

    def service_arguments(self) -> dict:
        arguments = super().service_arguments()
        arguments["reasons"] = {
            name.removeprefix(self.PREFIX): self.cleaned_data[name]
            for name in self.reason_names
            if self.cleaned_data.get(name)
        }
        return arguments


class ApproveForm(ActionForm):
    action = "approve"
    amount = forms.DecimalField(
        label=_("Amount approved (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text=_("At most the amount requested and the remaining budget."),
    )

    def __init__(self, application, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("amount", application.amount_requested)
        super().__init__(application, *args, **kwargs)
        self.order_fields(["version", "amount", "comment", "internal_note"])

    def service_arguments(self) -> dict:
        arguments = super().service_arguments()
        arguments["amount"] = self.cleaned_data["amount"]
        return arguments


class RejectForm(ActionForm):
    action = "reject"

    def __init__(self, application, *args, **kwargs):
        super().__init__(application, *args, **kwargs)
        comment = self.fields["comment"]
        comment.required = True
        comment.label = _("Reason for the rejection")
        comment.help_text = _("The applicant sees this reason.")
        comment.error_messages["required"] = _("Give the reason for the rejection.")


ACTION_FORMS = {form.action: form for form in (AcceptForm, ReturnForm, ApproveForm, RejectForm)}
