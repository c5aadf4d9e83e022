"""Criteria in words a person reads on the policy page ("Holds: High and New Technology …")."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .criteria import Criteria


def _names(model, codes):
    by_code = {obj.code: obj.name for obj in model.objects.filter(code__in=codes)}
    return [by_code.get(code, code) for code in codes]


def describe_criteria(criteria: Criteria) -> list[str]:
    from enterprises.models import Area, Industry, QualificationType

    lines = []
    if criteria.industries:
        divisions = {obj.code: obj.name for obj in Industry.objects.all()}
        names = [
            f"{code} {divisions[code[:3]]}" if code[:3] in divisions else code
            for code in criteria.industries
        ]
        lines.append(_("Industry: %(list)s") % {"list": "; ".join(names)})
    if criteria.areas:
        lines.append(_("Located in: %(list)s") % {"list": ", ".join(_names(Area, criteria.areas))})
    if criteria.sizes:
        labels = {
            "micro": _("micro"),
            "small": _("small"),
            "medium": _("medium"),
            "large": _("large"),
        }
        lines.append(
            _("Enterprise size: %(list)s") % {"list": ", ".join(labels[s] for s in criteria.sizes)}
        )
    if criteria.qualifications_all:
        lines.append(
            _("Holds all of: %(list)s")
            % {"list": ", ".join(_names(QualificationType, criteria.qualifications_all))}
        )
    if criteria.qualifications_any:
        lines.append(
            _("Holds at least one of: %(list)s")
            % {"list": ", ".join(_names(QualificationType, criteria.qualifications_any))}
        )
    if criteria.min_years_established is not None:
        years = criteria.min_years_established
        lines.append(
            ngettext("Established at least %(n)s year", "Established at least %(n)s years", years)
            % {"n": years}
        )
    if criteria.min_employees is not None:
        lines.append(_("At least %(n)s employees") % {"n": criteria.min_employees})
    if criteria.min_revenue_wan is not None:
        lines.append(
            _("Annual revenue at least %(amount)s × 10,000 CNY")
            % {"amount": criteria.min_revenue_wan}
        )
    if criteria.max_revenue_wan is not None:
        lines.append(
            _("Annual revenue at most %(amount)s × 10,000 CNY")
            % {"amount": criteria.max_revenue_wan}
        )
    if criteria.min_rd_ratio is not None:
        lines.append(
            _("R&D expense at least %(ratio)s%% of revenue") % {"ratio": criteria.min_rd_ratio}
        )
    if criteria.requires_good_credit:
        lines.append(_("A good credit record (no serious dishonesty)"))
    return lines
