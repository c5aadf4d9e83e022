from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EnquiryKind, Rating
from .rules import MAX_TEXT_CHARS


class AskForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EnquiryKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=100)
    text = forms.CharField(
        label=_("Your question or request"), max_length=MAX_TEXT_CHARS, widget=forms.Textarea
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("PDF, JPEG, PNG, DOCX or XLSX, at most 10 MB."),
    )
    faq_consent = forms.BooleanField(
        label=_(
            "If the answer may help others, it may be published without my name or my "
            "company's as a question and answer."
        ),
        required=False,
    )


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
