from django.urls import re_path

from editor.events import views

urlpatterns = [
    # The trailing slash is optional: APPEND_SLASH would otherwise answer a POST without it with a
    # redirect (or, with DEBUG, an error), and a redirected POST loses its body.
    re_path(r"^hooks/samespace/(?P<token>[^/]+)/?$", views.samespace_hook, name="samespace_hook"),
]
