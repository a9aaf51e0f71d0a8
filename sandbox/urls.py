from django.urls import path

from sandbox import views

app_name = "sandbox"
urlpatterns = [
    path("api/public/v1/call/flow", views.call_flow, name="call_flow"),
    path("requests/", views.request_list, name="requests"),
]
