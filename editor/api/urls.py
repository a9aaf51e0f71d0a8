"""The REST API under /api/ (docs/api-contract.md), its OpenAPI schema and Swagger UI."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from .calls import CallViewSet, LaunchView
from .campaigns import CampaignResultsView, CampaignViewSet, DoNotCallViewSet
from .credentials import CredentialViewSet
from .errors import not_found
from .simulator import simulator_urls
from .views import FlowViewSet, TeamViewSet

router = SimpleRouter()
router.register("flows", FlowViewSet, basename="flow")
router.register("teams", TeamViewSet, basename="team")
router.register("credentials", CredentialViewSet, basename="credential")
router.register("calls", CallViewSet, basename="call")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("do-not-call", DoNotCallViewSet, basename="do-not-call")

urlpatterns = [
    *router.urls,
    path("flows/<int:flow_id>/launch/", LaunchView.as_view(), name="flow-launch"),
    path("campaigns/<int:pk>/results.csv", CampaignResultsView.as_view(), name="campaign-results"),
    *simulator_urls,
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/ is a 404 in the API's error shape, not Django's HTML page.
    re_path(r"^", not_found, name="api-not-found"),
]
