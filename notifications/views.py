"""The message centre (站内消息) and what each person chooses to hear about.

Every view is scoped to ``request.user``: another person's message is a 404, never a 403.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from policies.models import Department, PolicyType

from .models import Notification, NotificationPreference
from .services import user_from_unsubscribe_token

PAGE_SIZE = 20


class PreferenceForm(forms.ModelForm):
    """E-mail at once / daily digest / none, and which policies to hear about."""

    policy_types = forms.MultipleChoiceField(
        label=gettext_lazy("Policy types"),
        choices=PolicyType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick none to hear about every type."),
    )
    department_ids = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Issuing departments"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick none to hear about every department."),
    )

    class Meta:
        model = NotificationPreference
        fields = ["policy_matches", "programme_alerts", "policy_types", "department_ids", "email"]
        widgets = {"email": forms.RadioSelect}
        labels = {
            "policy_matches": gettext_lazy("Tell me when a newly published policy fits my company"),
            "programme_alerts": gettext_lazy(
                "Tell me when a programme my company qualifies for opens, and 30, 7 and 1 days "
                "before it closes if we have not applied"
            ),
            "email": gettext_lazy("E-mail"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department_ids"].label_from_instance = lambda d: d.display_name
        if self.instance.pk:
            self.initial["department_ids"] = list(
                Department.objects.filter(pk__in=self.instance.department_ids or [])
            )

    def clean_department_ids(self):
        return sorted(d.pk for d in self.cleaned_data.get("department_ids") or [])

    def clean_policy_types(self):
        return list(self.cleaned_data.get("policy_types") or [])


def _back(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _mine(request, pk) -> Notification:
    return get_object_or_404(
        Notification.objects.select_related("enterprise"), pk=pk, user=request.user
    )


@require_GET
@login_required
@never_cache
def inbox(request):
    notes = request.user.notifications.select_related("enterprise")
    show = "unread" if request.GET.get("show") == "unread" else "all"
    if show == "unread":
        notes = notes.filter(read_at__isnull=True)
    page_obj = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page_obj": page_obj,
            "show": show,
            "unread_count": request.user.notifications.filter(read_at__isnull=True).count(),
        },
    )


@require_GET
@login_required
@never_cache
def detail(request, pk: int):
    note = _mine(request, pk)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return render(request, "notifications/detail.html", {"note": note})


@require_POST
@login_required
def mark_read(request, pk: int):
    note = _mine(request, pk)
    if request.POST.get("unread"):
        note.read_at = None
    elif note.read_at is None:
        note.read_at = timezone.now()
    note.save(update_fields=["read_at"])
    return redirect(_back(request, reverse("notifications:inbox")))


@require_POST
@login_required
def mark_all_read(request):
    count = request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    if count:
        messages.success(request, _("All messages are marked as read."))
    return redirect(_back(request, reverse("notifications:inbox")))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def preferences(request):
    preference = NotificationPreference.objects.filter(user=request.user).first()
    preference = preference or NotificationPreference(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # RFC 8058: the mail client POSTs without a session; the signed token is the key
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def unsubscribe(request, token: str):
    """Stop every e-mail of the person the token names (messages stay in the message centre).

    GET shows a button (link checkers follow links, and must not unsubscribe anyone); POST —
    the button, or the mail client's one-click ``List-Unsubscribe=One-Click`` — does it.
    """
    user_id = user_from_unsubscribe_token(token)
    if user_id is None:
        raise Http404
    done = False
    if request.method == "POST":
        preference, _created = NotificationPreference.objects.get_or_create(user_id=user_id)
        if preference.email != NotificationPreference.Email.NONE:
            preference.email = NotificationPreference.Email.NONE
            preference.save(update_fields=["email"])
        done = True
    return render(request, "notifications/unsubscribe.html", {"done": done})
