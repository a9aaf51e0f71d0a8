"""Account pages: sign in and out, passwords, the API token, and team members.

Views stay thin: reads are scoped to the user's teams (another team is a 404), writes go
through editor/accounts/services.py, whose errors are shown as messages on the page.
"""

from __future__ import annotations

import math
from datetime import timedelta

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.utils import reset as axes_reset
from django import forms
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
from editor.accounts.models import Membership, Role, Team
from editor.accounts.reset_limits import ResetRateLimitMixin
from editor.accounts.selectors import membership_for, teams_for_user
from editor.common.api.errors import error_body
from editor.common.errors import ServiceError

# Owners first, then editors, then viewers; by name within a role.
ROLE_ORDER = Case(
    When(role=Role.OWNER, then=Value(0)),
    When(role=Role.EDITOR, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def bootstrap(form: forms.Form) -> forms.Form:
    """Give Django's auth forms Bootstrap's input classes (their widgets come without any)."""
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()
    return form


class BootstrapFormMixin:
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


class MemberAddForm(forms.Form):
    identifier = forms.CharField(
        label="Username or e-mail",
        max_length=254,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": "jane or jane@example.com", "autocomplete": "off"}
        ),
    )
    role = forms.ChoiceField(
        choices=Role.choices, initial=Role.EDITOR, widget=forms.Select(attrs={"class": "form-select"})
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


def _team_for(request: HttpRequest, slug: str) -> Team:
    return get_object_or_404(teams_for_user(user=request.user), slug=slug)


@login_required
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    memberships = list(Membership.objects.filter(user=request.user).select_related("team").order_by("team__name"))
    if len(memberships) == 1:
        return redirect("team_detail", slug=memberships[0].team.slug)
    return render(request, "accounts/team_list.html", {"memberships": memberships})


def _render_team(request: HttpRequest, team: Team, add_form: MemberAddForm | None = None, status: int = 200):
    mine = membership_for(user=request.user, team=team)
    members = team.memberships.select_related("user").annotate(order=ROLE_ORDER).order_by("order", "user__username")
    context = {
        "team": team,
        "mine": mine,
        "is_owner": bool(mine and mine.can_manage),
        "members": members,
        "owner_count": sum(1 for m in members if m.role == Role.OWNER),
        "add_form": add_form or MemberAddForm(),
        "roles": Role.choices,
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
    if not form.is_valid():
        return _render_team(request, team, form, status=400)
    try:
        membership = team_services.member_add(
            team=team, actor=request.user, identifier=form.cleaned_data["identifier"], role=form.cleaned_data["role"]
        )
    except ServiceError as exc:
        if exc.status_code == 403:
            return _forbidden(request, exc.message)
        form.add_error("identifier", exc.message)
        return _render_team(request, team, form, status=400)
    messages.success(
        request, f"{membership.user.get_username()} joined {team.name} as {membership.get_role_display().lower()}."
    )
    return redirect("team_detail", slug=team.slug)


def _membership_for(team: Team, membership_id: int) -> Membership:
    return get_object_or_404(team.memberships.select_related("user", "team"), pk=membership_id)


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    team = _team_for(request, slug)
    membership = _membership_for(team, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose owner, editor or viewer.")
        return redirect("team_detail", slug=team.slug)
    try:
        team_services.member_change_role(membership=membership, actor=request.user, role=form.cleaned_data["role"])
    except ServiceError as exc:
        if exc.status_code == 403:
            return _forbidden(request, exc.message)
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{membership.user.get_username()} is now {membership.get_role_display().lower()}.")
    return redirect("team_detail", slug=team.slug)


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
