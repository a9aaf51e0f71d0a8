from django.urls import path

from editor.flows import views

urlpatterns = [
    path("", views.home, name="home"),
    path("flows/", views.flow_list, name="flow_list"),
    path("flows/new", views.flow_create, name="flow_create"),
    path("flows/import", views.flow_import, name="flow_import_page"),
    path("flows/<int:flow_id>/edit", views.flow_edit, name="flow_edit"),
    path("flows/<int:flow_id>/duplicate", views.flow_duplicate, name="flow_duplicate"),
    path("flows/<int:flow_id>/delete", views.flow_delete, name="flow_delete"),
]
