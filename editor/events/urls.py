from django.urls import path

from editor.events import views

urlpatterns = [
    path("hooks/samespace/<str:token>/", views.samespace_hook, name="samespace_hook"),
]
