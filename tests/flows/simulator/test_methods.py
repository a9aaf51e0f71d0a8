"""The simulator sends only the registry's HTTP methods (editor/flowcore/checks.py), whatever the
document it is given says: no CONNECT, TRACE, lower case, header injection or 5,000-character method."""

from __future__ import annotations

import copy

import pytest
from pytest_httpserver import HTTPServer

from editor.flows.safehttp import Refused, send
from tests.flows.simulator.conftest import MENU

pytestmark = pytest.mark.django_db

BAD_METHODS = ["GET\r\nX-Injected: 1", "CONNECT", "TRACE", "get", "M" * 5000, "G\x00ET"]


@pytest.mark.parametrize("method", BAD_METHODS)
def test_it_never_sends_a_method_outside_the_registry(api_as, menu_flow, settings, httpserver: HTTPServer, method):
    settings.SIMULATOR_HTTP_ALLOWLIST = ["127.0.0.1"]
    httpserver.expect_request("/balance/1").respond_with_data("ok", status=200)
    document = copy.deepcopy(MENU)
    document["steps"][3]["url"] = httpserver.url_for("/balance/{{choice}}")
    document["steps"][3]["method"] = method
    inputs = {"digits": {"2": ["1"]}, "http": {"3": ["send"]}}
    response = api_as("editor").post(
        f"/api/flows/{menu_flow.pk}/simulate/", {"document": document, "inputs": inputs}, format="json"
    )
    assert response.status_code < 500, response.content
    assert httpserver.log == []  # nothing reached the server
    if response.status_code == 200:
        body = response.json()
        assert body["status"] == "ended"
        assert body["end"]["reason"] == "broken_step"


def test_it_still_sends_a_registry_method(api_as, menu_flow, settings, httpserver: HTTPServer):
    settings.SIMULATOR_HTTP_ALLOWLIST = ["127.0.0.1"]
    httpserver.expect_request("/balance/1", method="POST").respond_with_data("ok", status=200)
    document = copy.deepcopy(MENU)
    document["steps"][3]["url"] = httpserver.url_for("/balance/{{choice}}")
    document["steps"][3]["method"] = "POST"
    inputs = {"digits": {"2": ["1"]}, "http": {"3": ["send"]}}
    body = api_as("editor").post(
        f"/api/flows/{menu_flow.pk}/simulate/", {"document": document, "inputs": inputs}, format="json"
    ).json()
    assert body["inputs"]["http"]["3"][0]["status"] == 200
    assert len(httpserver.log) == 1


@pytest.mark.parametrize("method", ["CONNECT", "TRACE", "post", "GET\r\nX-Injected: 1"])
def test_the_safe_sender_refuses_other_methods_before_connecting(method, httpserver: HTTPServer):
    with pytest.raises(Refused, match="method"):
        send(method, httpserver.url_for("/x"), allowlist=["127.0.0.1"])
    assert httpserver.log == []
