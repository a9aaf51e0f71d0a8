"""``GET /api/campaigns/{id}/imports/{import_id}/rejected.csv``: every rejected row of a contact
import, streamed (the import's report keeps only the first ones: editor/campaigns/services/contacts.py)."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from editor.campaigns.models import ContactImport
from editor.campaigns.selectors import campaigns_for_user
from editor.campaigns.services.rejected import rejected_rows_csv
from editor.common.api.schema import ErrorSerializer
from editor.common.csvsafe import csv_download


def import_of(user, campaign_id: int, import_id: int) -> ContactImport:
    """An import of a campaign of the user's teams (another team's is a 404)."""
    campaign = get_object_or_404(campaigns_for_user(user=user), pk=campaign_id)
    return get_object_or_404(ContactImport.objects.filter(campaign=campaign), pk=import_id)


def rejected_response(item: ContactImport) -> StreamingHttpResponse:
    return csv_download(rejected_rows_csv(item), f"import-{item.pk}-rejected.csv")


class RejectedRowsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Every rejected row of a contact import as CSV (line, value, reason)",
        responses={(200, "text/csv"): OpenApiTypes.STR, 404: OpenApiResponse(ErrorSerializer)},
    )
    def get(self, request, pk: int, import_id: int):
        return rejected_response(import_of(request.user, pk, import_id))
