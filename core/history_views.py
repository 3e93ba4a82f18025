"""History pages: one record's changes, a case's whole history, and an admin's restore."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import AuthenticatedRequest
from core.history import (
    RestoreRefused,
    get_case_history_for_user,
    get_record_history_for_user,
    history_model,
    restore_version,
)


def record_history(
    request: AuthenticatedRequest, app_label: str, model_name: str, pk: int
) -> TemplateResponse:
    model = history_model(app_label, model_name)
    history = get_record_history_for_user(request.user, model, pk, request.GET.get("page"))
    return TemplateResponse(request, "core/history_record.html", {"history": history})


def case_history(request: AuthenticatedRequest, pk: int) -> TemplateResponse:
    history = get_case_history_for_user(request.user, pk, request.GET.get("page"))
    return TemplateResponse(request, "core/history_case.html", {"history": history})


@require_POST
def record_restore(
    request: AuthenticatedRequest, app_label: str, model_name: str, pk: int
) -> HttpResponseRedirect:
    """Restore the version an event recorded (admins only), then back to the history."""
    model = history_model(app_label, model_name)
    # Those who may not see the record learn nothing, not even that only admins restore.
    history = get_record_history_for_user(request.user, model, pk)
    try:
        event_id = int(request.POST.get("event", ""))
    except ValueError:
        raise Http404 from None
    try:
        changed = restore_version(request.user, model, pk, event_id)
    except RestoreRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if changed:
            restored = _("Restored %(record)s to the chosen version: %(fields)s.")
            messages.success(
                request, restored % {"record": history.label, "fields": ", ".join(changed)}
            )
        else:
            messages.info(
                request,
                _("The record already holds the values of that version; nothing was changed."),
            )
    return HttpResponseRedirect(reverse("record_history", args=[app_label, model_name, pk]))
