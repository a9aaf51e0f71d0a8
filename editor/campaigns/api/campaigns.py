"""Campaigns.

* ``/api/campaigns/`` list (``?status=``, ``?team=``), create; ``/api/campaigns/{id}/`` read (with
  progress), PATCH, DELETE (not while in progress)
* ``POST /api/campaigns/{id}/contacts/`` multipart ``file`` (+ ``number_column``, ``has_header``;
  ``preview=true`` saves nothing) → 202 and the queued import, whose progress and report
  ``GET /api/campaigns/{id}/imports/{import_id}/`` shows (editor/campaigns/api/imports.py);
  ``GET`` lists the contacts (``?status=``, ``?number=``,
  ``?answered=``, ``?reached=``, ``?pressed=``) with what happened on each last call
* ``POST /api/campaigns/{id}/start|pause|resume|cancel/``
* ``GET /api/campaigns/{id}/results.csv`` per-contact results (streamed)
* the do-not-call list is in editor/campaigns/api/dnc.py

Every member reads; editors and owners write (viewers get 403). Another team's campaign is a
404 for every method and action.
"""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from editor.accounts.permissions import TeamChoiceMixin, TeamScopedApiMixin, require_edit_role
from editor.calls.selectors import credential_in_team
from editor.campaigns.filters import CampaignFilters
from editor.campaigns.models import Campaign, CampaignContact, ContactStatus
from editor.campaigns.selectors import (
    campaigns_for_user,
    contacts_of,
    progress,
    readiness,
    results_rows,
    summary,
    with_outcomes,
)
from editor.campaigns.services import campaigns as service
from editor.campaigns.services.contacts import contacts_preview, import_report
from editor.campaigns.services.imports import contacts_import_start
from editor.common.api.schema import ErrorSerializer
from editor.common.api.views import ApiViewSet
from editor.common.csvsafe import csv_download
from editor.events.selectors import outcome_as_json
from editor.flows.selectors import published_version

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Field errors under extra.fields, or why it is refused: "
                         "dials_other_number when the version's Call step dials anything but {{contact.number}} "
                         "(extra.dials: what it dials)."),
    403: OpenApiResponse(ErrorSerializer, description="Viewers cannot change campaigns."),
    404: OpenApiResponse(ErrorSerializer, description="No such campaign in your teams."),
    409: OpenApiResponse(ErrorSerializer, description="Not possible in the campaign's current status."),
}


# --- serializers -------------------------------------------------------------------------------------


class CampaignSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    flow = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="flow_version.number", read_only=True)
    credential = serializers.SerializerMethodField()
    window_start = serializers.TimeField(format="%H:%M", read_only=True)
    window_end = serializers.TimeField(format="%H:%M", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "team", "name", "status", "status_label", "status_reason", "status_changed_at", "flow",
                  "version", "credential", "timezone", "starts_at", "ends_at", "window_start", "window_end",
                  "weekdays", "calls_per_minute", "max_attempts", "retry_delay_seconds", "default_region",
                  "columns", "created_at", "updated_at", "started_at", "finished_at"]
        read_only_fields = fields

    def get_flow(self, obj: Campaign) -> dict:
        flow = obj.flow_version.flow
        return {"id": flow.pk, "name": flow.name}

    def get_credential(self, obj: Campaign) -> dict | None:
        return {"id": obj.credential.pk, "name": obj.credential.name} if obj.credential else None


class CampaignDetailSerializer(CampaignSerializer):
    progress = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField(help_text="The pace in plain words.")
    missing_variables = serializers.SerializerMethodField()
    start_problems = serializers.SerializerMethodField()
    last_import = serializers.SerializerMethodField()

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "progress", "summary", "missing_variables", "start_problems",
                  "last_import"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_progress(self, obj: Campaign) -> dict:
        data = progress(obj)
        for key in ("estimated_finish", "next_window"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    def get_summary(self, obj: Campaign) -> str:
        return summary(obj)

    def get_missing_variables(self, obj: Campaign) -> list[str]:
        return readiness(obj)["missing_variables"]

    def get_start_problems(self, obj: Campaign) -> list[str]:
        return readiness(obj)["start_problems"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_last_import(self, obj: Campaign) -> dict | None:
        item = obj.imports.first()
        return import_report(item) if item else None


class CampaignFieldsSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    flow = serializers.IntegerField(min_value=1, help_text="Id of a flow of the team.")
    version = serializers.IntegerField(min_value=1, required=False, allow_null=True,
                                       help_text="Published version number; default: the latest.")
    credential = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    timezone = serializers.CharField(max_length=64, required=False)
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    window_start = serializers.TimeField(required=False, help_text="HH:MM in each callee's local time.")
    window_end = serializers.TimeField(required=False, help_text="Before the start: the window crosses midnight.")
    weekdays = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=6), required=False,
                                     help_text="0 = Monday … 6 = Sunday.")
    calls_per_minute = serializers.IntegerField(min_value=0, required=False, help_text="0: no limit.")
    max_attempts = serializers.IntegerField(min_value=1, required=False)
    retry_delay_seconds = serializers.IntegerField(min_value=0, required=False)
    default_region = serializers.CharField(max_length=2, required=False)


class CampaignCreateSerializer(TeamChoiceMixin, CampaignFieldsSerializer):
    pass


class CampaignUpdateSerializer(CampaignFieldsSerializer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class ContactSerializer(serializers.ModelSerializer):
    last_call = serializers.SerializerMethodField()

    class Meta:
        model = CampaignContact
        fields = ["id", "line", "number", "variables", "timezone", "status", "attempts", "next_attempt_at", "note",
                  "last_call", "finished_at"]
        read_only_fields = fields

    def get_last_call(self, obj: CampaignContact) -> dict | None:
        call = obj.last_call
        if call is None:
            return None
        outcome = getattr(obj, "outcome", None)
        return {"id": call.pk, "status": call.status, "response_status": call.response_status,
                "samespace_call_id": call.samespace_call_id, "error": call.error,
                "outcome": outcome_as_json(outcome) if outcome is not None else None,
                "what_happened": getattr(obj, "outcome_text", "")}


class ContactFilterSerializer(serializers.Serializer):
    status = serializers.CharField(required=False, allow_blank=True, max_length=200)
    number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    answered = serializers.BooleanField(required=False, allow_null=True, default=None,
                                        help_text="Whether the last call was answered (from call events).")
    reached = serializers.RegexField(r"^[^|\x00]{1,200}$", required=False,
                                     help_text="Only contacts whose last call reached this step id.")
    pressed = serializers.RegexField(r"^[0-9*#]{0,64}$", required=False,
                                     help_text="Only contacts who pressed exactly these keys at a digits step.")

    def validate_status(self, value: str) -> str:
        unknown = [part for part in value.split(",") if part and part not in ContactStatus.values]
        if unknown:
            raise serializers.ValidationError(
                f"Unknown value {unknown[0][:40]!r}; use {', '.join(ContactStatus.values)}.")
        return value


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV with a header line.")
    number_column = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                          help_text="Header of the phone number column (default: guessed).")
    has_header = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="Whether the first line holds the column names. Empty: yes, unless it looks like data "
        "(a phone number): then the upload is refused with the code header_unclear, to be sent again with "
        "has_header=true or false. Without a header line the columns are named Column 1, Column 2…")
    preview = serializers.BooleanField(required=False, default=False, help_text="Show the first rows; save nothing.")


# --- campaigns ------------------------------------------------------------------------------------------


def _fields(data: dict[str, Any], team_id: int) -> dict[str, Any]:
    """API input → service fields (flow + version number → a published version, credential id → a credential)."""
    out = {k: v for k, v in data.items() if k not in ("team", "flow", "version", "credential")}
    if "flow" in data:
        found = published_version(flow_id=data["flow"], team_id=team_id, number=data.get("version"))
        if found is None:
            raise ValidationError({"flow": ["No published version of this flow in the campaign's team. "
                                            "Publish the flow first."]})
        out["flow_version"] = found
    if "credential" in data:
        if data["credential"] is None:
            out["credential"] = None
        else:
            credential = credential_in_team(credential_id=data["credential"], team_id=team_id)
            if credential is None:
                raise ValidationError({"credential": ["No such credential in the campaign's team."]})
            out["credential"] = credential
    return out


STATUS_FILTER = OpenApiParameter("status", str, description="draft, scheduled, running, paused, completed, "
                                 "cancelled (comma-separated).")


def _status_action(name: str, change: Any, summary: str) -> Any:
    """A ``POST /api/campaigns/{id}/<name>/`` action that applies one status change."""

    def act(self, request, pk=None):
        return self._act(change)

    act.__name__ = act.__qualname__ = name
    act = action(detail=True, methods=["post"])(act)
    return extend_schema(summary=summary, request=None, responses={200: CampaignDetailSerializer, **ERRORS})(act)


@extend_schema_view(
    list=extend_schema(summary="List campaigns", parameters=[STATUS_FILTER, OpenApiParameter("team", int)],
                       responses={200: CampaignSerializer(many=True)}),
    retrieve=extend_schema(summary="A campaign with its progress", responses={200: CampaignDetailSerializer, **ERRORS}),
    create=extend_schema(summary="Create a draft campaign", request=CampaignCreateSerializer,
                         responses={201: CampaignDetailSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change a campaign (flow, credential and region only in a draft)",
                                 request=CampaignUpdateSerializer, responses={200: CampaignDetailSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete a campaign that is not in progress", responses={204: None, **ERRORS}),
)
class CampaignViewSet(TeamScopedApiMixin, ApiViewSet):
    serializer_class = list_serializer_class = CampaignSerializer
    detail_serializer_class = CampaignDetailSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    read_actions = ("contacts",)  # GET contacts is a read; POST is checked in the action

    def get_queryset(self):
        qs = campaigns_for_user(user=self.request.user).order_by("-created_at", "-id")
        if self.action == "list":
            wanted = CampaignFilters.parse(self.request.query_params)
            if wanted["status"]:
                qs = qs.filter(status__in=wanted["status"])
            if wanted["team"] is not None:
                qs = qs.filter(team_id=wanted["team"])
        return qs

    def _detail(self, campaign: Campaign, code: int = status.HTTP_200_OK) -> Response:
        campaign = self.get_queryset().get(pk=campaign.pk)
        return Response(CampaignDetailSerializer(campaign).data, status=code)

    def create(self, request):
        data = self.validated(CampaignCreateSerializer)
        require_edit_role(request.user, data["team"])
        campaign = service.campaign_create(team=data["team"], user=request.user, **_fields(data, data["team"].pk))
        return self._detail(campaign, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        campaign = self.get_object()
        data = self.validated(CampaignUpdateSerializer)
        campaign = service.campaign_update(campaign=campaign, **_fields(data, campaign.team_id))
        return self._detail(campaign)

    def destroy(self, request, pk=None):
        service.campaign_delete(campaign=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _act(self, change) -> Response:
        campaign = self.get_object()
        return self._detail(change(campaign=campaign))

    # Start, pause, resume, cancel: one status change each, through the campaigns services.
    start = _status_action("start", service.campaign_start,
                           "Start (draft → scheduled → running when its start time comes)")
    pause = _status_action("pause", service.campaign_pause, "Pause: queued calls are not sent")
    resume = _status_action("resume", service.campaign_resume, "Resume a paused campaign")
    cancel = _status_action("cancel", service.campaign_cancel, "Cancel: waiting contacts are not called")

    @extend_schema(
        methods=["GET"], summary="List the campaign's contacts",
        parameters=[ContactFilterSerializer],
        responses={200: ContactSerializer(many=True), **ERRORS},
    )
    @extend_schema(
        methods=["POST"], summary="Upload contacts (CSV): the import report, or a preview",
        description="Multipart `file`. The number column is chosen by its header (`number_column`, default: "
        "a column named number, phone, mobile…); every other column becomes {{contact.<column>}}. The first "
        "line and the columns are checked at once (400); the file is then stored and a worker imports it: "
        "the answer is 202 with the queued import, and `progress_url` (`GET /api/campaigns/{id}/imports/"
        "{import_id}/`) shows its progress, then its report, which accounts for every row: imported, merged "
        "duplicates (the first wins), on the do-not-call list, rejected (with the spreadsheet line and the "
        "reason), empty.",
        request={"multipart/form-data": UploadSerializer},
        responses={202: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT, **ERRORS},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser])
    def contacts(self, request, pk=None):
        campaign = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(contacts_of(campaign, **contact_filters(request.query_params)))
            return self.get_paginated_response(ContactSerializer(with_outcomes(list(page)), many=True).data)
        require_edit_role(request.user, campaign.team)
        data = self.validated(UploadSerializer)
        upload = data["file"]
        column = data.get("number_column") or None
        has_header = data.get("has_header")
        if data.get("preview"):
            return Response(contacts_preview(campaign=campaign, upload=upload, number_column=column,
                                             has_header=has_header))
        item = contacts_import_start(campaign=campaign, upload=upload, number_column=column, has_header=has_header,
                                     user=request.user, filename=getattr(upload, "name", "") or "")
        campaign.refresh_from_db()
        body = {**import_report(item), "missing_variables": readiness(campaign)["missing_variables"]}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["progress_url"]})


class CampaignResultsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Per-contact results as CSV", parameters=[ContactFilterSerializer],
                   description="The same filters as the contacts list: status, number, answered, reached, pressed.",
                   responses={(200, "text/csv"): OpenApiTypes.STR, **ERRORS})
    def get(self, request, pk: int):
        campaign = get_object_or_404(campaigns_for_user(user=request.user), pk=pk)
        return results_response(campaign, contact_filters(request.query_params))


def contact_filters(query_params) -> dict[str, Any]:
    """``contacts_of`` keyword arguments from the query string; ValidationError (400) when malformed."""
    query = ContactFilterSerializer(data=query_params)
    query.is_valid(raise_exception=True)
    params = query.validated_data
    return {"status": params.get("status", ""), "number": params.get("number", ""),
            "answered": params.get("answered"), "reached": params.get("reached", ""),
            "pressed": params.get("pressed", "")}


def results_response(campaign: Campaign, filters: dict[str, Any] | None = None) -> StreamingHttpResponse:
    return csv_download(results_rows(campaign, **(filters or {})),
                        f"{slugify(campaign.name) or 'campaign'}-results.csv")


__all__ = ["ERRORS", "CampaignResultsView", "CampaignViewSet", "results_response"]
