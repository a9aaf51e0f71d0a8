"""Admin pieces shared by the apps."""

from __future__ import annotations

from django.http import HttpRequest


class NoAddOrChangeAdminMixin:
    """Rows that only the application writes (imported contacts, import reports): shown and deletable."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyAdminMixin(NoAddOrChangeAdminMixin):
    """A record kept as history (published versions, calls): shown, never added, changed or deleted."""

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
