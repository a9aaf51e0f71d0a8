"""The do-not-call list's API: ``/api/do-not-call/`` list (``?search=``, ``?team=``), add, read,
``DELETE /api/do-not-call/{id}/``, ``POST /api/do-not-call/import/`` (multipart ``file``: 202, a worker
imports it) and ``GET /api/do-not-call/imports/{id}/`` (its progress, then its report).

Every member reads; editors and owners write (viewers get 403); another team's number or import is a 404.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from editor.accounts.permissions import TeamChoiceMixin, TeamScopedApiMixin, require_edit_role
from editor.campaigns.api.campaigns import ERRORS
from editor.campaigns.filters import DoNotCallFilters
from editor.campaigns.models import DoNotCall
from editor.campaigns.selectors import dnc_for_user, dnc_imports_for_user, dnc_listed
from editor.campaigns.services.dnc import dnc_add, dnc_remove
from editor.campaigns.services.dnc_imports import dnc_import_report, dnc_import_start
from editor.common.api.views import ApiViewSet


class DoNotCallSerializer(serializers.ModelSerializer):
    class Meta:
        model = DoNotCall
        fields = ["id", "team", "number", "note", "created_at"]
        read_only_fields = fields


class DoNotCallCreateSerializer(TeamChoiceMixin):
    number = serializers.CharField(max_length=40)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    region = serializers.CharField(max_length=2, required=False, default="US",
                                   help_text="For numbers written without +country code.")


class DoNotCallImportSerializer(TeamChoiceMixin):
    file = serializers.FileField()
    number_column = serializers.CharField(required=False, allow_blank=True, max_length=200)
    region = serializers.CharField(max_length=2, required=False, default="US")



@extend_schema_view(
    list=extend_schema(summary="List do-not-call numbers", parameters=[OpenApiParameter("search", str),
                                                                       OpenApiParameter("team", int)],
                       responses={200: DoNotCallSerializer(many=True)}),
    retrieve=extend_schema(summary="A do-not-call number", responses={200: DoNotCallSerializer, **ERRORS}),
    create=extend_schema(summary="Add a number (normalised to E.164; adding it twice is harmless)",
                         request=DoNotCallCreateSerializer, responses={201: DoNotCallSerializer, **ERRORS}),
    destroy=extend_schema(summary="Remove a number", responses={204: None, **ERRORS}),
)
class DoNotCallViewSet(TeamScopedApiMixin, ApiViewSet):
    serializer_class = list_serializer_class = DoNotCallSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            return dnc_listed(user=self.request.user, **DoNotCallFilters.parse(self.request.query_params))
        return dnc_for_user(user=self.request.user).order_by("-created_at", "-id")

    def create(self, request):
        data = self.validated(DoNotCallCreateSerializer)
        require_edit_role(request.user, data["team"])
        entry = dnc_add(team=data["team"], number=data["number"], note=data.get("note", ""), user=request.user,
                        region=data.get("region") or "US")
        return Response(DoNotCallSerializer(entry).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        dnc_remove(entry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Import numbers from a CSV (an optional note column is kept): a worker imports it",
                   description="The first line and the number column are checked at once (400); the file is "
                   "stored and a worker imports it: 202 with the queued import, whose `progress_url` "
                   "(`GET /api/do-not-call/imports/{id}/`) shows its progress, then its report.",
                   request={"multipart/form-data": DoNotCallImportSerializer},
                   responses={202: OpenApiTypes.OBJECT, **ERRORS})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_csv(self, request):
        data = self.validated(DoNotCallImportSerializer)
        require_edit_role(request.user, data["team"])
        item = dnc_import_start(team=data["team"], upload=data["file"], number_column=data.get("number_column") or None,
                                region=(data.get("region") or "US").upper(), user=request.user,
                                filename=getattr(data["file"], "name", "") or "")
        body = dnc_import_report(item)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["progress_url"]})

    @extend_schema(summary="A do-not-call import: its progress while a worker reads the file, then its report",
                   responses={200: OpenApiTypes.OBJECT, 404: ERRORS[404]})
    @action(detail=False, methods=["get"], url_path=r"imports/(?P<import_id>\d+)")
    def import_detail(self, request, import_id=None):
        return Response(dnc_import_report(get_object_or_404(dnc_imports_for_user(user=request.user), pk=import_id)))


__all__ = ["DoNotCallViewSet"]
