"""The enterprise side of the portal: registration, the dashboard, profile, qualifications,
members, invitations, and the person's data rights.

Every view reaches companies and their objects through ``enterprises.access`` (a company id
that is not the user's is a 404) and changes them only through ``enterprises.services``
(whose ``ServiceError`` messages are shown to the person, never turned into a 500).
"""

from __future__ import annotations

import json
import re
from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from zoneportal.clock import local_today

from . import access, reference, services
from .completeness import completeness
from .forms import (
    ALREADY_REGISTERED,
    DeleteAccountForm,
    EnterpriseProfileForm,
    InvitationForm,
    QualificationForm,
    RegistrationForm,
    RoleForm,
)
from .models import (
    Enterprise,
    Invitation,
    Membership,
    ProfileChange,
    Qualification,
    VerificationEvent,
    VerificationStatus,
)

HISTORY_PAGE_SIZE = 30


# --- helpers ------------------------------------------------------------------------------
def company_view(*, admin=False, methods=("GET",), readonly="enterprises:detail", objects=None):
    """Decorate a view of one company (``enterprise_id`` in the URL).

    Order matters: login first (anonymous → login page), then the scoped lookups (not the
    user's company, or an object not of that company → 404, whatever the method or role),
    then the method (405), then the role: a member who is not an administrator is sent to the
    read-only page with a message.

    ``objects`` maps a URL argument (``qualification_id``) to ``(name, find)``: ``find(request,
    membership, pk)`` returns the object within the company or raises 404, and the view
    receives it as the keyword argument ``name``.
    """
    allowed = list(methods) + (["HEAD"] if "GET" in methods else [])
    objects = objects or {}

    def decorator(view):
        @wraps(view)
        def wrapper(request, enterprise_id, **kwargs):
            membership = access.membership_for(request.user, enterprise_id)
            for argument, (name, find) in objects.items():
                kwargs[name] = find(request, membership, kwargs.pop(argument))
            if request.method not in allowed:
                return HttpResponseNotAllowed(allowed)
            if admin and not membership.is_admin:
                messages.error(request, _("Only the company's administrators can do this."))
                return redirect(readonly, enterprise_id=membership.enterprise_id)
            return view(request, membership, **kwargs)

        return login_required(wrapper)

    return decorator


# Objects inside a company, found only within the company of the URL (else 404).
def _qualification(request, membership, qualification_id) -> Qualification:
    queryset = access.scoped(request.user, Qualification.objects.select_related("type"))
    return get_object_or_404(queryset, pk=qualification_id, enterprise=membership.enterprise)


def _membership(request, membership, membership_id) -> Membership:
    queryset = access.scoped(request.user, Membership.objects.select_related("user"))
    return get_object_or_404(queryset, pk=membership_id, enterprise=membership.enterprise)


def _invitation(request, membership, invitation_id) -> Invitation:
    queryset = access.scoped(request.user, Invitation.objects.select_related("enterprise"))
    return get_object_or_404(queryset, pk=invitation_id, enterprise=membership.enterprise)


def person_view(*, methods=("GET",)):
    """Decorate a view of the signed-in person (no company in the URL): login, then method."""
    allowed = list(methods) + (["HEAD"] if "GET" in methods else [])

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in allowed:
                return HttpResponseNotAllowed(allowed)
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


def _context(membership: Membership, section: str, **extra) -> dict:
    return {
        "membership": membership,
        "enterprise": membership.enterprise,
        "is_admin": membership.is_admin,
        "section": section,
        **extra,
    }


def _attempt(request, action, success: str) -> bool:
    """Run a service call; show its refusal, or ``success``. True when it succeeded."""
    try:
        action()
    except services.ServiceError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


def _confirm_page(request, membership, *, title, question, button, danger=True):
    """The "are you sure?" page of an action on the members page (POST to the same URL)."""
    return render(
        request,
        "enterprises/confirm.html",
        _context(
            membership,
            "members",
            title=title,
            question=question,
            button=button,
            danger=danger,
            cancel_url=reverse("enterprises:members", args=(membership.enterprise_id,)),
        ),
    )


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _home_url() -> str:
    return "/en/" if (get_language() or "").startswith("en") else "/"


def size_label(size: str | None) -> str | None:
    """The size band's name in the active language, from the reference data."""
    if size is None:
        return None
    english = (get_language() or "").startswith("en")
    for code, name_zh, name_en in reference.SIZES:
        if code == size:
            return name_en if english else name_zh
    return size


def derived_facts(enterprise: Enterprise) -> dict:
    ratio = enterprise.rd_ratio
    return {
        "size": enterprise.size,
        "size_label": size_label(enterprise.size),
        "years": enterprise.years_established(),
        "rd_ratio": ratio,
    }


def qualification_status(qualification: Qualification, today) -> str:
    if qualification.valid_until < today:
        return "expired"
    if qualification.valid_from > today:
        return "upcoming"
    return "valid"


def _model_field(key: str):
    for model in (Enterprise, Membership, Qualification):
        try:
            return model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
    return None


# History keys that are not model fields.
_EXTRA_LABELS = {"qualification": gettext_lazy("qualification")}


def _field_label(key: str) -> str:
    if key in _EXTRA_LABELS:
        return str(_EXTRA_LABELS[key])
    field = _model_field(key)
    return str(field.verbose_name) if field is not None else key


def _choice_label(key: str, value):
    """A stored choice value (``good``, ``admin``) as its label, for the history."""
    field = _model_field(key)
    if field is not None and field.choices and value is not None:
        return dict(field.flatchoices).get(value, value)
    return value


# History lines list the facts in the order of the profile form.
_FIELD_ORDER = {name: i for i, name in enumerate(f.name for f in Enterprise._meta.fields)}


def _change_details(change: ProfileChange) -> list[dict]:
    """A history entry's ``{field: [old, new]}`` as labelled lines, empty facts left out."""
    details = []
    for key, pair in (change.changes or {}).items():
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        if old in (None, "") and new in (None, ""):
            continue
        details.append(
            {
                "key": key,
                "label": capfirst(_field_label(key)),
                "old": _choice_label(key, old),
                "new": _choice_label(key, new),
            }
        )
    details.sort(key=lambda line: _FIELD_ORDER.get(line["key"], len(_FIELD_ORDER)))
    return details


def _person(user) -> str:
    if user is None:
        return _("a deleted account")
    if user.is_staff:
        return _("zone staff")
    return user.get_full_name()


# --- registration and dashboard -----------------------------------------------------------
@person_view(methods=("GET", "POST"))
def register(request):
    """Register a company; the registrant becomes its first administrator."""
    form = RegistrationForm(request.POST or None, label_suffix="")
    if request.method == "POST" and form.is_valid():
        facts = form.profile_facts()
        try:
            enterprise = services.register_enterprise(request.user, **facts)
        except IntegrityError:
            # Someone registered the same code between our check and the insert.
            form.add_error("credit_code", ALREADY_REGISTERED)
        else:
            access.set_current_enterprise(request, enterprise)
            messages.success(
                request,
                _(
                    "%(name)s is registered. The zone will verify the registration; you can "
                    "already complete the profile and find matching policies."
                )
                % {"name": enterprise.name},
            )
            if enterprise.rd_above_revenue:
                messages.warning(request, rd_warning())
            return redirect("enterprises:dashboard")
    return render(request, "enterprises/register.html", {"form": form})


def rd_warning() -> str:
    return _(
        "The R&D expense is higher than the annual revenue. This is allowed (for example for "
        "a start-up), but please check that both are in units of 10,000 CNY."
    )


@person_view()
def dashboard(request):
    """The company the user is working for: status, derived facts, what matching still needs."""
    enterprise = access.current_enterprise(request)
    if enterprise is None:
        return redirect("enterprises:register")
    membership = access.membership_for(request.user, enterprise.pk)
    companies = access.enterprises_for(request.user).order_by("name")
    events = enterprise.verification_events.select_related("actor")[:5]
    return render(
        request,
        "enterprises/dashboard.html",
        _context(
            membership,
            "dashboard",
            companies=companies,
            derived=derived_facts(enterprise),
            completeness=completeness(enterprise),
            events=events,
            valid_qualifications=enterprise.valid_qualifications(),
        ),
    )


@person_view(methods=("GET", "POST"))
def switch(request):
    """Make another of the user's companies the current one (POST ``enterprise``)."""
    if request.method != "POST":
        return redirect("enterprises:dashboard")
    enterprise = access.enterprise_for(request.user, request.POST.get("enterprise"))
    access.set_current_enterprise(request, enterprise)
    messages.info(request, _("You are now working for %(name)s.") % {"name": enterprise.name})
    return redirect(_safe_next(request, reverse("enterprises:dashboard")))


# --- profile ------------------------------------------------------------------------------
@company_view()
def detail(request, membership):
    """The registration facts, read-only (every member)."""
    enterprise = membership.enterprise
    return render(
        request,
        "enterprises/detail.html",
        _context(membership, "profile", derived=derived_facts(enterprise)),
    )


@company_view(admin=True, methods=("GET", "POST"))
def edit(request, membership):
    """Administrators keep the profile current; identity changes are verified again."""
    enterprise = membership.enterprise
    # The form works on its own copy, so the page keeps showing the saved name while the
    # person corrects their input.
    form = EnterpriseProfileForm(
        request.POST or None, instance=Enterprise.objects.get(pk=enterprise.pk), label_suffix=""
    )
    if request.method == "POST" and form.is_valid():
        was_verified = enterprise.verification_status == VerificationStatus.VERIFIED
        changed = form.changed_facts()
        try:
            fields = services.update_profile(enterprise, request.user, **changed)
        except ValidationError as exc:  # a rule the form could not see (changed meanwhile)
            form.add_error(None, exc)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            enterprise.refresh_from_db()
            if not fields:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(request, _("The profile has been saved."))
            if was_verified and enterprise.verification_status == VerificationStatus.PENDING:
                messages.warning(
                    request,
                    _(
                        "You changed registration facts (name, legal representative, "
                        "registered address or date established), so the zone will verify "
                        "the company again. Until then it cannot apply for subsidies."
                    ),
                )
            if enterprise.rd_above_revenue and (
                "rd_expense_wan" in fields or "revenue_wan" in fields
            ):
                messages.warning(request, rd_warning())
            return redirect("enterprises:detail", enterprise_id=enterprise.pk)
    return render(
        request,
        "enterprises/edit.html",
        _context(
            membership,
            "profile",
            form=form,
            identity_fields=[_field_label(name) for name in services.IDENTITY_FIELDS],
        ),
    )


@company_view(admin=True, methods=("POST",))
def resubmit(request, membership):
    """Ask the zone to verify a registration returned for correction again."""
    enterprise = membership.enterprise
    _attempt(
        request,
        lambda: services.submit_for_verification(enterprise, by=request.user),
        _("The registration has been sent to the zone for verification again."),
    )
    access.set_current_enterprise(request, enterprise)
    return redirect("enterprises:dashboard")


@company_view()
def history(request, membership):
    """Who changed what and when, and every verification step."""
    enterprise = membership.enterprise
    changes = Paginator(
        ProfileChange.objects.filter(enterprise=enterprise).select_related("user"),
        HISTORY_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    rows = [
        {"change": change, "who": _person(change.user), "details": _change_details(change)}
        for change in changes
    ]
    events = [
        {"event": event, "who": _person(event.actor)}
        for event in VerificationEvent.objects.filter(enterprise=enterprise).select_related("actor")
    ]
    return render(
        request,
        "enterprises/history.html",
        _context(membership, "history", page_obj=changes, rows=rows, events=events),
    )


# --- qualifications -----------------------------------------------------------------------
def _delete_file_on_commit(field_file) -> None:
    if not field_file:
        return
    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(name))


@company_view()
def qualifications(request, membership):
    today = local_today()
    items = [
        {"qualification": q, "status": qualification_status(q, today)}
        for q in membership.enterprise.qualifications.select_related("type")
    ]
    return render(
        request,
        "enterprises/qualifications.html",
        _context(membership, "qualifications", items=items, today=today),
    )


def _qualification_form_page(request, membership, qualification=None):
    enterprise = membership.enterprise
    instance = qualification or Qualification(enterprise=enterprise)
    before = (
        {
            "type": str(qualification.type),
            "certificate_number": qualification.certificate_number,
            "valid_from": qualification.valid_from.isoformat(),
            "valid_until": qualification.valid_until.isoformat(),
        }
        if qualification
        else None
    )
    old_proof = qualification.proof if qualification else None
    old_proof_name = old_proof.name if old_proof else ""
    form = QualificationForm(
        request.POST or None, request.FILES or None, instance=instance, label_suffix=""
    )
    if request.method == "POST":
        if form.is_valid():
            replaced = bool(form.cleaned_data.get("proof")) and bool(old_proof_name)
            saved = form.save()
            label = f"{saved.type.name} {saved.certificate_number}"
            if before is None:
                services.record_change(
                    enterprise,
                    request.user,
                    _("Added the qualification %(name)s") % {"name": label},
                    {"qualification": [None, f"{saved.type.code} {saved.certificate_number}"]},
                )
                messages.success(request, _("The qualification has been added."))
            else:
                after = {
                    "type": str(saved.type),
                    "certificate_number": saved.certificate_number,
                    "valid_from": saved.valid_from.isoformat(),
                    "valid_until": saved.valid_until.isoformat(),
                }
                changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
                if replaced:
                    changes["proof"] = [None, saved.proof_name]
                services.record_change(
                    enterprise,
                    request.user,
                    _("Changed the qualification %(name)s") % {"name": label},
                    changes,
                )
                messages.success(request, _("The qualification has been saved."))
            if replaced:
                storage = saved.proof.storage
                transaction.on_commit(lambda: storage.delete(old_proof_name))
            return redirect("enterprises:qualifications", enterprise_id=enterprise.pk)
        form.note_lost_file()
    return render(
        request,
        "enterprises/qualification_form.html",
        _context(membership, "qualifications", form=form, qualification=qualification),
    )


@company_view(admin=True, methods=("GET", "POST"), readonly="enterprises:qualifications")
def qualification_add(request, membership):
    return _qualification_form_page(request, membership)


@company_view(
    admin=True,
    methods=("GET", "POST"),
    readonly="enterprises:qualifications",
    objects={"qualification_id": ("qualification", _qualification)},
)
def qualification_edit(request, membership, qualification):
    return _qualification_form_page(request, membership, qualification)


@company_view(
    admin=True,
    methods=("GET", "POST"),
    readonly="enterprises:qualifications",
    objects={"qualification_id": ("qualification", _qualification)},
)
def qualification_delete(request, membership, qualification):
    enterprise = membership.enterprise
    if request.method == "POST":
        label = f"{qualification.type.name} {qualification.certificate_number}"
        _delete_file_on_commit(qualification.proof)
        qualification.delete()
        services.record_change(
            enterprise,
            request.user,
            _("Removed the qualification %(name)s") % {"name": label},
            {"qualification": [label, None]},
        )
        messages.success(request, _("The qualification has been removed."))
        return redirect("enterprises:qualifications", enterprise_id=enterprise.pk)
    return render(
        request,
        "enterprises/confirm.html",
        _context(
            membership,
            "qualifications",
            title=_("Remove the qualification?"),
            question=_(
                "Remove %(name)s (certificate %(number)s) and its proof from the profile? "
                "Policies that require it will no longer match."
            )
            % {
                "name": qualification.type.name,
                "number": qualification.certificate_number,
            },
            button=_("Remove the qualification"),
            danger=True,
            cancel_url=reverse("enterprises:qualifications", args=(enterprise.pk,)),
        ),
    )


@never_cache
@company_view(objects={"qualification_id": ("qualification", _qualification)})
def qualification_proof(request, membership, qualification):
    """Stream a proof to a member of its company, as a download (never rendered inline)."""
    if not qualification.proof:
        raise Http404
    try:
        handle = qualification.proof.storage.open(qualification.proof.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=qualification.proof_name or qualification.proof.name.rsplit("/", 1)[-1],
        content_type=qualification.proof_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- members and invitations --------------------------------------------------------------
@company_view(methods=("GET", "POST"))
def members(request, membership):
    """The company's people and open invitations; administrators invite from here (POST)."""
    enterprise = membership.enterprise
    form = InvitationForm(label_suffix="")
    if request.method == "POST":
        if not membership.is_admin:
            messages.error(request, _("Only the company's administrators can do this."))
            return redirect("enterprises:members", enterprise_id=enterprise.pk)
        form = InvitationForm(request.POST, label_suffix="")
        if form.is_valid():
            try:
                invitation, _token = services.invite(
                    enterprise,
                    by=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except services.ServiceError as exc:
                form.add_error("email", str(exc))
            else:
                messages.success(
                    request,
                    _("An invitation has been sent to %(email)s.") % {"email": invitation.email},
                )
                return redirect("enterprises:members", enterprise_id=enterprise.pk)
    people = enterprise.memberships.select_related("user").order_by("role", "joined_at")
    invitations = []
    if membership.is_admin:
        invitations = [
            invitation
            for invitation in enterprise.invitations.select_related("invited_by").filter(
                accepted_at__isnull=True, revoked_at__isnull=True
            )
            if invitation.is_open
        ]
    return render(
        request,
        "enterprises/members.html",
        _context(
            membership,
            "members",
            people=people,
            invitations=invitations,
            form=form,
            roles=Membership.Role.choices,
            admin_count=sum(1 for person in people if person.is_admin),
        ),
    )


@company_view(
    admin=True,
    methods=("GET", "POST"),
    readonly="enterprises:members",
    objects={"membership_id": ("target", _membership)},
)
def member_role(request, membership, target):
    enterprise = membership.enterprise
    if request.method == "POST":
        form = RoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Please choose a role."))
        else:
            role = form.cleaned_data["role"]
            _attempt(
                request,
                lambda: services.change_role(target, by=request.user, role=role),
                _("%(person)s is now %(role)s.")
                % {"person": target.user.get_full_name(), "role": Membership.Role(role).label},
            )
    return redirect("enterprises:members", enterprise_id=enterprise.pk)


@company_view(
    admin=True,
    methods=("GET", "POST"),
    readonly="enterprises:members",
    objects={"membership_id": ("target", _membership)},
)
def member_remove(request, membership, target):
    enterprise = membership.enterprise
    if target.pk == membership.pk:
        return redirect("enterprises:leave", enterprise_id=enterprise.pk)
    if request.method == "POST":
        _attempt(
            request,
            lambda: services.remove_member(target, by=request.user),
            _("%(person)s has been removed from %(name)s.")
            % {"person": target.user.get_full_name(), "name": enterprise.name},
        )
        return redirect("enterprises:members", enterprise_id=enterprise.pk)
    return _confirm_page(
        request,
        membership,
        title=_("Remove a member?"),
        question=_(
            "Remove %(person)s (%(email)s) from %(name)s? They will no longer see the "
            "company's profile, applications or certificates."
        )
        % {
            "person": target.user.get_full_name(),
            "email": target.user.email,
            "name": enterprise.name,
        },
        button=_("Remove the member"),
    )


@company_view(
    admin=True,
    methods=("GET", "POST"),
    readonly="enterprises:members",
    objects={"membership_id": ("target", _membership)},
)
def member_transfer(request, membership, target):
    enterprise = membership.enterprise
    if request.method == "POST":
        _attempt(
            request,
            lambda: services.transfer_administration(enterprise, by=request.user, to=target),
            _("%(person)s is now the administrator; you are a member.")
            % {"person": target.user.get_full_name()},
        )
        return redirect("enterprises:members", enterprise_id=enterprise.pk)
    return _confirm_page(
        request,
        membership,
        title=_("Transfer the administration?"),
        question=_(
            "Make %(person)s (%(email)s) the administrator of %(name)s? You will become a "
            "member and can no longer edit the profile or manage members."
        )
        % {
            "person": target.user.get_full_name(),
            "email": target.user.email,
            "name": enterprise.name,
        },
        button=_("Transfer the administration"),
        danger=False,
    )


@company_view(methods=("GET", "POST"))
def leave(request, membership):
    """Any member may leave (the last administrator must hand over first)."""
    enterprise = membership.enterprise
    if request.method == "POST":
        left = _attempt(
            request,
            lambda: services.remove_member(membership, by=request.user),
            _("You have left %(name)s.") % {"name": enterprise.name},
        )
        if not left:
            return redirect("enterprises:members", enterprise_id=enterprise.pk)
        if access.enterprises_for(request.user).exists():
            return redirect("enterprises:dashboard")
        return redirect(_home_url())
    return _confirm_page(
        request,
        membership,
        title=_("Leave the company?"),
        question=_(
            "Leave %(name)s? You will no longer see its profile, applications or "
            "certificates. An administrator can invite you again."
        )
        % {"name": enterprise.name},
        button=_("Leave the company"),
    )


@company_view(
    admin=True,
    methods=("GET", "POST"),
    readonly="enterprises:members",
    objects={"invitation_id": ("invitation", _invitation)},
)
def invitation_withdraw(request, membership, invitation):
    enterprise = membership.enterprise
    if request.method == "POST":
        _attempt(
            request,
            lambda: services.revoke_invitation(invitation, by=request.user),
            _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email},
        )
    return redirect("enterprises:members", enterprise_id=enterprise.pk)


def accept_invitation(request, token):
    """The link in an invitation e-mail: who invites you to which company, and a button."""
    if not request.user.is_authenticated:
        try:
            invitation = services.find_invitation(token)
        except services.InvitationError:
            pass
        else:
            messages.info(
                request,
                _(
                    "You are invited to join %(name)s. Log in, or sign up with the address the "
                    "invitation was sent to, to accept it."
                )
                % {"name": invitation.enterprise.name},
            )
        return redirect_to_login(request.get_full_path())
    try:
        invitation = services.find_invitation(token)
    except services.InvitationError as exc:
        return render(
            request, "enterprises/invitation_error.html", {"reason": str(exc)}, status=410
        )
    if request.method == "POST":
        try:
            new_membership = services.accept_invitation(token, request.user)
        except services.InvitationError as exc:
            return render(
                request,
                "enterprises/invitation_error.html",
                {"reason": str(exc), "invitation": invitation, "offer_switch": True},
            )
        access.set_current_enterprise(request, new_membership.enterprise)
        messages.success(
            request,
            _("Welcome to %(name)s. You are a %(role)s of the company.")
            % {
                "name": new_membership.enterprise.name,
                "role": new_membership.get_role_display(),
            },
        )
        return redirect("enterprises:dashboard")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    inviter = invitation.invited_by
    return render(
        request,
        "enterprises/invitation.html",
        {
            "invitation": invitation,
            "inviter": inviter.get_full_name() if inviter else _("the company's administrator"),
        },
    )


# --- personal data ------------------------------------------------------------------------
def _download_name(name: str, suffix: str) -> str:
    cleaned = re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._") or "enterprise"
    return f"{cleaned}-{suffix}"


@never_cache
@company_view(admin=True)
def export(request, membership):
    """All the company's data as a JSON download (PIPL right of access)."""
    enterprise = membership.enterprise
    data = services.export_enterprise_data(enterprise)
    services.record_change(enterprise, request.user, _("Downloaded the company's data"))
    body = json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, _download_name(enterprise.name, f"data-{local_today().isoformat()}.json")
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@person_view(methods=("GET", "POST"))
def delete_account(request):
    """A person deletes their account; their companies keep their records without them."""
    form = DeleteAccountForm(request.POST or None, user=request.user, label_suffix="")
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user)
        messages.success(
            request,
            _(
                "Your account and personal data have been deleted. The companies you belonged "
                "to keep their records."
            ),
        )
        return redirect(_home_url())
    memberships = Membership.objects.filter(user=request.user).select_related("enterprise")
    return render(
        request,
        "enterprises/delete_account.html",
        {"form": form, "memberships": memberships},
    )
