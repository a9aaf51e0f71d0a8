"""The error body in the OpenAPI schema, the usual error responses of an endpoint, and the view that
serves the schema."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """Every error: a message for people and details for programs (field errors under extra.fields)."""

    message = serializers.CharField()
    code = serializers.CharField(help_text="Stable and machine-readable; branch on it (docs/api-contract.md).")
    extra = serializers.DictField(child=serializers.JSONField())


def error_responses(descriptions: dict[int, str]) -> dict[int, OpenApiResponse]:
    """``{400: "why", ...}`` → OpenAPI responses with the error body."""
    return {code: OpenApiResponse(ErrorSerializer, description=text) for code, text in descriptions.items()}


class SchemaView(SpectacularAPIView):
    """``GET /api/schema/``. The API has one version, so ``?version=`` is not read: drf-spectacular
    would put it into the Content-Disposition header, where a CR or LF in it was a 500."""

    def _get_version_parameter(self, request):
        return None
