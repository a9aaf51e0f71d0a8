"""Page downloads of the campaigns area that are not pages: an import's rejected rows (contacts or
do-not-call numbers) and the
do-not-call list as CSV (the same streams as the API's: editor/campaigns/api/imports.py, exports.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from editor.campaigns.api.imports import dnc_import_of, import_of, rejected_response
from editor.campaigns.filters import DoNotCallFilters
from editor.campaigns.selectors import dnc_csv, dnc_listed
from editor.common.csvsafe import csv_download


@login_required
@require_GET
def import_rejected(request: HttpRequest, campaign_id: int, import_id: int) -> StreamingHttpResponse:
    return rejected_response(import_of(request.user, campaign_id, import_id))


@login_required
@require_GET
def dnc_import_rejected(request: HttpRequest, import_id: int) -> StreamingHttpResponse:
    return rejected_response(dnc_import_of(request.user, import_id))


@login_required
@require_GET
def dnc_export(request: HttpRequest) -> HttpResponse:
    """The do-not-call list (its search as on the page) as CSV; a malformed search goes back to the
    page, which says what is wrong with it."""
    filters = DoNotCallFilters(request.GET)
    if not filters.is_valid():
        response = redirect("dnc_list")
        response["Location"] += "?" + request.GET.urlencode()
        return response
    return csv_download(dnc_csv(dnc_listed(user=request.user, **filters.cleaned_data)), "do-not-call.csv")
