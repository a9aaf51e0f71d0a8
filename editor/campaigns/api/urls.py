"""Campaign endpoints: /api/campaigns/ (with results.csv, each import's progress and its rejected.csv) and
/api/do-not-call/ (with export.csv and each import's rejected.csv)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from editor.campaigns.api.campaigns import CampaignResultsView, CampaignViewSet
from editor.campaigns.api.dnc import DoNotCallViewSet
from editor.campaigns.api.exports import DoNotCallExportView
from editor.campaigns.api.imports import DncRejectedRowsView, ImportDetailView, RejectedRowsView

router = SimpleRouter()
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("do-not-call", DoNotCallViewSet, basename="do-not-call")
urlpatterns = [
    path("do-not-call/export.csv", DoNotCallExportView.as_view(), name="do-not-call-export"),
    path("do-not-call/imports/<int:import_id>/rejected.csv", DncRejectedRowsView.as_view(),
         name="do-not-call-import-rejected"),
    *router.urls,
    path("campaigns/<int:pk>/results.csv", CampaignResultsView.as_view(), name="campaign-results"),
    path("campaigns/<int:pk>/imports/<int:import_id>/", ImportDetailView.as_view(), name="campaign-import"),
    path("campaigns/<int:pk>/imports/<int:import_id>/rejected.csv", RejectedRowsView.as_view(),
         name="campaign-import-rejected"),
]
