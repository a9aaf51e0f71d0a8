"""Call endpoints: /api/credentials/, /api/calls/ (and export.csv) and /api/flows/{id}/launch/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from editor.calls.api.calls import CallsExportView, CallViewSet, LaunchView
from editor.calls.api.credentials import CredentialViewSet

router = SimpleRouter()
router.register("credentials", CredentialViewSet, basename="credential")
router.register("calls", CallViewSet, basename="call")
urlpatterns = [
    path("calls/export.csv", CallsExportView.as_view(), name="call-export"),
    *router.urls,
    path("flows/<int:flow_id>/launch/", LaunchView.as_view(), name="flow-launch"),
]
