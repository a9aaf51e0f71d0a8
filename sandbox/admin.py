from django.contrib import admin

from sandbox.models import SandboxRequest


@admin.register(SandboxRequest)
class SandboxRequestAdmin(admin.ModelAdmin):
    """What the sandbox received (read-only; tokens were redacted on arrival)."""

    list_display = ["received_at", "number", "status", "fault", "idempotency_key", "call_id", "duration_ms"]
    list_filter = ["status", "fault"]
    search_fields = ["number", "idempotency_key", "call_id"]
    readonly_fields = [f.name for f in SandboxRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
