"""Following (关注): a person's follows, and following or unfollowing one thing.

Every follow belongs to ``request.user``: another person's follow is a 404, never a 403. A
saved search keeps the search page's own parameters (``q`` and the filters, validated the way
the search page validates them), so the alert finds what the page would find.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from taggit.models import Tag

from policies.models import Department, PolicyPage, PolicyType
from search.queries import FACETS, clean_filters

from .models import Follow

MAX_FOLLOWS = 200


def _back(request) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("follows:index")


@require_GET
@login_required
@never_cache
def index(request):
    follows = request.user.follows.select_related("policy", "department", "tag")
    return render(request, "follows/index.html", {"follows": follows})


def _target(request) -> dict | None:
    """The follow the POST asks for, validated: ``{"kind": …, field: …}`` or None."""
    kind = request.POST.get("kind", "")
    raw = (request.POST.get("target") or "").strip()[:100]
    if kind == Follow.Kind.POLICY and raw.isdigit():
        policy = PolicyPage.objects.live().public().filter(pk=int(raw)).first()
        return policy and {"kind": kind, "policy": policy}
    if kind == Follow.Kind.DEPARTMENT and raw.isdigit():
        department = Department.objects.filter(pk=int(raw)).first()
        return department and {"kind": kind, "department": department}
    if kind == Follow.Kind.TAG and raw:
        tag = Tag.objects.filter(slug=raw).first()
        return tag and {"kind": kind, "tag": tag}
    if kind == Follow.Kind.SEARCH:
        q = (request.POST.get("q") or "").strip()[:200]
        filters = clean_filters(
            {name: request.POST.getlist(name) for name in FACETS},
            policy_types=PolicyType.values,
        )
        if not q and not filters:
            return None
        return {"kind": kind, "query": {"q": q, "filters": filters}, "name": q[:200]}
    return None


@require_POST
@login_required
def follow(request):
    target = _target(request)
    if target is None:
        raise Http404
    if request.user.follows.count() >= MAX_FOLLOWS:
        messages.error(
            request, _("You follow as many things as you can. Unfollow something first.")
        )
        return redirect(_back(request))
    if target["kind"] == Follow.Kind.SEARCH:
        exists = request.user.follows.filter(kind=Follow.Kind.SEARCH, query=target["query"])
        if exists.exists():
            messages.info(request, _("You already follow this search."))
            return redirect(_back(request))
    try:
        with transaction.atomic():
            Follow.objects.create(user=request.user, **target)
    except IntegrityError:
        messages.info(request, _("You already follow it."))
    else:
        messages.success(
            request, _("Followed. You will be told in your messages when something changes.")
        )
    return redirect(_back(request))


@require_POST
@login_required
def unfollow(request, pk: int):
    follow = get_object_or_404(Follow, pk=pk, user=request.user)
    follow.delete()
    messages.success(request, _("Unfollowed."))
    return redirect(_back(request))
