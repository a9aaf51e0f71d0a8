"""HTML pages for calls and credentials, and the /healthz endpoint.

Thin like the other pages: reads through editor/calls/selectors.py (scoped to the user's teams,
so another team's call or credential is a 404), writes through the services. The forms
(editor/calls/forms.py) come back with their errors beside the fields when refused. The auth token
is write-only here too: forms never render it back, pages show the mask.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from editor.accounts import selectors as account_selectors
from editor.accounts.permissions import Role
from editor.calls import heartbeat, hooks
from editor.calls.forms import CallFilterForm, CredentialForm, LaunchForm
from editor.calls.models import FINAL_STATUSES, CallStatus, Credential
from editor.calls.samespace import redact
from editor.calls.selectors import calls_csv, calls_for_user, credentials_for_user, default_base_url
from editor.calls.services.calls import call_again, call_launch
from editor.calls.services.credentials import credential_create, credential_delete, credential_update
from editor.common.csvsafe import csv_download
from editor.common.errors import ServiceError
from editor.common.forms import add_service_error
from editor.common.params import ascii_int
from editor.common.words import readable_json
from editor.flowcore import dialling
from editor.flows import selectors as flow_selectors

PAGE_SIZE = 50
FINAL = [str(s) for s in FINAL_STATUSES]


def _role(user, team_id: int) -> str | None:
    membership = account_selectors.membership_for(user=user, team=team_id)
    return membership.role if membership else None


def _can_edit(user, team_id: int) -> bool:
    return _role(user, team_id) in (Role.OWNER, Role.EDITOR)


# --- credentials --------------------------------------------------------------------------------


def _owner_teams(user) -> list:
    return [t for t in account_selectors.teams_for_user(user=user) if _role(user, t.pk) == Role.OWNER]


@sensitive_post_parameters("auth_token")
@never_cache  # a refused form carries the token just typed back to its author: kept by no cache
@login_required
@require_http_methods(["GET", "POST"])
def credential_list(request: HttpRequest) -> HttpResponse:
    owner_teams = _owner_teams(request.user)
    sandbox = settings.SANDBOX_ENABLED
    form = CredentialForm(creating=True, teams=owner_teams, sandbox=sandbox, initial={"base_url": default_base_url()})
    status = 200
    if request.method == "POST":
        if not owner_teams:
            raise Http404("Only team owners can add credentials.")
        form = CredentialForm(request.POST, creating=True, teams=owner_teams, sandbox=sandbox)
        if form.is_valid():
            data = form.cleaned_data
            team = next((t for t in owner_teams if t.pk == data.get("team")), owner_teams[0])
            try:
                credential = credential_create(
                    team=team, user=request.user, name=data["name"], cloud_id=data["cloud_id"],
                    auth_token=data["auth_token"], base_url=data["base_url"] or None,
                    send_events=data["send_events"],
                )
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, f"Credential “{credential.name}” saved. Its token is stored encrypted.")
                return redirect("credential_list")
        status = 400
    credentials = list(credentials_for_user(user=request.user))
    return render(request, "calls/credential_list.html", {
        "credentials": credentials,
        "form": form,
        "can_add": bool(owner_teams),
        "show_team": len({c.team_id for c in credentials}) > 1 or len(owner_teams) > 1,
    }, status=status)


def _owned_credential(request: HttpRequest, credential_id: int) -> Credential:
    credential = get_object_or_404(credentials_for_user(user=request.user), pk=credential_id)
    if credential.user_role != Role.OWNER:
        raise Http404("Only team owners can change credentials.")
    return credential


@sensitive_post_parameters("auth_token")
@never_cache  # a refused form carries the token just typed back to its author: kept by no cache
@login_required
@require_http_methods(["GET", "POST"])
def credential_edit(request: HttpRequest, credential_id: int) -> HttpResponse:
    credential = _owned_credential(request, credential_id)
    initial = {"name": credential.name, "cloud_id": credential.cloud_id, "base_url": credential.base_url,
               "send_events": credential.send_events}
    form = CredentialForm(request.POST or None, creating=False, initial=initial, masked_token=credential.masked_token,
                          sandbox=settings.SANDBOX_ENABLED)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            credential_update(
                credential=credential, name=data["name"], cloud_id=data["cloud_id"],
                auth_token=data["auth_token"] or None, base_url=data["base_url"] or credential.base_url,
                send_events=data["send_events"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Credential “{credential.name}” updated.")
            return redirect("credential_list")
    return render(request, "calls/credential_edit.html", {"credential": credential, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def credential_delete_view(request: HttpRequest, credential_id: int) -> HttpResponse:
    credential = _owned_credential(request, credential_id)
    credential_delete(credential=credential)
    messages.success(request, f"Credential “{credential.name}” deleted. Calls placed with it keep their history.")
    return redirect("credential_list")


# --- calls --------------------------------------------------------------------------------------


def _launch_choices(user) -> dict[str, Any]:
    """Published flows and credentials of the teams where the user may launch calls."""
    teams = [t.pk for t in account_selectors.teams_for_user(user=user) if _can_edit(user, t.pk)]
    versions = flow_selectors.published_versions_in(team_ids=teams)
    flows: dict[int, dict[str, Any]] = {}
    for version in versions:
        entry = flows.setdefault(version.flow_id, {"id": version.flow_id, "name": version.flow.name,
                                                   "team": version.flow.team_id, "versions": [], "dials": {}})
        entry["versions"].append(version.number)
        dials = dialling(version.document)
        if not dials.calls_contact:  # the page says what such a version dials (editor/flowcore/dialling.py)
            entry["dials"][version.number] = dials.number
    credentials = [c for c in credentials_for_user(user=user) if c.team_id in teams]
    return {"flows": list(flows.values()), "credentials": credentials}


@login_required
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    return _calls_page(request)


@login_required
@require_GET
def call_export(request: HttpRequest) -> HttpResponse:
    """The calls the list's filters select, as a CSV file; a malformed filter shows the list with its error."""
    filter_form = _call_filters(request)
    calls = filter_form.filter(calls_for_user(user=request.user))
    if filter_form.errors:
        return _calls_page(request, status=400)
    return csv_download(calls_csv(calls), "calls.csv")


def _call_filters(request: HttpRequest) -> CallFilterForm:
    flows = flow_selectors.flows_for_user(user=request.user, include_archived=True).order_by("name")
    return CallFilterForm(request.GET, statuses=CallStatus.choices, flows=list(flows.values("id", "name")))


def _calls_page(request: HttpRequest, *, launch_form: LaunchForm | None = None, status: int = 200) -> HttpResponse:
    """The calls list with its filters, and the launch form (as posted when it was refused)."""
    filter_form = _call_filters(request)
    calls = filter_form.filter(calls_for_user(user=request.user))
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    choices = _launch_choices(request.user)
    if launch_form is None:
        # Only a plain id opens the form on that flow (editor/common/params.py: "²".isdigit() is true).
        chosen = ascii_int(request.GET.get("flow", ""))
        launch_form = LaunchForm(**choices, initial={"flow": chosen} if chosen else {})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "calls/call_list.html", {
        "page": page,
        "filter_form": filter_form,
        "query": query.urlencode(),
        "launch": choices,
        "launch_form": launch_form,
        "launch_open": bool(launch_form.errors or launch_form.initial.get("flow") or not page.object_list),
        "final_statuses": FINAL,
    }, status=status)


@login_required
@require_POST
def call_launch_view(request: HttpRequest) -> HttpResponse:
    choices = _launch_choices(request.user)
    if not choices["flows"]:
        # The page shows no launch form then (viewers, or no published flow); nothing to show errors beside.
        raise Http404("Publish a flow in a team where you are an editor or owner to launch calls.")
    form = LaunchForm(request.POST, **choices)
    if form.is_valid():
        data = form.cleaned_data
        flow = get_object_or_404(flow_selectors.flows_for_user(user=request.user), pk=data["flow"])
        try:
            with transaction.atomic():
                call = call_launch(flow=flow, user=request.user, number=data["number"],
                                   credential=form.chosen_credential(), variables=data["variables"],
                                   version_number=data["version"])
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Call to {call.number} queued.")
            return redirect("call_detail", call_id=call.pk)
    return _calls_page(request, launch_form=form, status=400)


@login_required
@require_GET
def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_object_or_404(calls_for_user(user=request.user).prefetch_related("attempts", "called_again_as"),
                             pk=call_id)
    return render(request, "calls/call_detail.html", {
        "call": call,
        "attempts": list(call.attempts.all()),
        "called_again_as": list(call.called_again_as.all()),
        "payload_json": readable_json(redact(call.request_payload or {})),
        "variables_json": readable_json(call.variables or {}),
        "response_json": readable_json(call.response_body),
        "can_edit": call.user_role in (Role.OWNER, Role.EDITOR),
        "final_statuses": FINAL,
        "panels": hooks.call_panels(call),
    })


@login_required
@require_POST
def call_again_view(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_object_or_404(calls_for_user(user=request.user), pk=call_id)
    if call.user_role not in (Role.OWNER, Role.EDITOR):
        raise Http404("Viewers cannot place calls.")
    try:
        with transaction.atomic():
            new = call_again(call=call, user=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("call_detail", call_id=call.pk)
    messages.success(request, f"Calling {new.number} again as a new call (new idempotency key).")
    return redirect("call_detail", call_id=new.pk)


# --- health -------------------------------------------------------------------------------------


def _check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return {"ok": False, "error": type(exc).__name__}


def _check_broker() -> dict[str, Any]:
    from flowstudio.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            transport = conn.transport.driver_type
        return {"ok": True, "transport": transport}
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return {"ok": False, "error": type(exc).__name__}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, broker and the last worker heartbeat. 503 when the database or the broker is down;
    a silent worker is reported (``worker.ok`` false, status "degraded") without failing the web check."""
    database = _check_database()
    broker = _check_broker()
    worker: dict[str, Any] = {"ok": False, "last_heartbeat": None, "seconds_ago": None}
    if database["ok"]:
        seen = heartbeat.last_seen()
        if seen is not None:
            age = (timezone.now() - seen).total_seconds()
            worker = {"ok": age <= heartbeat.offline_after().total_seconds(), "last_heartbeat": seen.isoformat(),
                      "seconds_ago": round(age, 1)}
    healthy = database["ok"] and broker["ok"]
    state = "ok" if healthy and worker["ok"] else "degraded" if healthy else "error"
    return JsonResponse({"status": state, "database": database, "broker": broker, "worker": worker},
                        status=200 if healthy else 503)
