from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect
from django.urls import include, path, re_path


def old_admin_url(request: HttpRequest, model: str, rest: str) -> HttpResponsePermanentRedirect:
    """Admin pages kept their addresses from when every model lived in one ``editor`` app
    (/admin/editor/flow/ is now /admin/flows/flow/): bookmarks and links keep working."""
    found = next((m for m in apps.get_models() if m._meta.model_name == model
                  and m._meta.app_label in ("accounts", "flows", "calls", "campaigns")), None)
    if found is None:
        raise Http404("No such admin page.")
    query = f"?{request.META['QUERY_STRING']}" if request.META.get("QUERY_STRING") else ""
    return HttpResponsePermanentRedirect(f"/admin/{found._meta.app_label}/{model}/{rest}{query}")


admin.site.site_header = "FlowStudio administration"
admin.site.site_title = "FlowStudio admin"
admin.site.index_title = "What FlowStudio stores"

urlpatterns = [
    re_path(r"^admin/editor/(?P<model>[a-z]+)/(?P<rest>.*)$", old_admin_url),
    path("admin/", admin.site.urls),
    path("api/", include("flowstudio.api_urls")),
    path("", include("editor.accounts.urls")),
    path("", include("editor.flows.urls")),
    path("", include("editor.calls.urls")),
    path("", include("editor.events.urls")),
    path("", include("editor.campaigns.urls")),
]
if settings.SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/", include("sandbox.urls")))
