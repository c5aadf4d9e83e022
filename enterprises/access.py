"""The one place enterprise access is decided.

Every enterprise-facing view reaches companies and their objects through these functions, which
scope by the signed-in user's memberships. An id from the URL that is not the user's is a 404,
never a 403: the answer must not reveal that the object exists.
"""

from django.http import Http404

from .models import Enterprise, Membership

CURRENT_ENTERPRISE_SESSION_KEY = "current_enterprise_id"


def enterprises_for(user):
    """The companies ``user`` belongs to (none for anonymous users)."""
    if not user.is_authenticated:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(memberships__user=user).distinct()


def membership_for(user, enterprise_id) -> Membership:
    """The user's membership of the company ``enterprise_id``, or 404."""
    if not user.is_authenticated:
        raise Http404
    try:
        return Membership.objects.select_related("enterprise").get(
            user=user, enterprise_id=int(enterprise_id)
        )
    except (Membership.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404 from exc


def enterprise_for(user, enterprise_id, *, admin=False) -> Enterprise:
    """The company ``enterprise_id`` if ``user`` belongs to it (as administrator if asked)."""
    membership = membership_for(user, enterprise_id)
    if admin and not membership.is_admin:
        raise Http404
    return membership.enterprise


def scoped(user, queryset, enterprise_field="enterprise"):
    """Filter any queryset of enterprise-owned objects to the user's companies."""
    return queryset.filter(**{f"{enterprise_field}__in": enterprises_for(user)})


def current_enterprise(request) -> Enterprise | None:
    """The company the user is working for now (chosen in the switcher), if any."""
    companies = enterprises_for(request.user)
    chosen = request.session.get(CURRENT_ENTERPRISE_SESSION_KEY)
    if chosen is not None:
        enterprise = companies.filter(pk=chosen).first()
        if enterprise is not None:
            return enterprise
    return companies.order_by("name").first()


def set_current_enterprise(request, enterprise: Enterprise) -> None:
    membership_for(request.user, enterprise.pk)  # refuse a company that is not the user's
    request.session[CURRENT_ENTERPRISE_SESSION_KEY] = enterprise.pk
