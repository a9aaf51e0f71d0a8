"""The simulator and flow tests API.

* ``POST /api/flows/{id}/simulate/`` ``{document?, inputs, contact?}`` → one stateless simulator turn:
  the transcript so far and what the run waits for. The browser keeps the inputs and sends them all
  again with each new key or outcome; a ``"send"`` outcome is sent for real once and comes back
  recorded in ``inputs``, so later turns replay it without sending again.
* ``GET|POST /api/flows/{id}/tests/``; ``GET|PUT|PATCH|DELETE /api/flows/{id}/tests/{test_id}/``
* ``POST /api/flows/{id}/tests/run/`` → pass/fail of every test with the first difference
* ``GET /api/flows/{id}/tests/coverage/`` → branches no test takes
* ``POST /api/flows/{id}/tests/generate/`` ``{max_paths?}`` → 201, one test per distinct path
* ``GET|PUT /api/flows/{id}/tests/settings/`` ``{scenario_failures_block_publish}``

Another team's flow is a 404 for every method. Every member may read, run tests, see coverage and
simulate with pretended outcomes; writing tests, changing settings and really sending need the
editor or owner role.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from editor.accounts.permissions import EDIT_ROLES, VIEWER_MESSAGE, role_of
from editor.common.api.parsers import LimitedJSONParser
from editor.common.ratelimit import hit
from editor.flows.api.schema import errors
from editor.flows.api.simulator.serializers import (
    FLOW_ID,
    TEST_ID,
    CoverageSerializer,
    GeneratedSerializer,
    GenerateSerializer,
    ReportSerializer,
    ScenarioSerializer,
    ScenarioWriteSerializer,
    SimulateSerializer,
    SimulationSerializer,
    TestSettingsSerializer,
)
from editor.flows.errors import FlowArchived
from editor.flows.models import Flow, FlowScenario
from editor.flows.selectors import flows_for_api
from editor.flows.services.scenarios import (
    flow_test_settings,
    flow_test_settings_update,
    scenario_create,
    scenario_delete,
    scenario_update,
    scenarios_coverage,
    scenarios_generate,
    scenarios_run,
    simulate,
)


class FlowTestsView(APIView):
    parser_classes = [LimitedJSONParser]
    permission_classes = [IsAuthenticated]

    def flow(self, request: Request, flow_id: int, *, write: bool = False) -> Flow:
        flow = get_object_or_404(flows_for_api(user=request.user, include_archived=True), pk=flow_id)
        if write and role_of(request.user, flow) not in EDIT_ROLES:
            self.permission_denied(request, message=VIEWER_MESSAGE)
        if write and flow.is_archived:
            raise FlowArchived(current_revision=flow.revision)
        return flow

    def data(self, serializer_class, request: Request, **kwargs) -> dict:
        serializer = serializer_class(data=request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def scenario(self, flow: Flow, test_id: int) -> FlowScenario:
        return get_object_or_404(FlowScenario.objects.filter(flow=flow), pk=test_id)


class SimulateView(FlowTestsView):
    @extend_schema(
        summary="Simulate a call (one turn)",
        description="Runs the flow (the saved draft, or `document`) with every input given so far and answers "
        "with the transcript and what the run waits for next. Stateless: send all inputs each turn, taken from "
        'the previous answer\'s `inputs`. An http outcome "send" (editors and owners, one per turn) really '
        "sends the request from the server: http(s) only, 5-second timeout, size limit, and never to private, "
        "loopback, link-local or metadata addresses (checked on the resolved addresses and on every redirect).",
        parameters=[FLOW_ID],
        request=SimulateSerializer,
        responses={200: SimulationSerializer, **errors(400, 403, 404, 413)},
    )
    def post(self, request: Request, flow_id: int) -> Response:
        flow = self.flow(request, flow_id)
        data = self.data(SimulateSerializer, request)
        may_send = role_of(request.user, flow) in EDIT_ROLES
        if may_send and _sends(data["inputs"]):
            _count_send(request)
        document = data["document"] if "document" in data else flow.document
        result = simulate(document=document, inputs=data["inputs"], contact=data.get("contact"), may_send=may_send)
        return Response(result)


def _sends(inputs: object) -> bool:
    http = inputs.get("http") if isinstance(inputs, dict) else None
    return isinstance(http, dict) and any(
        value == "send" or (isinstance(value, list) and "send" in value) for value in http.values()
    )


def _count_send(request: Request) -> None:
    """Really sending is limited per user (SIMULATOR_HTTP_SENDS_PER_MINUTE): the server is no free proxy.
    The count lives in the shared cache, so the limit holds across web processes."""
    limit = getattr(settings, "SIMULATOR_HTTP_SENDS_PER_MINUTE", 30)
    wait = hit("simulator-sends", str(request.user.pk), f"{limit}/minute")
    if wait is not None:
        raise Throttled(wait=wait, detail="Too many requests really sent; pretend an outcome or wait a minute.")


class ScenarioListView(FlowTestsView):
    @extend_schema(
        summary="List a flow's tests",
        parameters=[FLOW_ID],
        responses={200: ScenarioSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, flow_id: int) -> Response:
        flow = self.flow(request, flow_id)
        return Response(ScenarioSerializer(flow.scenarios.order_by("generated", "name", "id"), many=True).data)

    @extend_schema(
        summary="Save a test",
        parameters=[FLOW_ID],
        request=ScenarioWriteSerializer,
        responses={201: ScenarioSerializer, **errors(400, 403, 404, 409, 413)},
    )
    def post(self, request: Request, flow_id: int) -> Response:
        flow = self.flow(request, flow_id, write=True)
        data = self.data(ScenarioWriteSerializer, request)
        scenario = scenario_create(flow=flow, user=request.user, name=data["name"], inputs=data.get("inputs"),
                                   expectations=data.get("expectations"), generated=data.get("generated", False))
        return Response(ScenarioSerializer(scenario).data, status=status.HTTP_201_CREATED)


class ScenarioDetailView(FlowTestsView):
    @extend_schema(
        summary="Read a test", parameters=[FLOW_ID, TEST_ID], responses={200: ScenarioSerializer, **errors(404)}
    )
    def get(self, request: Request, flow_id: int, test_id: int) -> Response:
        return Response(ScenarioSerializer(self.scenario(self.flow(request, flow_id), test_id)).data)

    @extend_schema(
        summary="Change a test",
        description="PUT and PATCH both take only the fields to change.",
        parameters=[FLOW_ID, TEST_ID],
        request=ScenarioWriteSerializer(partial=True),
        responses={200: ScenarioSerializer, **errors(400, 403, 404, 409, 413)},
    )
    def put(self, request: Request, flow_id: int, test_id: int) -> Response:
        scenario = self.scenario(self.flow(request, flow_id, write=True), test_id)
        data = self.data(ScenarioWriteSerializer, request, partial=True)
        scenario = scenario_update(
            scenario=scenario,
            name=data.get("name"),
            inputs=data.get("inputs"),
            expectations=data.get("expectations"),
            generated=data.get("generated"),
        )
        return Response(ScenarioSerializer(scenario).data)

    @extend_schema(
        summary="Change part of a test",
        parameters=[FLOW_ID, TEST_ID],
        request=ScenarioWriteSerializer(partial=True),
        responses={200: ScenarioSerializer, **errors(400, 403, 404, 409, 413)},
    )
    def patch(self, request: Request, flow_id: int, test_id: int) -> Response:
        return self.put(request, flow_id, test_id)

    @extend_schema(summary="Delete a test", parameters=[FLOW_ID, TEST_ID], responses={204: None, **errors(403, 404)})
    def delete(self, request: Request, flow_id: int, test_id: int) -> Response:
        scenario_delete(scenario=self.scenario(self.flow(request, flow_id, write=True), test_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TestRunView(FlowTestsView):
    @extend_schema(
        summary="Run a flow's tests",
        description="Runs every test against the saved draft.",
        parameters=[FLOW_ID],
        request=None,
        responses={200: ReportSerializer, **errors(404)},
    )
    def post(self, request: Request, flow_id: int) -> Response:
        return Response(scenarios_run(flow=self.flow(request, flow_id)))


class CoverageView(FlowTestsView):
    @extend_schema(
        summary="Branch coverage of a flow's tests",
        parameters=[FLOW_ID],
        responses={200: CoverageSerializer, **errors(400, 404)},
    )
    def get(self, request: Request, flow_id: int) -> Response:
        return Response(scenarios_coverage(flow=self.flow(request, flow_id)))


class GenerateView(FlowTestsView):
    @extend_schema(
        summary="Generate tests from the flow's paths",
        description="One test per distinct path from the start (loops walked at most twice), saved "
        "with generated=true for review; paths a test already follows are skipped.",
        parameters=[FLOW_ID],
        request=GenerateSerializer,
        responses={201: GeneratedSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request: Request, flow_id: int) -> Response:
        flow = self.flow(request, flow_id, write=True)
        data = self.data(GenerateSerializer, request)
        with transaction.atomic():
            found = scenarios_generate(flow=flow, user=request.user, max_paths=data["max_paths"])
        body = {**found, "created": ScenarioSerializer(found["created"], many=True).data}
        return Response(body, status=status.HTTP_201_CREATED)


class TestSettingsView(FlowTestsView):
    @extend_schema(
        summary="Read a flow's test settings",
        parameters=[FLOW_ID],
        responses={200: TestSettingsSerializer, **errors(404)},
    )
    def get(self, request: Request, flow_id: int) -> Response:
        found = flow_test_settings(flow=self.flow(request, flow_id))
        return Response(TestSettingsSerializer(found).data)

    @extend_schema(
        summary="Change a flow's test settings",
        parameters=[FLOW_ID],
        request=TestSettingsSerializer,
        responses={200: TestSettingsSerializer, **errors(400, 403, 404, 409)},
    )
    def put(self, request: Request, flow_id: int) -> Response:
        flow = self.flow(request, flow_id, write=True)
        data = self.data(TestSettingsSerializer, request)
        found = flow_test_settings_update(flow=flow, **data)
        return Response(TestSettingsSerializer(found).data)


simulator_urls = [
    path("flows/<int:flow_id>/simulate/", SimulateView.as_view(), name="flow-simulate"),
    path("flows/<int:flow_id>/tests/", ScenarioListView.as_view(), name="flow-tests"),
    path("flows/<int:flow_id>/tests/run/", TestRunView.as_view(), name="flow-tests-run"),
    path("flows/<int:flow_id>/tests/coverage/", CoverageView.as_view(), name="flow-tests-coverage"),
    path("flows/<int:flow_id>/tests/generate/", GenerateView.as_view(), name="flow-tests-generate"),
    path("flows/<int:flow_id>/tests/settings/", TestSettingsView.as_view(), name="flow-tests-settings"),
    path("flows/<int:flow_id>/tests/<int:test_id>/", ScenarioDetailView.as_view(), name="flow-test"),
]
