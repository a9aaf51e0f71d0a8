from __future__ import annotations

import io
import json
import zipfile

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify

from editor.common.admin import ReadOnlyAdminMixin
from editor.common.words import readable_json
from editor.flows.models import Flow, FlowScenario, FlowTestSettings, FlowVersion
from editor.flows.services.flows import flow_export


def _download_payloads(items: list[tuple[str, dict]]) -> HttpResponse:
    """One JSON file for one item, a zip of JSON files for several."""
    if len(items) == 1:
        name, document = items[0]
        text = json.dumps(flow_export(document=document), indent=2, ensure_ascii=False)
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "flow"}.json"'
        return response
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, document) in enumerate(items, start=1):
            filename = f"{index:03d}-{slugify(name) or 'flow'}.json"
            archive.writestr(filename, json.dumps(flow_export(document=document), indent=2, ensure_ascii=False))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="flows.zip"'
    return response


def _diagnostics_html(diagnostics: list[dict]) -> str:
    if not diagnostics:
        return format_html("<strong>{}</strong>", "No problems found.")
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        ((d["severity"], d["code"], d["step"] or "-", d["field"] or "-", d["message"]) for d in diagnostics),
    )
    return format_html(
        "<table><thead><tr><th>Severity</th><th>Code</th><th>Step</th><th>Field</th><th>What is wrong</th></tr>"
        "</thead><tbody>{}</tbody></table>",
        rows,
    )


class ValidityFilter(admin.SimpleListFilter):
    title = "validation status"
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("valid", "Valid"), ("warnings", "Valid with warnings"), ("errors", "Has errors")]

    def queryset(self, request, queryset):
        if self.value() == "valid":
            return queryset.filter(error_count=0, warning_count=0)
        if self.value() == "warnings":
            return queryset.filter(error_count=0, warning_count__gt=0)
        if self.value() == "errors":
            return queryset.filter(error_count__gt=0)
        return queryset


@admin.register(Flow)
class FlowAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "validation_status", "steps", "revision", "is_archived", "updated_at"]
    list_filter = [ValidityFilter, "team", "is_archived"]
    search_fields = ["name", "description"]
    list_select_related = ["team"]
    fields = ["team", "name", "description", "is_archived", "revision", "problems", "document_json",
              "created_by", "updated_by", "created_at", "updated_at"]
    readonly_fields = ["revision", "problems", "document_json", "created_by", "updated_by", "created_at", "updated_at"]
    actions = ["download_samespace_json"]

    @admin.display(description="Validation", ordering="error_count")
    def validation_status(self, obj: Flow) -> str:
        if obj.error_count:
            return format_html('<span style="color:#b42318">✖ {} error(s)</span>', obj.error_count)
        if obj.warning_count:
            return format_html('<span style="color:#b54708">⚠ {} warning(s)</span>', obj.warning_count)
        return format_html('<span style="color:#067647">{}</span>', "✔ valid")

    @admin.display(description="Steps")
    def steps(self, obj: Flow) -> int:
        return obj.step_count

    @admin.display(description="Problems")
    def problems(self, obj: Flow) -> str:
        return _diagnostics_html(obj.diagnostics or [])

    @admin.display(description="Document (edit it in the flow editor)")
    def document_json(self, obj: Flow) -> str:
        return format_html("<pre style='max-height:30em;overflow:auto'>{}</pre>", readable_json(obj.document))

    @admin.action(description="Download the Samespace JSON")
    def download_samespace_json(self, request: HttpRequest, queryset) -> HttpResponse:
        return _download_payloads([(flow.name, flow.document) for flow in queryset])


@admin.register(FlowVersion)
class FlowVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Published versions are history: read-only, never added or deleted here."""

    list_display = ["flow", "number", "note", "created_by", "created_at"]
    list_filter = ["flow__team"]
    search_fields = ["flow__name", "note"]
    list_select_related = ["flow", "created_by"]
    fields = ["flow", "number", "note", "created_by", "created_at", "document_json"]
    readonly_fields = fields
    actions = ["download_samespace_json"]

    @admin.display(description="Document")
    def document_json(self, obj: FlowVersion) -> str:
        return format_html("<pre style='max-height:30em;overflow:auto'>{}</pre>", readable_json(obj.document))

    @admin.action(description="Download the Samespace JSON")
    def download_samespace_json(self, request: HttpRequest, queryset) -> HttpResponse:
        return _download_payloads([(f"{v.flow.name}-v{v.number}", v.document) for v in queryset])


# Flow tests: saved scenarios and per-flow test settings.


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
