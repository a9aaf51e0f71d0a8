from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("editor.api.urls")),
    path("", include("editor.account_urls")),
    path("", include("editor.urls")),
    path("", include("editor.call_urls")),
    path("", include("editor.campaign_urls")),
]
if settings.SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/", include("sandbox.urls")))
