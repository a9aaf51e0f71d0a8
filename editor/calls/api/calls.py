"""Launching calls and reading their outcome (docs/architecture.md, "Calls and campaigns").

* ``POST /api/flows/{id}/launch/`` ``{"number", "credential", "variables"?, "version"?}`` → 202 ``{"call": id}``
* ``GET /api/calls/`` (filters: status, flow, credential, number, date, created_after/before, ids)
* ``GET /api/calls/export.csv`` (the same filters): the calls as a CSV file, streamed
* ``GET /api/calls/{id}/`` with the request payload (token REDACTED), the response and every attempt
* ``POST /api/calls/{id}/call-again/`` → 202 ``{"call": new id}`` (a new call with a new idempotency key)
"""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from editor.accounts.permissions import TeamScopedApiMixin, require_edit_role
from editor.calls.errors import LaunchRefused
from editor.calls.filters import CallFilters
from editor.calls.models import Call, CallAttempt, Credential
from editor.calls.samespace import redact
from editor.calls.selectors import calls_csv, calls_for_user, filter_calls
from editor.calls.services.calls import call_again, call_launch
from editor.common.api.parsers import LimitedJSONParser
from editor.common.api.schema import ErrorSerializer
from editor.common.api.views import ApiViewSet
from editor.common.csvsafe import csv_download
from editor.flows.selectors import flows_for_user


class LaunchSerializer(serializers.Serializer):
    number = serializers.CharField(
        max_length=40,
        help_text="The number to call; also {{contact.number}}. A version whose Call step has a fixed number "
        "dials only that number: give it here (another is refused with dials_other_number).",
    )
    credential = serializers.IntegerField(min_value=1, help_text="Id of a credential of the flow's team.")
    variables = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        default=dict,
        help_text='Contact variables for {{contact.x}}, e.g. {"name": "Ada"}.',
    )
    version = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text="Version number; default: the latest published."
    )


class LaunchedSerializer(serializers.Serializer):
    call = serializers.IntegerField()
    status = serializers.CharField()
    url = serializers.CharField()


class CallSerializer(serializers.ModelSerializer):
    flow = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="flow_version.number", read_only=True)
    credential = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    attempts = serializers.IntegerField(source="attempt_count", read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "team",
            "flow",
            "version",
            "credential",
            "number",
            "status",
            "status_label",
            "attempts",
            "not_before",
            "response_status",
            "samespace_call_id",
            "error",
            "retry_of",
            "created_at",
            "finished_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_flow(self, obj: Call) -> dict:
        flow = obj.flow_version.flow
        return {"id": flow.pk, "name": flow.name}

    def get_credential(self, obj: Call) -> dict | None:
        return {"id": obj.credential.pk, "name": obj.credential.name} if obj.credential else None


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallAttempt
        fields = ["number", "started_at", "duration_ms", "outcome", "status_code", "body_excerpt", "error", "retry_in"]
        read_only_fields = fields


class CallDetailSerializer(CallSerializer):
    idempotency_key = serializers.UUIDField(read_only=True)
    request_payload = serializers.SerializerMethodField(help_text="As sent, with auth_token REDACTED.")
    response = serializers.SerializerMethodField()
    attempt_log = AttemptSerializer(source="attempts", many=True, read_only=True)
    called_again_as = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(CallSerializer.Meta):
        fields = [
            *CallSerializer.Meta.fields,
            "idempotency_key",
            "variables",
            "request_payload",
            "response",
            "attempt_log",
            "called_again_as",
            "claimed_at",
        ]
        read_only_fields = fields

    def get_request_payload(self, obj: Call) -> dict:
        return redact(obj.request_payload or {})

    def get_response(self, obj: Call) -> dict:
        return {"status": obj.response_status, "body": obj.response_body}


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Field errors under extra.fields, or why the launch is refused."),
    403: OpenApiResponse(ErrorSerializer, description="Viewers cannot launch calls."),
    404: OpenApiResponse(ErrorSerializer, description="No such flow or call in your teams."),
}


def _launched(call: Call) -> Response:
    return Response(
        {"call": call.pk, "status": call.status, "url": f"/api/calls/{call.pk}/"}, status=status.HTTP_202_ACCEPTED
    )


class LaunchView(APIView):
    parser_classes = [LimitedJSONParser]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Launch one call of a published flow version",
        description="`number` becomes `{{contact.number}}`, which a Call step of `{{contact.number}}` dials. "
        "A Call step with a fixed number dials that number whatever `number` says, so a launch with another "
        "number is refused: 400 with code `dials_other_number`, `extra.dials` the number the step dials. The "
        "call is placed asynchronously: poll `GET /api/calls/{id}/`.",
        request=LaunchSerializer,
        responses={202: LaunchedSerializer, **ERRORS, 400: OpenApiResponse(
            ErrorSerializer,
            description="Field errors under extra.fields (validation_failed), or why the launch is refused: "
            "launch_refused, or dials_other_number when the version's Call step dials another number "
            "(extra.dials: that number; extra.number: the number given).",
        )},
    )
    def post(self, request, flow_id: int):
        flow = get_object_or_404(flows_for_user(user=request.user, include_archived=True), pk=flow_id)
        require_edit_role(request.user, flow.team)
        serializer = LaunchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if flow.is_archived:
            raise LaunchRefused("This flow is archived. Duplicate it to launch calls from a copy.")
        credential = Credential.objects.filter(pk=data["credential"], team_id=flow.team_id).first()
        if credential is None:
            raise ValidationError({"credential": ["No such credential in this flow's team."]})
        with transaction.atomic():
            call = call_launch(
                flow=flow,
                user=request.user,
                number=data["number"],
                credential=credential,
                variables=data.get("variables") or {},
                version_number=data.get("version"),
            )
        return _launched(call)


CALL_FILTERS = [
    OpenApiParameter(
        "status", str, description="queued, sending, accepted, failed, unknown, skipped (comma-separated)."
    ),
    OpenApiParameter("flow", int, description="Only calls of this flow."),
    OpenApiParameter("credential", int, description="Only calls placed with this credential."),
    OpenApiParameter("number", str, description="Numbers containing this text."),
    OpenApiParameter("date", str, description="Calls created on this day (YYYY-MM-DD, server time zone)."),
    OpenApiParameter("created_after", str, description="A date or ISO date-time."),
    OpenApiParameter("created_before", str, description="A date or ISO date-time."),
    OpenApiParameter("ids", str, description="Comma-separated ids (for polling a page's calls)."),
]


@extend_schema_view(
    list=extend_schema(summary="List calls", parameters=CALL_FILTERS, responses={200: CallSerializer(many=True)}),
    retrieve=extend_schema(
        summary="A call with its payload (token redacted), response and attempts",
        responses={200: CallDetailSerializer, **ERRORS},
    ),
)
class CallViewSet(TeamScopedApiMixin, ApiViewSet):
    serializer_class = list_serializer_class = CallSerializer
    detail_serializer_class = CallDetailSerializer

    def get_queryset(self):
        qs = calls_for_user(user=self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related("attempts", "called_again_as")
        return qs

    def list_queryset(self):
        return filter_calls(self.get_queryset(), CallFilters.parse(self.request.query_params))

    @extend_schema(
        summary="Call again: a new call (new idempotency key) with the same flow version, number and variables",
        request=None,
        responses={202: LaunchedSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="call-again")
    def call_again(self, request, pk=None):
        call = self.get_object()
        with transaction.atomic():
            new = call_again(call=call, user=request.user)
        return _launched(new)


class CallsExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="The calls as CSV (the list's filters; no formula survives: editor/common/csvsafe.py)",
                   parameters=CALL_FILTERS, responses={(200, "text/csv"): OpenApiTypes.STR, **ERRORS})
    def get(self, request):
        calls = filter_calls(calls_for_user(user=request.user), CallFilters.parse(request.query_params))
        return csv_download(calls_csv(calls), "calls.csv")
