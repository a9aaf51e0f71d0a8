"""Admin for flow tests (issue 7): saved scenarios and per-flow test settings."""

from __future__ import annotations

from django.contrib import admin

from editor.models import FlowScenario, FlowTestSettings


@admin.register(FlowScenario)
class FlowScenarioAdmin(admin.ModelAdmin):
    list_display = ["name", "flow", "generated", "updated_at"]
    list_filter = ["generated"]
    search_fields = ["name", "flow__name"]
    raw_id_fields = ["flow"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    list_select_related = ["flow"]


@admin.register(FlowTestSettings)
class FlowTestSettingsAdmin(admin.ModelAdmin):
    list_display = ["flow", "scenario_failures_block_publish", "updated_at"]
    list_filter = ["scenario_failures_block_publish"]
    raw_id_fields = ["flow"]
    list_select_related = ["flow"]
