"""The policy editor's form: one field per criterion, assembled into the criteria JSON."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from .criteria import KINDS, Criteria, CriteriaError, ReferenceCodes

CRITERIA_FIELD_PREFIX = "crit_"


def with_criteria_fields(form_class):
    """Declare one field ``crit_<key>`` per criterion kind, as the kind defines it."""
    for kind in KINDS:
        name = CRITERIA_FIELD_PREFIX + kind.key
        form_class.base_fields[name] = form_class.declared_fields[name] = kind.form_field()
    return form_class


@with_criteria_fields
class PolicyPageForm(WagtailAdminPageForm):
    """Edits ``PolicyPage.criteria`` through fields editors understand.

    Each criterion kind (``policies.criteria.kinds``) gives its field and, for codes, the
    choices: industries, areas and qualifications are picked from the managed lists in
    ``enterprises``; the figures are typed. ``clean`` validates the whole object with
    ``Criteria.parse`` and reports each problem on the field it belongs to.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = dict(self.instance.criteria or {})
        for kind in KINDS:
            choices = kind.form_choices(current.get(kind.key))
            if choices is not None:
                self.fields[CRITERIA_FIELD_PREFIX + kind.key].choices = choices
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
