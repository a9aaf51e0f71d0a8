"""Team roles in the API: every member reads, editors and owners write, owners manage members.

Used by the API of every app, with ``TeamChoiceMixin`` (the team a new object goes to).

Objects outside the user's teams never get here: every queryset comes from a selector scoped to
the user's teams, so they are 404 before any permission is checked.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated

from editor.accounts.models import Role, Team
from editor.accounts.selectors import membership_for, teams_for_user

__all__ = ["EDIT_ROLES", "VIEWER_MESSAGE", "Role", "TeamChoiceMixin", "TeamRolePermission", "TeamScopedApiMixin",
           "require_edit_role", "role_of"]

EDIT_ROLES = frozenset({Role.OWNER, Role.EDITOR})
VIEWER_MESSAGE = "Viewers can look at flows but not change them. Ask a team owner for the editor role."


def role_of(user, obj) -> str | None:
    """The user's role in the object's team: from the queryset's ``user_role`` annotation when present."""
    role = getattr(obj, "user_role", None)
    if role is None:
        membership = membership_for(user=user, team=obj.team_id)
        role = membership.role if membership else None
    return role


def require_edit_role(user, team: Team) -> None:
    membership = membership_for(user=user, team=team)
    if membership is None or membership.role not in EDIT_ROLES:
        raise PermissionDenied(VIEWER_MESSAGE)


class TeamRolePermission(BasePermission):
    """Object level: reads (safe methods and the view's ``read_actions``) for every member, writes for editors."""

    message = VIEWER_MESSAGE

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS or getattr(view, "action", None) in getattr(view, "read_actions", ()):
            return True
        return role_of(request.user, obj) in EDIT_ROLES


class TeamChoiceMixin(serializers.Serializer):
    """A ``team`` among the user's teams; when left out, the user's only team."""

    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.none(),
        required=False,
        help_text="Team id. Optional when you belong to exactly one team.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["team"].queryset = teams_for_user(user=request.user)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if attrs.get("team") is None:
            teams = list(self.fields["team"].queryset[:2])
            if not teams:
                raise serializers.ValidationError({"team": ["You are not a member of any team yet."]})
            if len(teams) > 1:
                raise serializers.ValidationError({"team": ["You belong to several teams: choose one."]})
            attrs["team"] = teams[0]
        return attrs


# The permissions of every API view over team objects: signed in, and the role rules above (each
# view scopes its queryset to the user's teams). A comment, not a docstring: drf-spectacular would
# show a docstring as the description of every endpoint.
class TeamScopedApiMixin:
    permission_classes = [IsAuthenticated, TeamRolePermission]
