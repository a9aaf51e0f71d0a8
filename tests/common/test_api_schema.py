"""The OpenAPI 3 schema describes every endpoint; Swagger UI is served by the app, no CDN."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
import yaml

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}
EXPECTED = {
    "/api/flows/": {"get", "post"},
    "/api/flows/{id}/": {"get", "put", "patch", "delete"},
    "/api/flows/import/": {"post"},
    "/api/flows/validate/": {"post"},
    "/api/flows/{id}/validate/": {"post"},
    "/api/flows/{id}/export/": {"get"},
    "/api/flows/{id}/publish/": {"post"},
    "/api/flows/{id}/versions/": {"get"},
    "/api/flows/{id}/versions/{number}/": {"get"},
    "/api/flows/{id}/versions/{number}/restore/": {"post"},
    "/api/flows/{id}/duplicate/": {"post"},
    "/api/teams/": {"get"},
}


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return (
        response.json() if response["Content-Type"].startswith("application/json") else yaml.safe_load(response.content)
    )


def test_it_serves_an_openapi_3_schema_with_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    paths = {path: {m for m in ops if m in METHODS} for path, ops in schema["paths"].items()}
    # Other parts of the API (calls, credentials) add their own paths beside these.
    assert {path: paths.get(path) for path in EXPECTED} == EXPECTED


def test_it_describes_every_operation(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            where = f"{method.upper()} {path}"
            assert operation.get("summary") or operation.get("description"), where
            assert any(code.startswith("2") for code in operation["responses"]), where


def test_it_describes_the_flow_operations_with_their_errors(schema):
    for path, methods in EXPECTED.items():
        for method in methods:
            operation = schema["paths"][path][method]
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            assert "401" in operation["responses"], where
            for code, response in operation["responses"].items():
                if code >= "400":
                    assert response["content"]["application/json"]["schema"]["$ref"].endswith("/Error"), where
            if method in {"post", "put", "patch"} and path not in {"/api/flows/{id}/validate/"}:
                body = operation["requestBody"]["content"]
                assert list(body) == ["application/json"], where


def test_it_documents_the_error_shape_and_both_auth_schemes(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"message", "code", "extra"}
    assert set(error["required"]) == {"message", "code", "extra"}
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}


def test_it_documents_the_flow_representation(schema):
    flow = schema["components"]["schemas"]["Flow"]["properties"]
    for name in (
        "id",
        "team",
        "name",
        "description",
        "document",
        "revision",
        "diagnostics",
        "created_at",
        "updated_at",
    ):
        assert name in flow
    update = schema["components"]["schemas"]["FlowUpdateRequest"]
    assert update["required"] == ["revision"]


def test_it_serves_swagger_ui_without_any_external_host(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    # The start-up script comes from the same URL, not inline (the Content-Security-Policy runs no
    # inline script without the nonce: flowstudio/settings.py); it is checked with the page.
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    html = response.content.decode() + script.content.decode()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    urls += re.findall(r"""url\s*:\s*["']([^"']+)["']""", html)
    assert urls, html[:500]
    for url in urls:
        parsed = urlparse(url)
        assert not parsed.netloc and not url.startswith("//"), url
    assert not re.search(r"https?://(?!localhost|testserver)[\w.-]+", html.replace("http://www.w3.org", "")), html
    assert '"validatorUrl": null' in html
    # The assets themselves come from this app.
    for url in urls:
        if url.startswith("/static/"):
            asset = client.get(url)
            assert asset.status_code == 200, url
            b"".join(asset.streaming_content) if asset.streaming else asset.content


def test_it_generates_a_valid_schema_without_warnings(tmp_path):
    from django.core.management import call_command

    # --fail-on-warn turns any drf-spectacular warning (an undescribed field, an enum name
    # collision ...) into an error; --validate checks the result against the OpenAPI 3 spec.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
    assert yaml.safe_load((tmp_path / "schema.yaml").read_text())["openapi"].startswith("3.")


@pytest.mark.parametrize("version", ["\r\nX-Injected: 1", "\x00", "1.0.0"])
def test_the_schema_ignores_a_version_parameter(client, version):
    # drf-spectacular put ?version= into the Content-Disposition header: a CR/LF there was a 500.
    response = client.get("/api/schema/", {"version": version})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="FlowStudio API.yaml"'
