"""Page-number pagination for API lists: ``{"count", "next", "previous", "results"}``.

``?page=`` and ``?page_size=`` are typed like every query parameter (editor/common/params.py): ``page=²``
or ``page_size=abc`` is 400 ``validation_failed`` naming the parameter (DRF would answer 404, or quietly
use the default size). A page past the last one stays 404 ``not_found``; a size above 200 is 200.
"""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination

from editor.common.params import BoundedIntField, QueryForm

MAX_PAGE = 10**9


class PageField(BoundedIntField):
    """A page number, or ``last`` (DRF's name for the last page)."""

    def to_python(self, value):
        if str(value).strip() == "last":
            return "last"
        return super().to_python(value)


class PageParams(QueryForm):
    page = PageField(min_value=1, max_value=MAX_PAGE)
    page_size = BoundedIntField(min_value=1, max_value=MAX_PAGE)


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        PageParams.parse(request.query_params)
        return super().paginate_queryset(queryset, request, view)
