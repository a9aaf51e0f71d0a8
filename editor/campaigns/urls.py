from django.urls import path

from editor.campaigns import downloads, views

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:campaign_id>/contacts", views.campaign_contacts, name="campaign_contacts"),
    path("campaigns/<int:campaign_id>/schedule", views.campaign_schedule, name="campaign_schedule"),
    path("campaigns/<int:campaign_id>/review", views.campaign_review, name="campaign_review"),
    path("campaigns/<int:campaign_id>/progress.json", views.campaign_progress, name="campaign_progress"),
    path("campaigns/<int:campaign_id>/results.csv", views.campaign_results, name="campaign_results"),
    path("campaigns/<int:campaign_id>/imports/<int:import_id>/rejected.csv", downloads.import_rejected,
         name="campaign_import_rejected"),
    path("campaigns/<int:campaign_id>/delete", views.campaign_delete_view, name="campaign_delete"),
    path("campaigns/<int:campaign_id>/<str:verb>", views.campaign_action, name="campaign_action"),
    path("do-not-call/", views.dnc_list, name="dnc_list"),
    path("do-not-call/export.csv", downloads.dnc_export, name="dnc_export"),
    path("do-not-call/imports/<int:import_id>/rejected.csv", downloads.dnc_import_rejected,
         name="dnc_import_rejected"),
]
