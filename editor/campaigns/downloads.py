"""Page downloads of the campaigns area that are not pages: an import's rejected rows as CSV (the
same stream as the API's, editor.campaigns.api.imports.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from editor.campaigns.api.imports import import_of, rejected_response


@login_required
@require_GET
def import_rejected(request: HttpRequest, campaign_id: int, import_id: int) -> StreamingHttpResponse:
    return rejected_response(import_of(request.user, campaign_id, import_id))
