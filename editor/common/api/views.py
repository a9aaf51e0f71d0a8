"""The shape the API's viewsets share: JSON bodies within the size limit, numeric ids, paginated
lists, one ``list`` and ``retrieve``, and ``validated()`` for request bodies. Permissions and the
team scoping of querysets belong to each viewset (editor/accounts/permissions.py, the selectors)."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.viewsets import GenericViewSet

from editor.common.api.pagination import StandardPagination
from editor.common.api.parsers import LimitedJSONParser


class ApiViewSet(GenericViewSet):
    parser_classes = [LimitedJSONParser]
    pagination_class = StandardPagination
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"
    # How an object looks in a list, and on its own (a detail may carry more).
    list_serializer_class: type[BaseSerializer] | None = None
    detail_serializer_class: type[BaseSerializer] | None = None

    def validated(self, serializer_class: type[BaseSerializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def list_queryset(self):
        return self.filter_queryset(self.get_queryset())

    def list(self, request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.list_queryset())
        return self.get_paginated_response(self.list_serializer_class(page, many=True).data)

    def retrieve(self, request, pk: Any = None) -> Response:
        serializer_class = self.detail_serializer_class or self.list_serializer_class
        return Response(serializer_class(self.get_object()).data)
