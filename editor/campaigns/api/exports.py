"""``GET /api/do-not-call/export.csv``: the do-not-call list (the list's filters) as a CSV file,
streamed through editor/common/csvsafe.py like every CSV the site writes."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from editor.campaigns.filters import DoNotCallFilters
from editor.campaigns.selectors import dnc_csv, dnc_listed
from editor.common.api.schema import ErrorSerializer
from editor.common.csvsafe import csv_download


class DoNotCallExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="The do-not-call list as CSV (number, note, team, added_by, added_at)",
        parameters=[OpenApiParameter("search", str, description="Numbers containing these digits."),
                    OpenApiParameter("team", int, description="Only this team's numbers.")],
        responses={(200, "text/csv"): OpenApiTypes.STR, 400: OpenApiResponse(ErrorSerializer)},
    )
    def get(self, request):
        wanted = DoNotCallFilters.parse(request.query_params)
        return csv_download(dnc_csv(dnc_listed(user=request.user, **wanted)), "do-not-call.csv")
