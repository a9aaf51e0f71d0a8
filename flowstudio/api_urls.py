"""The REST API under /api/ (docs/api-contract.md): each app's endpoints, the OpenAPI schema and
Swagger UI (served from the app, no CDN), and a JSON 404 for anything else."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView

from editor.common.api.errors import not_found
from editor.common.api.schema import SchemaView

urlpatterns = [
    path("", include("editor.accounts.api")),
    path("", include("editor.flows.api.urls")),
    path("", include("editor.calls.api.urls")),
    path("", include("editor.events.api")),
    path("", include("editor.campaigns.api.urls")),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    # The split view serves its start-up script from this URL (?script=), not inline: the
    # Content-Security-Policy (django-csp, flowstudio/settings.py) runs no inline script without the nonce.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/ is a 404 in the API's error shape, not Django's HTML page.
    re_path(r"^", not_found, name="api-not-found"),
]
