from django.urls import path

from editor.calls import views

urlpatterns = [
    path("calls/", views.call_list, name="call_list"),
    path("calls/launch", views.call_launch_view, name="call_launch"),
    path("calls/export.csv", views.call_export, name="call_export"),
    path("calls/<int:call_id>/", views.call_detail, name="call_detail"),
    path("calls/<int:call_id>/call-again", views.call_again_view, name="call_again"),
    path("credentials/", views.credential_list, name="credential_list"),
    path("credentials/<int:credential_id>/edit", views.credential_edit, name="credential_edit"),
    path("credentials/<int:credential_id>/delete", views.credential_delete_view, name="credential_delete"),
    path("healthz", views.healthz, name="healthz"),
]
