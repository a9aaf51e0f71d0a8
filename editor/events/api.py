"""Call-event endpoints: ``GET /api/calls/{id}/outcome/`` and
``GET /api/flows/{id}/versions/{n}/counts/?since=&until=`` (docs/call-events.md)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from editor.common.api.schema import ErrorSerializer
from editor.events.selectors import call_outcome_for_user, step_counts, version_for_user


class HttpResultSerializer(serializers.Serializer):
    step = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["success", "fail"])


class TimelineItemSerializer(serializers.Serializer):
    at = serializers.CharField()
    kind = serializers.CharField()
    step = serializers.CharField()
    text = serializers.CharField()


class OutcomeSerializer(serializers.Serializer):
    call = serializers.IntegerField()
    events_requested = serializers.BooleanField(help_text="The call's payload asked Samespace for events.")
    answered = serializers.BooleanField(allow_null=True, help_text="null: not known (yet).")
    started_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    duration_seconds = serializers.FloatField(allow_null=True)
    path = serializers.ListField(child=serializers.CharField(), help_text="Steps entered, in order.")
    digits = serializers.DictField(child=serializers.CharField(), help_text="Variable → the keys stored.")
    http = HttpResultSerializer(many=True)
    end_reason = serializers.CharField()
    end_step = serializers.CharField()
    timeline = TimelineItemSerializer(many=True)
    event_count = serializers.IntegerField()


class StepCountSerializer(serializers.Serializer):
    reached = serializers.IntegerField()
    ended = serializers.IntegerField()


class CountsSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(allow_null=True)
    campaign = serializers.IntegerField(allow_null=True, help_text="null: every call of the version.")
    steps = serializers.DictField(
        child=StepCountSerializer(), help_text="Step id → calls that reached it / ended there."
    )
    branches = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="Step id → branch key (next, a digit, *, success, fail) → calls that took it.",
    )


class CountsQuerySerializer(serializers.Serializer):
    since = serializers.DateField(required=False, help_text="First day (the calls' creation date, UTC).")
    until = serializers.DateField(required=False, help_text="Last day, included.")
    campaign = serializers.IntegerField(required=False, min_value=1, max_value=2**62,
                                        help_text="Only the calls placed for this campaign.")

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["since"] > attrs["until"]:
            raise ValidationError({"until": ["The last day comes before the first."]})
        return attrs


NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="Not in your teams.")}


class CallOutcomeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="What happened on a call (from Samespace's call events)",
                   responses={200: OutcomeSerializer, **NOT_FOUND})
    def get(self, request, call_id: int):
        data = call_outcome_for_user(user=request.user, call_id=call_id)
        if data is None:
            raise NotFound("No such call in your teams.")
        return Response(OutcomeSerializer(data).data)


class VersionCountsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Calls per step and branch of a published version",
        parameters=[OpenApiParameter("since", str, description="YYYY-MM-DD"),
                    OpenApiParameter("until", str, description="YYYY-MM-DD"),
                    OpenApiParameter("campaign", int, description="Only the calls placed for this campaign.")],
        responses={200: CountsSerializer, 400: ErrorSerializer, **NOT_FOUND},
    )
    def get(self, request, flow_id: int, number: int):
        query = CountsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        version = version_for_user(user=request.user, flow_id=flow_id, number=number)
        if version is None:
            raise NotFound("No such published version in your teams.")
        data = step_counts(version=version, since=query.validated_data.get("since"),
                           until=query.validated_data.get("until"), campaign=query.validated_data.get("campaign"))
        # Plain data already (ints and strings): a serializer over thousands of nested dicts would cost
        # more than the query. CountsSerializer describes it in the schema.
        for name in ("since", "until"):
            data[name] = data[name].isoformat() if data[name] else None
        return Response(data)


urlpatterns = [
    path("calls/<int:call_id>/outcome/", CallOutcomeView.as_view(), name="call-outcome"),
    path("flows/<int:flow_id>/versions/<int:number>/counts/", VersionCountsView.as_view(), name="version-counts"),
]
