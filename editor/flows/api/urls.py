"""Flow endpoints: /api/flows/ and the simulator's /api/flows/{id}/simulate/ and tests/."""

from rest_framework.routers import SimpleRouter

from editor.flows.api.simulator.views import simulator_urls
from editor.flows.api.views import FlowViewSet

router = SimpleRouter()
router.register("flows", FlowViewSet, basename="flow")
urlpatterns = [*router.urls, *simulator_urls]
