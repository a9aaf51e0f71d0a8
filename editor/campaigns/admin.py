"""Admin for campaigns (progress column; pause / resume / cancel through the one state service),
their contacts and imports (read-only history), and the do-not-call list."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.html import format_html

from editor.campaigns.models import Campaign, CampaignContact, ContactImport, ContactStatus, DoNotCall
from editor.campaigns.services import campaigns as service
from editor.campaigns.services.dnc import dnc_add
from editor.campaigns.services.numbers import BadNumber, normalise_number
from editor.common.admin import NoAddOrChangeAdminMixin
from editor.common.errors import InvalidFields, ServiceError

OPEN = (ContactStatus.PENDING, ContactStatus.CALLING)


def _apply(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset, change, verb: str) -> None:
    done, refused = 0, []
    for campaign in queryset:
        try:
            change(campaign=campaign)
            done += 1
        except ServiceError as exc:
            refused.append(f"{campaign.name}: {exc.message}")
    if done:
        modeladmin.message_user(request, f"{done} campaign(s) {verb}.", messages.SUCCESS)
    for problem in refused:
        modeladmin.message_user(request, problem, messages.WARNING)


class CampaignAdminForm(forms.ModelForm):
    """Runs the service's field checks, so the admin refuses what the API and the pages refuse."""

    class Meta:
        model = Campaign
        fields = ["team", *service.EDITABLE_FIELDS]

    def clean(self) -> dict:
        data = super().clean()
        team = data.get("team") or getattr(self.instance, "team", None)
        if team is None:
            return data
        changed = {name: data[name] for name in service.EDITABLE_FIELDS if name in data and name in self.changed_data}
        try:
            service.check_fields(team, changed)
        except InvalidFields as exc:
            for name, problems in exc.extra["fields"].items():
                for problem in problems:
                    self.add_error(name if name in self.fields else None, problem)
        if self.instance.pk and self.instance.status != "draft":
            frozen = sorted(set(self.changed_data) - service.EDITABLE_WHEN_NOT_DRAFT)
            for name in frozen:
                self.add_error(name if name in self.fields else None, "Only a draft campaign can change this.")
        return data


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignAdminForm
    list_display = ["name", "team", "status", "progress", "calls_per_minute", "window", "created_at"]
    list_filter = ["status", "team"]
    search_fields = ["name", "team__name"]
    list_select_related = ["team", "flow_version__flow", "credential"]
    readonly_fields = ["status", "status_reason", "status_changed_at", "columns", "zones", "started_at",
                       "finished_at", "created_by", "created_at", "updated_at", "progress"]
    fields = ["team", "name", "flow_version", "credential", "timezone", "starts_at", "ends_at", "window_start",
              "window_end", "weekdays", "calls_per_minute", "max_attempts", "retry_delay_seconds", "default_region",
              "progress", "status", "status_reason", "status_changed_at", "columns", "zones", "started_at",
              "finished_at", "created_by", "created_at", "updated_at"]
    actions = ["pause", "resume", "cancel"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            total=Count("contacts"), done=Count("contacts", filter=~Q(contacts__status__in=OPEN)))

    @admin.display(description="Progress")
    def progress(self, obj: Campaign) -> str:
        total = getattr(obj, "total", None)
        done = getattr(obj, "done", None)
        if total is None:
            total = obj.contacts.count()
            done = obj.contacts.exclude(status__in=OPEN).count()
        percent = round(100 * done / total) if total else 0
        return format_html(
            '<div style="width:8rem;background:#e9ecef;border-radius:4px;height:.6rem;display:inline-block;'
            'vertical-align:middle"><div style="width:{}%;background:#198754;height:100%;border-radius:4px"></div>'
            '</div> {} / {} ({}%)', percent, done, total, percent)

    @admin.display(description="Calling hours")
    def window(self, obj: Campaign) -> str:
        return f"{obj.window_start:%H:%M}–{obj.window_end:%H:%M} {obj.weekday_names}"

    @admin.action(description="Pause the selected campaigns")
    def pause(self, request: HttpRequest, queryset) -> None:
        _apply(self, request, queryset, lambda campaign: service.campaign_pause(
            campaign=campaign, reason=f"Paused by {request.user.get_username()} in the admin."), "paused")

    @admin.action(description="Resume the selected campaigns")
    def resume(self, request: HttpRequest, queryset) -> None:
        _apply(self, request, queryset, service.campaign_resume, "resumed")

    @admin.action(description="Cancel the selected campaigns")
    def cancel(self, request: HttpRequest, queryset) -> None:
        _apply(self, request, queryset, lambda campaign: service.campaign_cancel(
            campaign=campaign, reason=f"Cancelled by {request.user.get_username()} in the admin."), "cancelled")

    def save_model(self, request, obj, form, change) -> None:
        # Writes go through the service, like in the API and the pages (the form ran its checks).
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data if name in service.EDITABLE_FIELDS}
            updated = service.campaign_update(campaign=obj, **fields)
            obj.__dict__.update(updated.__dict__)
        else:
            data = {name: form.cleaned_data[name] for name in service.EDITABLE_FIELDS if name in form.cleaned_data}
            created = service.campaign_create(team=form.cleaned_data["team"], user=request.user, **data)
            obj.pk = created.pk


@admin.register(CampaignContact)
class CampaignContactAdmin(NoAddOrChangeAdminMixin, admin.ModelAdmin):
    list_display = ["number", "campaign", "status", "attempts", "next_attempt_at", "line", "updated_at"]
    list_filter = ["status"]
    search_fields = ["number", "campaign__name"]
    list_select_related = ["campaign"]
    readonly_fields = ["campaign", "number", "variables", "timezone", "line", "status", "attempts", "next_attempt_at",
                       "last_call", "note", "updated_at", "finished_at"]


@admin.register(ContactImport)
class ContactImportAdmin(NoAddOrChangeAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "campaign", "filename", "rows", "imported", "duplicates", "do_not_call", "rejected"]
    readonly_fields = [f.name for f in ContactImport._meta.fields]


class DoNotCallAdminForm(forms.ModelForm):
    class Meta:
        model = DoNotCall
        fields = ["team", "number", "note"]

    def clean_number(self) -> str:
        try:
            return normalise_number(self.cleaned_data["number"], "US")[0]
        except BadNumber as exc:
            raise forms.ValidationError(f"{exc} Write it with + and the country code.") from None


@admin.register(DoNotCall)
class DoNotCallAdmin(admin.ModelAdmin):
    form = DoNotCallAdminForm
    list_display = ["number", "team", "note", "created_by", "created_at"]
    list_filter = ["team"]
    search_fields = ["number", "note"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        entry = dnc_add(team=form.cleaned_data["team"], number=form.cleaned_data["number"], user=request.user,
                        note=form.cleaned_data.get("note", ""))  # also closes waiting contacts with that number
        obj.pk = entry.pk
