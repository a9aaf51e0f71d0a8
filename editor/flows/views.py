"""HTML pages: the flows list and the canvas editor.

Views stay thin: reads go through editor/flows/selectors.py (always scoped to the user's teams, so
another team's flow is a 404), writes through editor/flows/services/. The new-flow and import forms
(editor/flows/forms.py) are shown again on the list, in their open dialog, when they are refused.
The editor page itself is a shell; the canvas talks to the REST API (docs/api-contract.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from editor.accounts import selectors as account_selectors
from editor.common.errors import ServiceError
from editor.common.forms import add_service_error
from editor.flows import selectors as flow_selectors
from editor.flows.filters import FlowPageFilters
from editor.flows.forms import ImportFlowForm, NewFlowForm
from editor.flows.models import Flow
from editor.flows.selectors import StepCount
from editor.flows.services import flows as flow_services

PAGE_SIZE = 20


def _editable_teams(user) -> list[Any]:
    """Teams in which the user may create and change flows (owners and editors)."""
    teams = account_selectors.teams_for_user(user=user)
    return [t for t in teams if (m := account_selectors.membership_for(user=user, team=t)) and m.can_edit]


def _flow_for(request: HttpRequest, flow_id: int) -> Flow:
    return get_object_or_404(flow_selectors.flows_for_user(user=request.user), pk=flow_id)


def _can_edit(request: HttpRequest, flow: Flow) -> bool:
    membership = account_selectors.membership_for(user=request.user, team=flow.team_id)
    return bool(membership and membership.can_edit)


def _editable_flow_or_404(request: HttpRequest, flow_id: int) -> Flow:
    flow = _flow_for(request, flow_id)
    if not _can_edit(request, flow):
        # A viewer sees the flow but cannot change it; the buttons are hidden for them.
        raise Http404("You can look at this flow but not change it.")
    return flow


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect("flow_list")


@login_required
@require_GET
def flow_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


def _list_page(
    request: HttpRequest,
    *,
    new_form: NewFlowForm | None = None,
    import_form: ImportFlowForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The flows list; a refused new-flow or import form is shown in its open dialog."""
    filters = FlowPageFilters(request.GET)
    query = filters.cleaned_data["q"] if filters.is_valid() else ""
    if filters.errors:
        messages.error(request, filters.errors_text())
    flows = (
        flow_selectors.flows_for_user(user=request.user)
        .select_related("team", "updated_by")
        .defer("document", "diagnostics")  # big flows: count the steps in the database instead
        .annotate(latest_number=Max("versions__number"), steps_total=StepCount("document"))
    )
    if query:
        flows = flows.filter(name__icontains=query)
    page = Paginator(flows.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    teams = list(account_selectors.teams_for_user(user=request.user))
    editable = _editable_teams(request.user)
    editable_ids = {t.pk for t in editable}
    rows = [{"flow": f, "can_edit": f.team_id in editable_ids} for f in page.object_list]
    return render(
        request,
        "flows/flow_list.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "teams": teams,
            "editable_teams": editable,
            "show_team": len(teams) > 1,
            "new_form": new_form or NewFlowForm(teams=editable),
            "import_form": import_form or ImportFlowForm(teams=editable),
        },
        status=status,
    )


def _teams_or_404(request: HttpRequest) -> list[Any]:
    teams = _editable_teams(request.user)
    if not teams:
        # Viewers see no new-flow or import form; the other write views answer them 404 too.
        raise Http404("Only editors and owners can create flows.")
    return teams


@login_required
@require_POST
def flow_create(request: HttpRequest) -> HttpResponse:
    form = NewFlowForm(request.POST, teams=_teams_or_404(request))
    if form.is_valid():
        data = form.cleaned_data
        try:
            flow = flow_services.flow_create(
                team=form.chosen_team(), user=request.user, name=data["name"], description=data["description"]
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            return redirect("flow_edit", flow_id=flow.pk)
    return _list_page(request, new_form=form, status=400)


@login_required
@require_POST
def flow_import(request: HttpRequest) -> HttpResponse:
    form = ImportFlowForm(request.POST, request.FILES, teams=_teams_or_404(request))
    if form.is_valid():
        try:
            flow = flow_services.flow_import(
                team=form.chosen_team(), user=request.user, name=form.flow_name(), payload=form.payload
            )
        except ServiceError as exc:
            add_service_error(form, exc, field="file")  # the file is what could not be imported
        else:
            if flow.error_count:
                messages.warning(
                    request, f"Imported “{flow.name}”. It has problems to fix: they are listed below the canvas."
                )
            else:
                messages.success(request, f"Imported “{flow.name}”.")
            return redirect("flow_edit", flow_id=flow.pk)
    return _list_page(request, import_form=form, status=400)


@login_required
@require_POST
def flow_duplicate(request: HttpRequest, flow_id: int) -> HttpResponse:
    flow = _editable_flow_or_404(request, flow_id)
    copy = flow_services.flow_duplicate(flow=flow, user=request.user)
    messages.success(request, f"Made a copy: “{copy.name}”.")
    return redirect("flow_list")


@login_required
@require_http_methods(["GET", "POST"])
def flow_delete(request: HttpRequest, flow_id: int) -> HttpResponse:
    flow = _editable_flow_or_404(request, flow_id)
    if request.method == "GET":
        uses = flow_services.flow_uses(flow=flow)
        return render(request, "flows/flow_confirm_delete.html", {"flow": flow, "uses": uses})
    name = flow.name
    deleted = flow_services.flow_delete(flow=flow)
    if deleted:
        messages.success(request, f"Deleted “{name}”.")
    else:
        messages.success(request, f"Archived “{name}”: calls or campaigns use it, so its history is kept.")
    return redirect("flow_list")


def _flow_payload(flow: Flow) -> dict[str, Any]:
    """The flow as the canvas starts from; the same fields as the API's Flow."""
    latest = flow_selectors.latest_version(flow=flow)
    return {
        "id": flow.pk,
        "team": flow.team_id,
        "name": flow.name,
        "description": flow.description,
        "revision": flow.revision,
        "document": flow.document,
        "diagnostics": flow.diagnostics,
        "latest_version": latest.number if latest else None,
        "unpublished_steps": flow.unpublished_steps,
        "updated_at": flow.updated_at.isoformat(),
    }


@login_required
@require_GET
@ensure_csrf_cookie  # the canvas sends the token from this cookie with every API write
def flow_edit(request: HttpRequest, flow_id: int) -> HttpResponse:
    flow = _flow_for(request, flow_id)
    config = {
        "flowId": flow.pk,
        "canEdit": _can_edit(request, flow),
        "apiBase": "/api/",
        "listUrl": reverse("flow_list"),
        "layoutWorkerUrl": static("editor/layout-worker.js"),
        "username": request.user.get_username(),
        "contactFields": ["number", "name"],
        "autosaveMs": 2000,
        # A save or check over this is refused with 413: the editor's size meter measures against it.
        "maxBodyBytes": max(settings.API_MAX_FLOW_BYTES, settings.API_MAX_JSON_BYTES),
        # The "Test call" dialog links to these pages (editor/calls/urls.py).
        "credentialsUrl": reverse("credential_list"),
        "callUrl": reverse("call_detail", args=[0]).replace("/0/", "/{id}/"),
    }
    return render(
        request, "flows/flow_edit.html", {"flow": flow, "config": config, "flow_data": _flow_payload(flow)}
    )
