"""Reads about teams and memberships."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import OuterRef, QuerySet, Subquery

from editor.accounts.models import Membership, Team


def teams_for_user(*, user: AbstractBaseUser) -> QuerySet[Team]:
    return Team.objects.filter(memberships__user=user).distinct()


def membership_for(*, user: AbstractBaseUser, team: Team | int) -> Membership | None:
    team_id = team.pk if isinstance(team, Team) else team
    return Membership.objects.filter(user=user, team_id=team_id).first()


def role_subquery(*, user: AbstractBaseUser, team_ref: OuterRef | str = "team_id") -> Subquery:
    """The user's role in the team of each row (``.annotate(user_role=role_subquery(...))``)."""
    ref = team_ref if isinstance(team_ref, OuterRef) else OuterRef(team_ref)
    return Subquery(Membership.objects.filter(team_id=ref, user=user).values("role")[:1])
