"""Search filter for API lists (ordering uses DRF's OrderingFilter as it is)."""

from __future__ import annotations

from rest_framework.filters import SearchFilter


class NameSearchFilter(SearchFilter):
    """``?search=`` over the view's ``search_fields``.

    A NUL character cannot reach PostgreSQL in a query, so it is dropped from the terms.
    """

    def get_search_terms(self, request):
        terms = super().get_search_terms(request)
        return [cleaned for term in terms if (cleaned := term.replace("\x00", ""))]
