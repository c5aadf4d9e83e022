from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EnquiryKind, Rating
from .rules import MAX_ATTACHMENTS, MAX_TEXT_CHARS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input. How many, which kinds and how big is checked by
    ``services.ask`` (the one home of those rules)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        return [super(AttachmentsField, self).clean(f, initial) for f in files]


class AskForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EnquiryKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=100)
    text = forms.CharField(
        label=_("Your question or request"), max_length=MAX_TEXT_CHARS, widget=forms.Textarea
    )
    attachments = AttachmentsField(
        label=_("Attachments (optional)"),
        required=False,
    )
    faq_consent = forms.BooleanField(
        label=_(
            "If the answer may help others, it may be published without my name or my "
            "company's as a question and answer."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _(
            "Up to %(n)s files: PDF, JPEG, PNG, DOCX or XLSX, at most 10 MB each."
        ) % {"n": MAX_ATTACHMENTS}


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the answer?"),
        choices=Rating.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=1000, widget=forms.Textarea
    )
