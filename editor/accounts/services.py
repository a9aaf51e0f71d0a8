"""Writes to team memberships and API tokens.

Only owners manage members. A team always keeps at least one owner: the owner rows are locked
(``select_for_update``) before a demotion or removal is checked, so two owners demoting each
other at the same moment cannot leave the team without one.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token

from editor.accounts.models import Membership, Role, Team
from editor.common.errors import PermissionDenied, ServiceError

OWNER_ONLY = "Only team owners can manage members."


class MemberError(ServiceError):
    code = "member_error"


class LastOwner(ServiceError):
    status_code = 409
    code = "last_owner"

    def __init__(self) -> None:
        super().__init__("A team needs at least one owner. Make someone else an owner first.")


def _check_owner(*, team: Team, actor: AbstractBaseUser) -> None:
    if not Membership.objects.filter(team=team, user=actor, role=Role.OWNER).exists():
        raise PermissionDenied(OWNER_ONLY)


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise MemberError(f"Unknown role {role!r}: choose owner, editor or viewer.")


def _find_user(identifier: str) -> AbstractBaseUser:
    identifier = identifier.strip()
    if not identifier:
        raise MemberError("Enter a username or an e-mail address.")
    users = get_user_model().objects.filter(is_active=True)
    found = list(users.filter(username__iexact=identifier)[:2])
    if len(found) != 1 and "@" in identifier:
        found = list(users.filter(email__iexact=identifier)[:2])
        if len(found) > 1:
            raise MemberError(f"Several accounts use {identifier}: add the person by username instead.")
    if len(found) != 1:
        raise MemberError(f"There is no account named {identifier}. An administrator can create one; then add it here.")
    return found[0]


def _keeps_an_owner(*, membership: Membership) -> None:
    """Raise LastOwner when ``membership`` is the team's only owner. Call inside a transaction."""
    owners = list(
        Membership.objects.select_for_update()
        .filter(team_id=membership.team_id, role=Role.OWNER)
        .values_list("pk", flat=True)
    )
    if owners == [membership.pk]:
        raise LastOwner()


@transaction.atomic
def member_add(*, team: Team, actor: AbstractBaseUser, identifier: str, role: str = Role.EDITOR) -> Membership:
    """Add an existing account (by username or e-mail) to the team with a role."""
    _check_owner(team=team, actor=actor)
    _check_role(role)
    user = _find_user(identifier)
    if Membership.objects.filter(team=team, user=user).exists():
        raise MemberError(f"{user.get_username()} is already a member of {team.name}.")
    try:
        with transaction.atomic():
            return Membership.objects.create(team=team, user=user, role=role)
    except IntegrityError:  # added by someone else a moment ago
        raise MemberError(f"{user.get_username()} is already a member of {team.name}.")


@transaction.atomic
def member_change_role(*, membership: Membership, actor: AbstractBaseUser, role: str) -> Membership:
    _check_owner(team=membership.team, actor=actor)
    _check_role(role)
    if role != Role.OWNER:
        _keeps_an_owner(membership=membership)
    Membership.objects.filter(pk=membership.pk).update(role=role)
    membership.role = role
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, actor: AbstractBaseUser) -> None:
    """Remove a member (owners may remove themselves too, unless they are the last owner)."""
    _check_owner(team=membership.team, actor=actor)
    _keeps_an_owner(membership=membership)
    Membership.objects.filter(pk=membership.pk).delete()


@transaction.atomic
def token_regenerate(*, user: AbstractBaseUser) -> Token:
    """Replace the user's API token with a new one; the old key stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)
