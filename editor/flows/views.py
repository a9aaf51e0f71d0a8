"""HTML pages: the flows list and the canvas editor.

Views stay thin: reads go through editor/flows/selectors.py (always scoped to the user's teams, so
another team's flow is a 404), writes through editor/flows/services/. The editor page itself is a
shell; the canvas talks to the REST API (docs/api-contract.md).
"""

from __future__ import annotations

import json
from pathlib import Path
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
from editor.flows import selectors as flow_selectors
from editor.flows.filters import FlowPageFilters
from editor.flows.models import Flow
from editor.flows.selectors import StepCount
from editor.flows.services import flows as flow_services

PAGE_SIZE = 20
NAME_MAX = 200
# A flow file bigger than this is refused before it is read (the API allows 5 MB of JSON too).
IMPORT_MAX_BYTES = getattr(settings, "API_MAX_JSON_BYTES", 5 * 1024 * 1024)


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


def _team_from_post(request: HttpRequest, teams: list[Any]) -> Any:
    if len(teams) == 1:
        return teams[0]
    wanted = request.POST.get("team", "")
    return next((t for t in teams if str(t.pk) == wanted), None)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect("flow_list")


@login_required
@require_GET
def flow_list(request: HttpRequest) -> HttpResponse:
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
        },
    )


@login_required
@require_POST
def flow_create(request: HttpRequest) -> HttpResponse:
    teams = _editable_teams(request.user)
    team = _team_from_post(request, teams)
    name = request.POST.get("name", "").strip()[:NAME_MAX]
    if team is None:
        messages.error(request, "Choose a team you can edit flows in.")
        return redirect("flow_list")
    if not name:
        messages.error(request, "Give the new flow a name.")
        return redirect("flow_list")
    flow = flow_services.flow_create(
        team=team, user=request.user, name=name, description=request.POST.get("description", "").strip()
    )
    return redirect("flow_edit", flow_id=flow.pk)


def _read_upload(upload) -> tuple[Any, str | None]:
    """The JSON inside an uploaded file, or a friendly reason why it cannot be read."""
    if upload is None:
        return None, "Choose a JSON file to import."
    if upload.size > IMPORT_MAX_BYTES:
        return None, f"This file is too big to import (the limit is {IMPORT_MAX_BYTES // (1024 * 1024)} MB)."
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "This file is not a text file. Choose the .json file of a call flow."
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, (
            f"This file is not valid JSON: {exc.msg.lower()} on line {exc.lineno}, column {exc.colno}. "
            "Check the file, or copy the flow again from where it came from."
        )


@login_required
@require_POST
def flow_import(request: HttpRequest) -> HttpResponse:
    teams = _editable_teams(request.user)
    team = _team_from_post(request, teams)
    if team is None:
        messages.error(request, "Choose a team you can edit flows in.")
        return redirect("flow_list")
    upload = request.FILES.get("file")
    payload, problem = _read_upload(upload)
    if problem:
        messages.error(request, problem)
        return redirect("flow_list")
    name = request.POST.get("name", "").strip() or Path(upload.name).stem or "Imported flow"
    try:
        flow = flow_services.flow_import(team=team, user=request.user, name=name[:NAME_MAX], payload=payload)
    except ServiceError as exc:
        messages.error(request, f"We couldn't import this file. {exc.message}")
        return redirect("flow_list")
    if flow.error_count:
        messages.warning(request, f"Imported “{flow.name}”. It has problems to fix: they are listed below the canvas.")
    else:
        messages.success(request, f"Imported “{flow.name}”.")
    return redirect("flow_edit", flow_id=flow.pk)


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
        # The "Test call" dialog links to these pages (editor/calls/urls.py).
        "credentialsUrl": reverse("credential_list"),
        "callUrl": reverse("call_detail", args=[0]).replace("/0/", "/{id}/"),
    }
    return render(
        request, "flows/flow_edit.html", {"flow": flow, "config": config, "flow_data": _flow_payload(flow)}
    )
