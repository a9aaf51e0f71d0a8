"""HTML pages for campaigns (the wizard, the campaign page, results) and the do-not-call list.

Thin like the other pages: reads through editor/campaigns/selectors.py (scoped to the user's teams,
so another team's campaign is a 404), writes through the services. Viewers see everything and
change nothing (the write views answer 404 to them, like the credentials pages do for non-owners).
Every input goes through a form of editor/campaigns/forms.py; a refused one is shown again (400)
with its errors beside the fields.

The wizard: 1. flow version and credential (creates the draft) → 2. contacts upload (preview
through the API, the report after import) → 3. schedule and pace, with the plain-words summary →
4. review → start.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone as dj_timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from editor.accounts import selectors as account_selectors
from editor.accounts.permissions import Role
from editor.calls import selectors as call_selectors
from editor.campaigns import clock
from editor.campaigns.api.campaigns import results_response
from editor.campaigns.filters import DoNotCallFilters
from editor.campaigns.forms import (
    ContactsUploadForm,
    DncAddForm,
    DncImportForm,
    DncRemoveForm,
    ResultsFilterForm,
    ScheduleForm,
    SetupForm,
)
from editor.campaigns.models import Campaign, CampaignStatus, ContactStatus
from editor.campaigns.selectors import (
    calling_starts_now,
    campaigns_for_user,
    contacts_of,
    dnc_for_user,
    dnc_imports_for_user,
    dnc_listed,
    progress,
    readiness,
    summary,
    with_outcomes,
)
from editor.campaigns.services import campaigns as service
from editor.campaigns.services.contacts import import_report
from editor.campaigns.services.csvfile import BadFile
from editor.campaigns.services.dnc import dnc_add, dnc_remove
from editor.campaigns.services.dnc_imports import dnc_import_report, dnc_import_start
from editor.campaigns.services.imports import contacts_import_start
from editor.campaigns.window import pacing_summary, window_minutes, zone, zone_names
from editor.common import words
from editor.common.errors import ServiceError
from editor.common.forms import add_service_error
from editor.flowcore import contact_variables_used
from editor.flows import selectors as flow_selectors

PAGE_SIZE = 50
EDIT_ROLES = (Role.OWNER, Role.EDITOR)
STATUS_CLASSES = {
    "draft": "text-bg-light border", "scheduled": "text-bg-info", "running": "text-bg-primary",
    "paused": "text-bg-warning", "completed": "text-bg-success", "cancelled": "text-bg-secondary",
    "pending": "text-bg-light border", "calling": "text-bg-info", "accepted": "text-bg-success",
    "failed": "text-bg-danger", "unknown": "text-bg-warning", "do_not_call": "text-bg-dark",
    "not_called": "text-bg-secondary",
}


def _can_edit(campaign: Campaign) -> bool:
    return getattr(campaign, "user_role", None) in EDIT_ROLES


def _campaign(request: HttpRequest, campaign_id: int, *, edit: bool = False) -> Campaign:
    campaign = get_object_or_404(campaigns_for_user(user=request.user), pk=campaign_id)
    if edit and not _can_edit(campaign):
        raise Http404("Viewers cannot change campaigns.")
    return campaign


def _edit_teams(user) -> list:
    teams = []
    for team in account_selectors.teams_for_user(user=user):
        membership = account_selectors.membership_for(user=user, team=team)
        if membership and membership.role in EDIT_ROLES:
            teams.append(team)
    return teams


# --- list ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    open_states = (ContactStatus.PENDING, ContactStatus.CALLING)
    campaigns = list(campaigns_for_user(user=request.user).annotate(
        total=Count("contacts"), done=Count("contacts", filter=~Q(contacts__status__in=open_states)),
    ).order_by("-created_at", "-id")[:200])
    rows = [(c, round(100 * c.done / c.total, 1) if c.total else 0, STATUS_CLASSES[c.status]) for c in campaigns]
    return render(request, "campaigns/campaign_list.html", {
        "rows": rows, "can_create": bool(_edit_teams(request.user)), "status_classes": STATUS_CLASSES,
    })


# --- wizard step 1: flow version and credential ----------------------------------------------------------


def _versions_for(teams: list) -> list[Any]:
    return list(flow_selectors.published_versions_in(team_ids=[team.pk for team in teams]))


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    teams = _edit_teams(request.user)
    if not teams:
        raise Http404("Only editors and owners can create campaigns.")
    versions = _versions_for(teams)
    credentials = list(call_selectors.credentials_in(team_ids=[team.pk for team in teams]))
    form = SetupForm(request.POST or None, versions=versions, credentials=credentials,
                     initial={"name": f"Campaign {dj_timezone.localdate():%Y-%m-%d}"})
    if request.method == "POST" and form.is_valid():
        version = form.versions[form.cleaned_data["version"]]
        team = next(t for t in teams if t.pk == version.flow.team_id)
        try:
            campaign = service.campaign_create(team=team, user=request.user, name=form.cleaned_data["name"],
                                               flow_version=version,
                                               credential=form.credentials[form.cleaned_data["credential"]])
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            return redirect("campaign_contacts", campaign.pk)
    return render(request, "campaigns/wizard_setup.html", {
        "form": form, "step": 1, "has_versions": bool(versions), "has_credentials": bool(credentials),
    }, status=400 if form.errors else 200)


# --- wizard step 2: contacts -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def campaign_contacts(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, edit=True)
    form = ContactsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            contacts_import_start(campaign=campaign, upload=upload, user=request.user, filename=upload.name,
                                  number_column=form.cleaned_data["number_column"] or None,
                                  has_header=form.cleaned_data["has_header"])
        except ServiceError as exc:
            add_service_error(form, exc, field="file" if isinstance(exc, BadFile) else None)
        else:
            return redirect("campaign_contacts", campaign.pk)
    last = campaign.imports.first()
    return render(request, "campaigns/wizard_contacts.html", {
        "campaign": campaign, "step": 2, "form": form, "report": import_report(last) if last else None,
        "ask_header": bool(form.errors.get("has_header")) or bool(form.data.get("has_header")),
        "contact_count": campaign.contacts.count(), "readiness": readiness(campaign),
        "uses": sorted(contact_variables_used(campaign.flow_version.document) - {"number"}),
    }, status=400 if form.errors else 200)


# --- wizard step 3: schedule and pace ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def campaign_schedule(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, edit=True)
    tz = zone(campaign.timezone)
    initial = {
        "timezone": campaign.timezone, "window_start": campaign.window_start, "window_end": campaign.window_end,
        "weekdays": campaign.weekdays, "calls_per_minute": campaign.calls_per_minute,
        "max_attempts": campaign.max_attempts, "retry_delay_minutes": campaign.retry_delay_seconds // 60,
        "starts_at": campaign.starts_at.astimezone(tz).replace(tzinfo=None) if campaign.starts_at else None,
        "ends_at": campaign.ends_at.astimezone(tz).replace(tzinfo=None) if campaign.ends_at else None,
    }
    form = ScheduleForm(request.POST or None, initial=initial)
    chosen = request.POST.get("timezone", "") if request.method == "POST" else ""
    with dj_timezone.override(zone(chosen if chosen in zone_names() else campaign.timezone)):
        valid = request.method == "POST" and form.is_valid()  # start and end are read in the chosen zone
    if valid:
        data = form.cleaned_data
        try:
            service.campaign_update(
                campaign=campaign, timezone=data["timezone"], starts_at=data["starts_at"], ends_at=data["ends_at"],
                window_start=data["window_start"], window_end=data["window_end"], weekdays=data["weekdays"],
                calls_per_minute=data["calls_per_minute"], max_attempts=data["max_attempts"],
                retry_delay_seconds=data["retry_delay_minutes"] * 60,
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            if campaign.status == CampaignStatus.DRAFT:
                return redirect("campaign_review", campaign.pk)
            messages.success(request, "Schedule and pace saved.")
            return redirect("campaign_detail", campaign.pk)
    contacts = campaign.contacts.filter(status__in=(ContactStatus.PENDING, ContactStatus.CALLING)).count()
    return render(request, "campaigns/wizard_schedule.html", {
        "campaign": campaign, "step": 3, "form": form, "contacts": contacts,
        "summary": _schedule_summary(form, campaign, contacts), "max_rate": service.MAX_CALLS_PER_MINUTE,
    }, status=400 if form.errors else 200)


def _schedule_summary(form: ScheduleForm, campaign: Campaign, contacts: int) -> str:
    """The plan in words for what the form holds: a refused form's valid values, never the saved ones
    it is about to replace, and no figure for a field that holds none."""
    if not form.is_bound:
        return summary(campaign, contacts)
    data = form.cleaned_data
    return pacing_summary(
        contacts=contacts, calls_per_minute=data.get("calls_per_minute"),
        start=data.get("window_start", campaign.window_start), end=data.get("window_end", campaign.window_end),
        weekdays=data.get("weekdays", campaign.weekdays),
    )


# --- wizard step 4: review and start -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def campaign_review(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, edit=True)
    refused = ""
    if request.method == "POST":
        try:
            campaign = service.campaign_start(campaign=campaign)
        except ServiceError as exc:
            refused = exc.message
        else:
            word = "is running" if campaign.status == CampaignStatus.RUNNING else "is scheduled"
            messages.success(request, f"“{campaign.name}” {word}.")
            return redirect("campaign_detail", campaign.pk)
    contacts = campaign.contacts.filter(status=ContactStatus.PENDING).count()
    return render(request, "campaigns/wizard_review.html", {
        "campaign": campaign, "step": 4, "contacts": contacts, "summary": summary(campaign, contacts),
        "readiness": readiness(campaign), "last_import": campaign.imports.first(),
        "window_hours": window_minutes(campaign.window_start, campaign.window_end) / 60,
        "all_day": campaign.window_start == campaign.window_end,
        "retry_words": words.duration(campaign.retry_delay_seconds) if campaign.retry_delay_seconds else "no wait",
        "refused": refused, "calling_starts": "" if campaign.starts_at else calling_starts_now(campaign),
    }, status=400 if refused else 200)


# --- the campaign page -----------------------------------------------------------------------------------


@login_required
@require_GET
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    filter_form = ResultsFilterForm(request.GET)
    filters = filter_form.filters()
    page = Paginator(contacts_of(campaign, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_outcomes(list(page.object_list))
    shown = {name: request.GET.get(name, "") for name in ("status", "number", "answered", "reached", "pressed")}
    query = urlencode({k: v for k, v in shown.items() if v})
    payload = _progress_payload(campaign)
    return render(request, "campaigns/campaign_detail.html", {
        "campaign": campaign, "progress": payload, "progress_json": payload, "summary": summary(campaign),
        "readiness": readiness(campaign), "page": page, "filters": shown, "filter_errors": filter_form.errors,
        "query": query, "statuses": ContactStatus.choices, "can_edit": _can_edit(campaign),
        "status_class": STATUS_CLASSES[campaign.status],
        "live": campaign.status in (CampaignStatus.SCHEDULED, CampaignStatus.RUNNING, CampaignStatus.PAUSED),
        "progress_url": reverse("campaign_progress", args=[campaign.pk]),
    })


@never_cache
@login_required
@require_GET
def campaign_progress(request: HttpRequest, campaign_id: int) -> JsonResponse:
    """What the campaign page polls for its live figures."""
    return JsonResponse(_progress_payload(_campaign(request, campaign_id)))


def _progress_payload(campaign: Campaign) -> dict[str, Any]:
    data = progress(campaign)
    return {
        "status": campaign.status, "status_label": campaign.get_status_display(),
        "status_reason": campaign.status_reason, "counts": data["counts"],
        "labels": dict(ContactStatus.choices), "total": data["total"], "done": data["done"],
        "percent": data["percent"], "rate_per_minute": data["rate_per_minute"],
        "time_left": data["time_left"],
        "estimated_finish": _local(data["estimated_finish"], campaign.timezone),
        "next_window": _local(data["next_window"], campaign.timezone),
        "calling_starts": data["calling_starts"],
        "now": _local(clock.now(), campaign.timezone),
    }


def _local(moment: datetime | None, zone_name: str) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(zone(zone_name)).strftime("%a %d %b %H:%M")


@login_required
@require_POST
def campaign_action(request: HttpRequest, campaign_id: int, verb: str) -> HttpResponse:
    campaign = _campaign(request, campaign_id, edit=True)
    actions = {"pause": service.campaign_pause, "resume": service.campaign_resume, "cancel": service.campaign_cancel,
               "start": service.campaign_start}
    if verb not in actions:
        raise Http404
    try:
        campaign = actions[verb](campaign=campaign)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The campaign is {campaign.get_status_display().lower()}.")
    return redirect("campaign_detail", campaign.pk)


@login_required
@require_POST
def campaign_delete_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, edit=True)
    try:
        service.campaign_delete(campaign=campaign)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("campaign_detail", campaign.pk)
    messages.success(request, f"Campaign “{campaign.name}” deleted. Its calls keep their history.")
    return redirect("campaign_list")


@login_required
@require_GET
def campaign_results(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The results as CSV, filtered as the table is (the page's export link carries its filters); a
    malformed filter goes back to the page, which says what is wrong with it."""
    campaign = _campaign(request, campaign_id)
    filter_form = ResultsFilterForm(request.GET)
    if not filter_form.is_valid():
        response = redirect("campaign_detail", campaign.pk)
        response["Location"] += "?" + request.GET.urlencode()
        return response
    return results_response(campaign, filter_form.filters())


# --- do-not-call ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dnc_list(request: HttpRequest) -> HttpResponse:
    """The list, with its add, import and remove forms (one URL; ``action`` says which was sent)."""
    teams = _edit_teams(request.user)
    forms = {"add": DncAddForm(teams=teams), "import": DncImportForm(teams=teams), "remove": DncRemoveForm()}
    if request.method == "POST":
        if not teams:
            raise Http404("Viewers cannot change the do-not-call list.")
        action = request.POST.get("action")
        if action == "import":
            form = forms["import"] = DncImportForm(request.POST, request.FILES, teams=teams)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    dnc_import_start(team=form.chosen_team(), upload=data["file"], region=data["region"],
                                     user=request.user, number_column=data["number_column"] or None,
                                     filename=data["file"].name)
                except ServiceError as exc:
                    add_service_error(form, exc, field="file" if isinstance(exc, BadFile) else None)
                else:
                    return redirect("dnc_list")
        elif action == "remove":
            form = forms["remove"] = DncRemoveForm(request.POST)
            if form.is_valid():
                entry = get_object_or_404(dnc_for_user(user=request.user).filter(team__in=teams),
                                          pk=form.cleaned_data["entry"])
                dnc_remove(entry=entry)
                messages.success(request, f"{entry.number} removed from the do-not-call list.")
                return redirect("dnc_list")
        else:
            form = forms["add"] = DncAddForm(request.POST, teams=teams)
            if form.is_valid():
                team, data = form.chosen_team(), form.cleaned_data
                try:
                    entry = dnc_add(team=team, number=data["number"], region=data["region"], user=request.user,
                                    note=data["note"])
                except ServiceError as exc:
                    add_service_error(form, exc)
                else:
                    messages.success(request, f"{entry.number} will never be called by {team.name}'s campaigns.")
                    return redirect("dnc_list")
    filters = DoNotCallFilters(request.GET)
    search = filters.cleaned_data["search"] if filters.is_valid() else ""
    if filters.errors:
        messages.error(request, filters.errors_text())
    page = Paginator(dnc_listed(user=request.user, search=search), PAGE_SIZE).get_page(request.GET.get("page"))
    last = dnc_imports_for_user(user=request.user).first()
    return render(request, "campaigns/dnc_list.html", {
        "page": page, "search": search, "query": urlencode({"search": search}) if search else "",
        "teams": teams, "can_edit": bool(teams), "report": dnc_import_report(last) if last else None,
        "add_form": forms["add"], "import_form": forms["import"], "remove_form": forms["remove"],
        "show_team": len(account_selectors.teams_for_user(user=request.user)) > 1,
    }, status=400 if any(f.errors for f in forms.values()) else 200)
