"""Search filter for API lists (ordering uses DRF's OrderingFilter as it is)."""

from __future__ import annotations

from rest_framework.filters import SearchFilter

from editor.common.params import QueryForm, TextField


class SearchTerms(QueryForm):
    search = TextField()


class NameSearchFilter(SearchFilter):
    """``?search=`` over the view's ``search_fields``, typed like every query parameter
    (editor/common/params.py): a NUL character or an overlong search is a 400 naming ``search``."""

    def get_search_terms(self, request):
        SearchTerms.parse({"search": request.query_params.get(self.search_param, "")})
        return super().get_search_terms(request)
