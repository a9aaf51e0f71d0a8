"""HTML pages for calls and credentials, and the /healthz endpoint.

Thin like the other pages: reads through editor/calls/selectors.py (scoped to the user's teams,
so another team's call or credential is a 404), writes through the services. The auth token is
write-only here too: forms never render it back, pages show the mask.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from editor.accounts import selectors as account_selectors
from editor.accounts.permissions import Role
from editor.calls import heartbeat
from editor.calls.filters import CallFilters
from editor.calls.models import FINAL_STATUSES, CallStatus, Credential
from editor.calls.samespace import redact
from editor.calls.selectors import calls_for_user, credentials_for_user, default_base_url, filter_calls
from editor.calls.services.calls import call_again, call_launch
from editor.calls.services.credentials import credential_create, credential_delete, credential_update
from editor.common.errors import InvalidFields, ServiceError
from editor.flows import selectors as flow_selectors

PAGE_SIZE = 50
FINAL = [str(s) for s in FINAL_STATUSES]


def _role(user, team_id: int) -> str | None:
    membership = account_selectors.membership_for(user=user, team=team_id)
    return membership.role if membership else None


def _can_edit(user, team_id: int) -> bool:
    return _role(user, team_id) in (Role.OWNER, Role.EDITOR)


# --- credentials --------------------------------------------------------------------------------


class CredentialForm(forms.Form):
    name = forms.CharField(max_length=120)
    cloud_id = forms.CharField(max_length=200, label="Cloud id")
    auth_token = forms.CharField(
        max_length=4000, required=False, label="Auth token",
        # render_value=False: the stored token is never sent back to the browser.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    base_url = forms.CharField(max_length=500, required=False, label="Base URL")

    def __init__(self, *args: Any, creating: bool, teams: list | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["auth_token"].required = creating
        if not creating:
            self.fields["auth_token"].help_text = "Leave empty to keep the stored token."
        if teams and len(teams) > 1:
            self.fields["team"] = forms.TypedChoiceField(choices=[(t.pk, t.name) for t in teams], coerce=int)

    def add_service_errors(self, exc: InvalidFields) -> None:
        for field, problems in exc.extra.get("fields", {}).items():
            for problem in problems:
                self.add_error(field if field in self.fields else None, problem)


def _owner_teams(user) -> list:
    return [t for t in account_selectors.teams_for_user(user=user) if _role(user, t.pk) == Role.OWNER]


@sensitive_post_parameters("auth_token")
@login_required
@require_http_methods(["GET", "POST"])
def credential_list(request: HttpRequest) -> HttpResponse:
    owner_teams = _owner_teams(request.user)
    form = CredentialForm(creating=True, teams=owner_teams, initial={"base_url": default_base_url()})
    if request.method == "POST":
        if not owner_teams:
            raise Http404("Only team owners can add credentials.")
        form = CredentialForm(request.POST, creating=True, teams=owner_teams)
        if form.is_valid():
            data = form.cleaned_data
            team = next((t for t in owner_teams if t.pk == data.get("team")), owner_teams[0])
            try:
                credential = credential_create(
                    team=team, user=request.user, name=data["name"], cloud_id=data["cloud_id"],
                    auth_token=data["auth_token"], base_url=data["base_url"] or None,
                )
            except InvalidFields as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"Credential “{credential.name}” saved. Its token is stored encrypted.")
                return redirect("credential_list")
    credentials = list(credentials_for_user(user=request.user))
    return render(request, "calls/credential_list.html", {
        "credentials": credentials,
        "form": form,
        "can_add": bool(owner_teams),
        "show_team": len({c.team_id for c in credentials}) > 1 or len(owner_teams) > 1,
        "sandbox_enabled": settings.SANDBOX_ENABLED,
    })


def _owned_credential(request: HttpRequest, credential_id: int) -> Credential:
    credential = get_object_or_404(credentials_for_user(user=request.user), pk=credential_id)
    if credential.user_role != Role.OWNER:
        raise Http404("Only team owners can change credentials.")
    return credential


@sensitive_post_parameters("auth_token")
@login_required
@require_http_methods(["GET", "POST"])
def credential_edit(request: HttpRequest, credential_id: int) -> HttpResponse:
    credential = _owned_credential(request, credential_id)
    initial = {"name": credential.name, "cloud_id": credential.cloud_id, "base_url": credential.base_url}
    form = CredentialForm(request.POST or None, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            credential_update(
                credential=credential, name=data["name"], cloud_id=data["cloud_id"],
                auth_token=data["auth_token"] or None, base_url=data["base_url"] or credential.base_url,
            )
        except InvalidFields as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Credential “{credential.name}” updated.")
            return redirect("credential_list")
    return render(request, "calls/credential_edit.html", {
        "credential": credential, "form": form, "sandbox_enabled": settings.SANDBOX_ENABLED,
    })


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
                                                   "team": version.flow.team_id, "versions": []})
        entry["versions"].append(version.number)
    credentials = [c for c in credentials_for_user(user=user) if c.team_id in teams]
    return {"flows": list(flows.values()), "credentials": credentials}


def _parse_variables(text: str) -> dict[str, str]:
    """``name=Ada`` lines (or a JSON object) into contact variables."""
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except ValueError:
            raise InvalidFields({"variables": ["This is not a JSON object."]})
        if not isinstance(value, dict):
            raise InvalidFields({"variables": ["This is not a JSON object."]})
        return value
    variables: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep:
            raise InvalidFields({"variables": [f"Write one name=value per line (“{line.strip()}” has no =)."]})
        variables[name.strip()] = value.strip()
    return variables


@login_required
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    calls = calls_for_user(user=request.user)
    filters = CallFilters(request.GET)
    if filters.is_valid():
        calls = filter_calls(calls, filters.cleaned_data)
    else:
        messages.error(request, filters.errors_text())
        calls = calls.none()
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    choices = _launch_choices(request.user)
    flows_filter = flow_selectors.flows_for_user(user=request.user, include_archived=True).order_by("name")
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "calls/call_list.html", {
        "page": page,
        "statuses": CallStatus.choices,
        "filter_flows": flows_filter.values("id", "name"),
        "filters": {k: request.GET.get(k, "") for k in ("status", "flow", "date", "number")},
        "query": query.urlencode(),
        "launch": choices,
        "launch_flows_json": choices["flows"],
        "launch_defaults": {k: request.GET.get(k, "") for k in ("flow",)},
        "final_statuses": FINAL,
    })


@login_required
@require_POST
def call_launch_view(request: HttpRequest) -> HttpResponse:
    flow_id = request.POST.get("flow", "")
    flows = flow_selectors.flows_for_user(user=request.user)
    flow = get_object_or_404(flows, pk=flow_id) if flow_id.isdigit() else None
    try:
        if flow is None:
            raise InvalidFields({"flow": ["Choose a published flow."]})
        if not _can_edit(request.user, flow.team_id):
            raise ServiceError("Viewers cannot launch calls. Ask a team owner for the editor role.")
        credential_id = request.POST.get("credential", "")
        credential = Credential.objects.filter(pk=credential_id if credential_id.isdigit() else 0,
                                               team_id=flow.team_id).first()
        if credential is None:
            raise InvalidFields({"credential": ["Choose a credential of this flow's team."]})
        version = request.POST.get("version", "")
        with transaction.atomic():
            call = call_launch(
                flow=flow, user=request.user, number=request.POST.get("number", ""), credential=credential,
                variables=_parse_variables(request.POST.get("variables", "")),
                version_number=int(version) if version.isdigit() else None,
            )
    except ServiceError as exc:
        fields = exc.extra.get("fields") or {}
        detail = "; ".join(f"{name}: {' '.join(problems)}" for name, problems in fields.items())
        messages.error(request, f"The call was not launched. {detail or exc.message}")
        return redirect(reverse("call_list") + (f"?flow={flow.pk}" if flow else ""))
    messages.success(request, f"Call to {call.number} queued.")
    return redirect("call_detail", call_id=call.pk)


@login_required
@require_GET
def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_object_or_404(calls_for_user(user=request.user).prefetch_related("attempts", "called_again_as"),
                             pk=call_id)
    return render(request, "calls/call_detail.html", {
        "call": call,
        "attempts": list(call.attempts.all()),
        "called_again_as": list(call.called_again_as.all()),
        "payload_json": json.dumps(redact(call.request_payload or {}), indent=2),
        "variables_json": json.dumps(call.variables or {}, indent=2),
        "response_json": _pretty(call.response_body),
        "can_edit": call.user_role in (Role.OWNER, Role.EDITOR),
        "final_statuses": FINAL,
    })


def _pretty(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2)
    except (TypeError, ValueError):
        return body


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
