"""Every page URL and API path of the single-app layout still answers after the split into apps."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import get_resolver


def _patterns(resolver, prefix=""):
    for item in resolver.url_patterns:
        if hasattr(item, "url_patterns"):
            yield from _patterns(item, prefix + str(item.pattern))
        else:
            yield prefix + str(item.pattern), item.name


# Every route outside the admin as it was before the split ("pattern name" per line; the admin's
# old addresses redirect, see below).
BEFORE = Path(__file__).resolve().parents[1] / "fixtures" / "routes_before_apps.txt"


def test_it_keeps_every_page_and_api_route():
    routes = {f"{pattern} {name}" for pattern, name in _patterns(get_resolver())}
    kept = set(BEFORE.read_text().splitlines())
    assert len(kept) > 75 and kept <= routes, sorted(kept - routes)


@pytest.mark.django_db
def test_it_redirects_the_old_admin_addresses(admin_client):
    response = admin_client.get("/admin/editor/flowversion/?q=x")
    assert response.status_code == 301 and response["Location"] == "/admin/flows/flowversion/?q=x"
    assert admin_client.get("/admin/editor/call/5/change/")["Location"] == "/admin/calls/call/5/change/"
    assert admin_client.get("/admin/editor/nothing/").status_code == 404
    assert admin_client.get(response["Location"]).status_code == 200
