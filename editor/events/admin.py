"""The admin of call events (read-only: they are what Samespace sent), outcomes and counts."""

from __future__ import annotations

from django.contrib import admin

from editor.events.models import CallEvent, CallOutcome, StepCount


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CallEvent)
class CallEventAdmin(ReadOnlyAdmin):
    list_display = ["call", "kind", "step_id", "occurred_at", "received_at"]
    list_filter = ["kind"]
    raw_id_fields = ["call"]


@admin.register(CallOutcome)
class CallOutcomeAdmin(ReadOnlyAdmin):
    list_display = ["call", "answered", "end_reason", "end_step", "event_count", "updated_at"]
    raw_id_fields = ["call"]
    exclude = ["applied"]


@admin.register(StepCount)
class StepCountAdmin(ReadOnlyAdmin):
    list_display = ["flow_version", "day", "step_id", "branch", "reached", "ended"]
