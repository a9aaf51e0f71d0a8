"""Team roles in the API: every member reads, editors and owners write, owners manage members.

Objects outside the user's teams never get here: every queryset comes from a selector scoped to
the user's teams, so they are 404 before any permission is checked.
"""

from __future__ import annotations

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from editor.models import Role, Team
from editor.selectors import membership_for

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
