"""Admin for credentials (token write-only) and calls (read-only history)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.debug import sensitive_post_parameters

from editor.calls.models import Call, CallAttempt, Credential
from editor.calls.samespace import check_base_url, redact
from editor.common.admin import ReadOnlyAdminMixin
from editor.common.words import readable_json


class CredentialAdminForm(forms.ModelForm):
    auth_token = forms.CharField(
        required=False,
        max_length=4000,
        # render_value=False: the stored token is never put back into the page.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Write-only. Stored encrypted; leave empty to keep the current token.",
    )
    base_url = forms.CharField(max_length=500, help_text="https on an allowed Samespace host.")

    class Meta:
        model = Credential
        fields = ["team", "name", "cloud_id", "auth_token", "base_url", "send_events"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["auth_token"].required = True
            self.fields["auth_token"].help_text = "Write-only. Stored encrypted."

    def clean_base_url(self) -> str:
        url = self.cleaned_data["base_url"]
        problem = check_base_url(url)
        if problem:
            raise forms.ValidationError(problem)
        return url

    def save(self, commit: bool = True) -> Credential:
        credential = super().save(commit=False)
        token = self.cleaned_data.get("auth_token")
        if token:
            credential.set_token(token.strip())
        if commit:
            credential.save()
        return credential


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    form = CredentialAdminForm
    list_display = ["name", "team", "cloud_id", "masked", "base_url", "rejected_at", "updated_at"]
    list_filter = ["team"]
    search_fields = ["name", "cloud_id", "team__name"]
    list_select_related = ["team"]
    readonly_fields = ["masked", "rejected_at", "created_by", "created_at", "updated_at"]

    @admin.display(description="Auth token")
    def masked(self, obj: Credential) -> str:
        return obj.masked_token

    @method_decorator(sensitive_post_parameters("auth_token"))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class CallAttemptInline(admin.TabularInline):
    model = CallAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "duration_ms", "outcome", "status_code", "error", "retry_in", "body"]
    readonly_fields = fields

    @admin.display(description="Body")
    def body(self, obj: CallAttempt) -> str:
        return format_html("<pre>{}</pre>", readable_json(obj.body_excerpt))

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Call)
class CallAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Calls are history: nothing here changes or deletes them (use "call again" in the site)."""

    list_display = ["id", "number", "team", "flow_name", "status", "attempt_count", "response_status", "created_at"]
    list_filter = ["status", "team"]
    search_fields = ["number", "idempotency_key", "samespace_call_id", "flow_version__flow__name"]
    list_select_related = ["team", "flow_version__flow"]
    date_hierarchy = "created_at"
    inlines = [CallAttemptInline]
    fields = ["team", "flow_version", "credential", "number", "status", "error", "attempt_count", "not_before",
              "idempotency_key", "samespace_call_id", "response_status", "response_body", "payload", "variables",
              "retry_of", "created_by", "created_at", "claimed_at", "finished_at", "updated_at"]
    readonly_fields = fields

    @admin.display(description="Flow", ordering="flow_version__flow__name")
    def flow_name(self, obj: Call) -> str:
        return f"{obj.flow_version.flow.name} v{obj.flow_version.number}"

    @admin.display(description="Request payload (token redacted)")
    def payload(self, obj: Call) -> str:
        return format_html("<pre style='max-height:30em;overflow:auto'>{}</pre>",
                           readable_json(redact(obj.request_payload or {})))
