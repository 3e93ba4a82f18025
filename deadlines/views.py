"""Deadline pages: the dashboard, one deadline's derivation, and the user's calendar feeds."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.access import AuthenticatedRequest
from deadlines import collect
from deadlines.models import CalendarFeed
from deadlines.pages import DeadlineFilterForm, build_dashboard, derivation_for


def dashboard(request: AuthenticatedRequest) -> TemplateResponse:
    today = timezone.localdate()
    report = collect.report_for_user(request.user, today=today)
    form = DeadlineFilterForm(request.GET or None, report=report)
    selection = form.selection()
    return TemplateResponse(
        request,
        "deadlines/dashboard.html",
        {
            "dashboard": build_dashboard(report, today, selection),
            "form": form,
            "selection": selection,
        },
    )


def deadline_detail(request: AuthenticatedRequest, key: str) -> TemplateResponse:
    today = timezone.localdate()
    deadline, report = collect.find_deadline(request.user, key, today=today)
    return TemplateResponse(
        request,
        "deadlines/deadline_detail.html",
        {"derivation": derivation_for(deadline, report, today), "today": today},
    )


class NewFeedForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("Where you will use it"),
        help_text=gettext_lazy("Optional, e.g. “phone”: to tell your addresses apart."),
        max_length=100,
        required=False,
    )


@never_cache  # the page that shows a new address must not be kept anywhere
def calendar_feeds(request: AuthenticatedRequest) -> TemplateResponse:
    """The user's calendar addresses: create one (its address is shown once), or revoke one."""
    user = request.user
    new_feed_url = ""
    form = NewFeedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not user.has_role:
            raise PermissionDenied
        if form.is_valid():
            _feed, token = CalendarFeed.objects.create_for(user, form.cleaned_data["label"])
            new_feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
            form = NewFeedForm()
    feeds = list(CalendarFeed.objects.owned_by(user))
    return TemplateResponse(
        request,
        "deadlines/calendar_feeds.html",
        {
            "form": form,
            "new_feed_url": new_feed_url,
            # Calendar apps open webcal:// addresses as subscriptions (over HTTPS).
            "webcal_url": "webcal://" + new_feed_url.removeprefix("https://")
            if new_feed_url.startswith("https://")
            else "",
            "active_feeds": [feed for feed in feeds if feed.is_active],
            "revoked_feeds": [feed for feed in feeds if not feed.is_active],
        },
        status=201 if new_feed_url else 200,
    )


@require_POST
def revoke_calendar_feed(request: AuthenticatedRequest, pk: int) -> HttpResponseRedirect:
    feed = get_object_or_404(CalendarFeed.objects.owned_by(request.user).active(), pk=pk)
    feed.revoke()
    messages.success(
        request, _("The address starting %(prefix)s… no longer works.") % {"prefix": feed.prefix}
    )
    return HttpResponseRedirect(reverse("calendar_feeds"))
