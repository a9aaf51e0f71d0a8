"""A campaign's contact imports.

* ``GET /api/campaigns/{id}/imports/{import_id}/``: where the import is (status, share of the file
  read, rows read, imported, rejected…) and, once done, its report (at most CONTACT_IMPORT_REPORT_ROWS
  rows of each kind: the response stays bounded whatever the file)
* ``GET /api/campaigns/{id}/imports/{import_id}/rejected.csv``: every rejected row, streamed
* ``GET /api/do-not-call/imports/{import_id}/rejected.csv``: the same for an import into the do-not-call list
"""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from editor.campaigns.models import ContactImport, DncImport
from editor.campaigns.selectors import campaigns_for_user, dnc_imports_for_user
from editor.campaigns.services.contacts import import_report
from editor.campaigns.services.rejected import rejected_rows_csv
from editor.common.api.schema import ErrorSerializer
from editor.common.csvsafe import csv_download


def import_of(user, campaign_id: int, import_id: int) -> ContactImport:
    """An import of a campaign of the user's teams (another team's is a 404)."""
    campaign = get_object_or_404(campaigns_for_user(user=user), pk=campaign_id)
    return get_object_or_404(ContactImport.objects.filter(campaign=campaign), pk=import_id)


def dnc_import_of(user, import_id: int) -> DncImport:
    """A do-not-call import of one of the user's teams (another team's is a 404)."""
    return get_object_or_404(dnc_imports_for_user(user=user), pk=import_id)


def rejected_response(item: ContactImport | DncImport) -> StreamingHttpResponse:
    kind = "do-not-call-import" if isinstance(item, DncImport) else "import"
    return csv_download(rejected_rows_csv(item), f"{kind}-{item.pk}-rejected.csv")


class ImportDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="A contact import: its progress while a worker reads the file, then its report",
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiResponse(ErrorSerializer)},
    )
    def get(self, request, pk: int, import_id: int):
        return Response(import_report(import_of(request.user, pk, import_id)))


class RejectedRowsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Every rejected row of a contact import as CSV (line, value, reason)",
        responses={(200, "text/csv"): OpenApiTypes.STR, 404: OpenApiResponse(ErrorSerializer)},
    )
    def get(self, request, pk: int, import_id: int):
        return rejected_response(import_of(request.user, pk, import_id))


class DncRejectedRowsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Every rejected row of a do-not-call import as CSV (line, value, reason)",
        responses={(200, "text/csv"): OpenApiTypes.STR, 404: OpenApiResponse(ErrorSerializer)},
    )
    def get(self, request, import_id: int):
        return rejected_response(dnc_import_of(request.user, import_id))
