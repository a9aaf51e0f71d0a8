"""Flow endpoints (docs/api-contract.md). Thin: reads come from selectors, writes go to services.

Every queryset is scoped to the user's teams, so another team's flow is a 404 for every method
and action; within a team, TeamRolePermission lets viewers read and editors/owners write.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from editor.accounts.permissions import TeamScopedApiMixin, require_edit_role
from editor.common.api.filters import NameSearchFilter
from editor.common.api.views import ApiViewSet
from editor.common.errors import ServiceError
from editor.flowcore import is_valid, parse, validate
from editor.flows.api import serializers as s
from editor.flows.api.diff import DIFF_PARAMETERS, DiffQuerySerializer, FlowDiffSerializer
from editor.flows.api.schema import errors
from editor.flows.api.simulator.serializers import PublishedVersionSerializer
from editor.flows.errors import FlowArchived, InvalidDocument, StaleRevision
from editor.flows.filters import FlowFilters
from editor.flows.models import Flow
from editor.flows.selectors import flow_compare, flows_for_api, versions_for_flow, versions_with_summaries
from editor.flows.services.flows import (
    flow_create,
    flow_delete,
    flow_discard_changes,
    flow_duplicate,
    flow_export,
    flow_import,
    flow_publish,
    flow_restore_version,
    flow_update,
)

NUMBER = OpenApiParameter("number", int, OpenApiParameter.PATH, description="Version number (1, 2, ...).")


@contextmanager
def document_errors(field: str):
    """An unreadable document or payload is a 400 that also names the field it came from."""
    try:
        yield
    except InvalidDocument as exc:
        exc.extra.setdefault("fields", {field: [exc.message]})
        raise


@extend_schema_view(
    list=extend_schema(
        summary="List flows",
        description="Flows of your teams, newest change first. `?search=` looks in names; `?ordering=` takes "
        "name, created_at, updated_at, revision, error_count, warning_count (prefix `-` to reverse).",
        parameters=[
            OpenApiParameter("archived", bool, description="Also list archived flows (default: no)."),
            OpenApiParameter("team", int, description="Only this team's flows."),
        ],
        responses={200: s.FlowSummarySerializer(many=True), **errors()},
    ),
)
class FlowViewSet(TeamScopedApiMixin, ApiViewSet):
    queryset = Flow.objects.none()  # for the schema only: get_queryset() scopes every request
    list_serializer_class = s.FlowSummarySerializer
    detail_serializer_class = s.FlowSerializer
    lookup_value_regex = "[^/.]+"  # as before (DRF's default): a non-numeric id is a 404 from the queryset
    filter_backends = [NameSearchFilter, OrderingFilter]
    search_fields = ["name"]
    ordering_fields = ["name", "created_at", "updated_at", "revision", "error_count", "warning_count"]
    ordering = ["-updated_at", "-id"]
    # Actions that only read, so viewers may use them although they are POSTs.
    read_actions = frozenset({"validate_flow"})

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            wanted = FlowFilters.parse(self.request.query_params)
            qs = flows_for_api(user=user, include_archived=wanted["archived"], with_document=False)
            if wanted["team"] is not None:
                qs = qs.filter(team_id=wanted["team"])
            return qs
        return flows_for_api(user=user, include_archived=True)

    def get_serializer_class(self):
        return s.FlowSummarySerializer if self.action == "list" else s.FlowSerializer

    def _writable(self) -> Flow:
        flow = self.get_object()
        if flow.is_archived:
            raise FlowArchived(current_revision=flow.revision)
        return flow

    def _created(self, flow: Flow) -> Response:
        flow.latest_version_number = None  # a new flow has no version yet: no query needed
        headers = {"Location": f"/api/flows/{flow.pk}/"}
        return Response(s.FlowSerializer(flow).data, status=status.HTTP_201_CREATED, headers=headers)

    @extend_schema(
        summary="Create a flow",
        request=s.FlowCreateSerializer,
        responses={201: s.FlowSerializer, **errors(400, 403, 413)},
    )
    def create(self, request):
        data = self.validated(s.FlowCreateSerializer)
        require_edit_role(request.user, data["team"])
        with document_errors("document"):
            flow = flow_create(
                team=data["team"],
                user=request.user,
                name=data["name"],
                description=data["description"],
                document=data.get("document"),
            )
        return self._created(flow)

    @extend_schema(summary="Read a flow", responses={200: s.FlowSerializer, **errors(404)})
    def retrieve(self, request, pk=None):
        return super().retrieve(request, pk)

    @extend_schema(
        summary="Save a flow",
        description="Every save carries the revision it is based on. A stale one gets 409 with "
        "extra.current_revision and nothing is overwritten. PUT and PATCH both take only the fields to change.",
        request=s.FlowUpdateSerializer,
        responses={200: s.FlowSerializer, **errors(400, 403, 404, 409, 413)},
    )
    def update(self, request, pk=None):
        flow = self._writable()
        data = self.validated(s.FlowUpdateSerializer)
        with document_errors("document"):
            flow = flow_update(
                flow=flow,
                user=request.user,
                base_revision=data["revision"],
                name=data.get("name"),
                description=data.get("description"),
                document=data.get("document"),
            )
        return Response(s.FlowSerializer(flow).data)

    @extend_schema(
        summary="Save part of a flow",
        request=s.FlowUpdateSerializer,
        responses={200: s.FlowSerializer, **errors(400, 403, 404, 409, 413)},
    )
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk)

    @extend_schema(
        summary="Delete a flow",
        description="A flow whose versions calls or campaigns use is archived instead (its history stays); "
        "the answer is 204 either way.",
        responses={204: None, **errors(403, 404)},
    )
    def destroy(self, request, pk=None):
        flow_delete(flow=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Import a flow",
        description="Takes a Samespace payload, a bare step list or a FlowStudio document. Flows with "
        "problems are imported all the same (see diagnostics); an unreadable payload is a 400.",
        request=s.FlowImportSerializer,
        responses={201: s.FlowSerializer, **errors(400, 403, 413)},
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_flow(self, request):
        data = self.validated(s.FlowImportSerializer)
        require_edit_role(request.user, data["team"])
        with document_errors("payload"):
            flow = flow_import(
                team=data["team"],
                user=request.user,
                name=data["name"],
                description=data["description"],
                payload=data["payload"],
            )
        return self._created(flow)

    @extend_schema(
        summary="Check a document without saving it",
        operation_id="flows_validate_document",
        request=s.ValidateDocumentSerializer,
        responses={200: s.ValidationResultSerializer, **errors(400, 413)},
    )
    @action(detail=False, methods=["post"], url_path="validate", url_name="validate-document")
    def validate_document(self, request):
        document = self.validated(s.ValidateDocumentSerializer)["document"]
        result = parse(document)
        diagnostics = result.diagnostics if result.document is None else validate(result.document)
        return Response({"valid": result.document is not None and is_valid(diagnostics), "diagnostics": diagnostics})

    @extend_schema(
        summary="Check a saved flow",
        operation_id="flows_validate",
        request=None,
        responses={200: s.ValidationResultSerializer, **errors(404)},
    )
    @action(detail=True, methods=["post"], url_path="validate", url_name="validate")
    def validate_flow(self, request, pk=None):
        diagnostics = validate(self.get_object().document)
        return Response({"valid": is_valid(diagnostics), "diagnostics": diagnostics})

    @extend_schema(
        summary="Export the Samespace payload",
        description="The draft as Samespace's POST /call/flow body; cloud_id and auth_token are left blank.",
        responses={200: s.ExportSerializer, **errors(400, 404)},
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        try:
            payload = flow_export(document=self.get_object().document)
        except ValueError as exc:
            raise ServiceError(f"This flow cannot be exported: {exc}") from exc
        return Response(payload)

    @extend_schema(
        summary="Publish the draft as a new version",
        description="Refused (400, extra.diagnostics) while the draft has errors. The flow's tests run first: "
        "the answer's `tests` has their results; a failing test refuses publishing (400, extra.tests) unless the "
        "flow's test settings make failures a warning.",
        request=s.PublishSerializer,
        responses={201: PublishedVersionSerializer, **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        flow = self._writable()
        data = self.validated(s.PublishSerializer)
        with transaction.atomic():
            if "revision" in data:
                current = Flow.objects.select_for_update().values_list("revision", flat=True).get(pk=flow.pk)
                if current != data["revision"]:
                    raise StaleRevision(current_revision=current)
            version = flow_publish(flow=flow, user=request.user, note=data["note"])
        return Response(PublishedVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="List published versions",
        description="Newest first; change_summary tells in one line what each changed against the one before.",
        responses={200: s.VersionListItemSerializer(many=True), **errors(404)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def versions(self, request, pk=None):
        return Response(s.VersionListItemSerializer(versions_with_summaries(flow=self.get_object()), many=True).data)

    @extend_schema(
        summary="Compare two versions, or a version and the draft",
        description="Steps added, removed and changed (each field's old and new value, next_step per way out), "
        "renamed steps, label and note changes, settings, a new first step. Moving steps on the canvas is not a "
        "change. Default: from the latest version to the draft. A missing version is a 404.",
        parameters=DIFF_PARAMETERS,
        responses={200: FlowDiffSerializer, **errors(400, 404)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def diff(self, request, pk=None):
        flow = self.get_object()
        query = DiffQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        sides = query.validated_data
        return Response(flow_compare(flow=flow, old=sides.get("from"), new=sides.get("to", "draft")))

    def _version(self, flow: Flow, number: str):
        return get_object_or_404(versions_for_flow(flow=flow).select_related("created_by"), number=int(number))

    @extend_schema(
        summary="Read a published version",
        parameters=[NUMBER],
        responses={200: s.VersionSerializer, **errors(404)},
    )
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]+)", url_name="version")
    def version(self, request, pk=None, number=None):
        return Response(s.VersionSerializer(self._version(self.get_object(), number)).data)

    @extend_schema(
        summary="Copy a version into the draft",
        description="A normal revision-checked save of the version's document into the draft.",
        parameters=[NUMBER],
        request=s.RevisionSerializer,
        responses={200: s.FlowSerializer, **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path=r"versions/(?P<number>[0-9]+)/restore", url_name="restore")
    def restore(self, request, pk=None, number=None):
        flow = self._writable()
        version = self._version(flow, number)
        data = self.validated(s.RevisionSerializer)
        flow = flow_restore_version(flow=flow, version=version, user=request.user, base_revision=data["revision"])
        return Response(s.FlowSerializer(flow).data)

    @extend_schema(
        summary="Discard the draft's changes",
        description="Puts the latest version back into the draft: a normal revision-checked save (the editor can "
        "undo it). 404 when nothing is published.",
        request=s.RevisionSerializer,
        responses={200: s.FlowSerializer, **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        flow = self._writable()
        data = self.validated(s.RevisionSerializer)
        flow = flow_discard_changes(flow=flow, user=request.user, base_revision=data["revision"])
        return Response(s.FlowSerializer(flow).data)

    @extend_schema(
        summary="Duplicate a flow",
        description='Copies the draft into a new flow of the same team, named "Copy of …" unless a name is given.',
        request=s.DuplicateSerializer,
        responses={201: s.FlowSerializer, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        flow = self.get_object()
        name = self.validated(s.DuplicateSerializer).get("name") or f"Copy of {flow.name}"
        copy = flow_duplicate(flow=flow, user=request.user, name=name[:200])
        return self._created(copy)
