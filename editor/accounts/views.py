"""Account pages: sign in and out, passwords, the API token, and team members.

Views stay thin: reads are scoped to the user's teams (another team is a 404), writes go
through editor/accounts/services.py. A refused form is shown again with its errors beside the
fields (editor/accounts/forms.py, editor/common/forms.py).
"""

from __future__ import annotations

import math
from datetime import timedelta

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_GET, require_POST
from rest_framework.authtoken.models import Token

from editor.accounts import services as team_services
from editor.accounts.forms import MemberAddForm, RoleForm
from editor.accounts.models import Membership, Role, Team
from editor.accounts.reset_limits import ResetRateLimitMixin
from editor.accounts.selectors import membership_for, teams_for_user
from editor.common.api.errors import error_body
from editor.common.errors import ServiceError
from editor.common.forms import add_service_error, bootstrap

# Owners first, then editors, then viewers; by name within a role.
ROLE_ORDER = Case(
    When(role=Role.OWNER, then=Value(0)),
    When(role=Role.EDITOR, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


class BootstrapFormMixin:
    """Django's auth views: their forms get the site's input classes (editor/common/forms.py)."""

    def get_form(self, form_class=None):
        return bootstrap(super().get_form(form_class))


# --- sign in, sign out, passwords ------------------------------------------------


class LoginView(BootstrapFormMixin, auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are signed out.")
        return response


class PasswordChangeView(BootstrapFormMixin, auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("account_settings")

    def form_valid(self, form):
        messages.success(self.request, "Your password was changed.")
        return super().form_valid(form)


class PasswordResetView(ResetRateLimitMixin, BootstrapFormMixin, auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(BootstrapFormMixin, auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"

    def form_valid(self, form):
        # A new password ends a sign-in lockout for this account (the lockout page points here).
        axes_reset(username=self.user.get_username())
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


def _minutes(delta: timedelta | None) -> str:
    if not delta:
        return ""
    minutes = max(1, math.ceil(delta.total_seconds() / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer once an account is locked: a page in the site's look (JSON for programs)."""
    username = get_client_username(request, credentials) or ""
    cool_off = get_cool_off(request)
    wait = _minutes(cool_off)
    message = "Too many failed sign-in attempts. " + (
        f"Try again in about {wait}." if wait else "Ask an administrator to unlock the account."
    )
    if request.path.startswith("/api/") or request.headers.get("x-requested-with") == "XMLHttpRequest":
        extra = {"retry_after": int(cool_off.total_seconds())} if cool_off else {}
        return JsonResponse(error_body(message, "locked_out", extra), status=429)
    context = {
        "username": username,
        "failure_limit": get_failure_limit(request, credentials),
        "wait": wait,
    }
    return render(request, "registration/lockout.html", context, status=429)


# --- settings: profile and API token ---------------------------------------------


@login_required
@require_GET
def account_settings(request: HttpRequest) -> HttpResponse:
    token = Token.objects.filter(user=request.user).first()
    memberships = Membership.objects.filter(user=request.user).select_related("team").order_by("team__name")
    return render(
        request,
        "accounts/settings.html",
        {"token": token, "memberships": memberships, "api_docs_url": reverse("api-docs")},
    )


@login_required
@require_POST
def token_regenerate(request: HttpRequest) -> HttpResponse:
    had_token = Token.objects.filter(user=request.user).exists()
    team_services.token_regenerate(user=request.user)
    if had_token:
        messages.success(request, "A new API token was created. The old one no longer works.")
    else:
        messages.success(request, "Your API token was created.")
    return redirect("account_settings")


# --- teams and members ------------------------------------------------------------


def _team_for(request: HttpRequest, slug: str) -> Team:
    return get_object_or_404(teams_for_user(user=request.user), slug=slug)


@login_required
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    memberships = list(Membership.objects.filter(user=request.user).select_related("team").order_by("team__name"))
    if len(memberships) == 1:
        return redirect("team_detail", slug=memberships[0].team.slug)
    return render(request, "accounts/team_list.html", {"memberships": memberships})


def _render_team(
    request: HttpRequest,
    team: Team,
    *,
    add_form: MemberAddForm | None = None,
    role_form: tuple[int, RoleForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The team page; a refused add form or one member's refused role form is shown as posted."""
    mine = membership_for(user=request.user, team=team)
    is_owner = bool(mine and mine.can_manage)
    members = list(
        team.memberships.select_related("user").annotate(order=ROLE_ORDER).order_by("order", "user__username")
    )
    refused_id, refused_form = role_form or (None, None)
    rows = [
        (m, refused_form if m.pk == refused_id else RoleForm(membership=m) if is_owner else None) for m in members
    ]
    context = {
        "team": team,
        "mine": mine,
        "is_owner": is_owner,
        "members": members,
        "rows": rows,
        "owner_count": sum(1 for m in members if m.role == Role.OWNER),
        "add_form": add_form or MemberAddForm(),
    }
    return render(request, "accounts/team_detail.html", context, status=status)


@login_required
@require_GET
def team_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_team(request, _team_for(request, slug))


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "accounts/error.html", {"title": "Not allowed", "message": message}, status=403)


@login_required
@require_POST
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    team = _team_for(request, slug)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            data = form.cleaned_data
            membership = team_services.member_add(
                team=team, actor=request.user, identifier=data["identifier"], role=data["role"]
            )
        except ServiceError as exc:
            if exc.status_code == 403:
                return _forbidden(request, exc.message)
            add_service_error(form, exc, field="identifier")
        else:
            username, role = membership.user.get_username(), membership.get_role_display().lower()
            messages.success(request, f"{username} joined {team.name} as {role}.")
            return redirect("team_detail", slug=team.slug)
    return _render_team(request, team, add_form=form, status=400)


def _membership_for(team: Team, membership_id: int) -> Membership:
    return get_object_or_404(team.memberships.select_related("user", "team"), pk=membership_id)


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    team = _team_for(request, slug)
    membership = _membership_for(team, membership_id)
    form = RoleForm(request.POST, membership=membership)
    if form.is_valid():
        try:
            team_services.member_change_role(membership=membership, actor=request.user, role=form.cleaned_data["role"])
        except ServiceError as exc:
            if exc.status_code == 403:
                return _forbidden(request, exc.message)
            add_service_error(form, exc, field="role")
        else:
            username, role = membership.user.get_username(), membership.get_role_display().lower()
            messages.success(request, f"{username} is now {role}.")
            return redirect("team_detail", slug=team.slug)
    return _render_team(request, team, role_form=(membership.pk, form), status=400)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    team = _team_for(request, slug)
    membership = _membership_for(team, membership_id)
    try:
        team_services.member_remove(membership=membership, actor=request.user)
    except ServiceError as exc:
        if exc.status_code == 403:
            return _forbidden(request, exc.message)
        messages.error(request, exc.message)
        return redirect("team_detail", slug=team.slug)
    if membership.user_id == request.user.pk:
        messages.success(request, f"You left {team.name}.")
        return redirect("team_list")
    messages.success(request, f"{membership.user.get_username()} was removed from {team.name}.")
    return redirect("team_detail", slug=team.slug)
