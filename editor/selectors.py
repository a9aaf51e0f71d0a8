"""Reads, always scoped to the teams a user belongs to."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from editor.models import Flow, FlowVersion, Membership, Team


def teams_for_user(*, user: AbstractBaseUser) -> QuerySet[Team]:
    return Team.objects.filter(memberships__user=user).distinct()


def membership_for(*, user: AbstractBaseUser, team: Team | int) -> Membership | None:
    team_id = team.pk if isinstance(team, Team) else team
    return Membership.objects.filter(user=user, team_id=team_id).first()


def flows_for_user(*, user: AbstractBaseUser, include_archived: bool = False) -> QuerySet[Flow]:
    qs = Flow.objects.filter(team__memberships__user=user)
    if not include_archived:
        qs = qs.filter(is_archived=False)
    return qs


def versions_for_flow(*, flow: Flow) -> QuerySet[FlowVersion]:
    return flow.versions.order_by("-number")


def latest_version(*, flow: Flow) -> FlowVersion | None:
    return flow.versions.order_by("-number").first()
