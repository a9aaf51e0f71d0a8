"""One error shape for every error, including the ones raised before a view runs."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from editor.common.api.parsers import LimitedJSONParser
from editor.flows.models import Flow
from tests.support.api import assert_error_shape, token_client

pytestmark = pytest.mark.django_db


def test_it_answers_a_malformed_json_body_with_400(api_as):
    response = api_as("owner").generic("POST", "/api/flows/", '{"name": ', content_type="application/json")
    body = assert_error_shape(response, 400)
    assert body["message"].startswith("The request body is not valid JSON")


@pytest.mark.parametrize(
    "raw",
    [
        '{"name": "a\\u0000b"}',  # NUL: PostgreSQL text cannot hold it
        '{"name": "x", "document": {"steps": [{"id": "\\u0000"}]}}',
        '{"name": "\\ud800"}',  # a lone surrogate cannot be encoded
        '{"name": "x", "document": {"steps": [], "layout": {"\\u0000": {}}}}',
        '{"name": "x", "document": {"steps": [{"id": "0", "count": 1e400}]}}',
        '{"name": "x", "document": NaN}',
        '{"name": "x", "document": Infinity}',
        '{"name": "x", "document": ' + "[" * 100 + "]" * 100 + "}",
        '{"name": "x", "document": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"name": 1' + "0" * 5000 + "}",
    ],
    ids=["nul", "nul-deep", "surrogate", "nul-key", "inf", "nan", "infinity", "deep", "very-deep", "huge-int"],
)
def test_it_refuses_json_the_database_cannot_store(api_as, raw):
    response = api_as("owner").generic("POST", "/api/flows/", raw, content_type="application/json")
    assert_error_shape(response, 400)
    assert not Flow.objects.exists()


def test_it_answers_401_without_credentials():
    response = APIClient().get("/api/flows/")
    body = assert_error_shape(response, 401)
    assert "Token" in body["message"] and response["WWW-Authenticate"] == "Token"


def test_it_answers_401_for_a_wrong_token():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert_error_shape(client.get("/api/flows/"), 401)


def test_it_answers_unknown_api_urls_with_a_json_404(api_as):
    body = assert_error_shape(api_as("owner").get("/api/nothing/here/"), 404)
    assert body["message"] == "Not found."
    assert_error_shape(api_as("owner").get("/api/flows"), 404)
    assert_error_shape(Client().get("/api/nowhere/"), 404)


def test_it_answers_405_and_415_in_the_shape(api_as, flow):
    client = api_as("owner")
    assert_error_shape(client.post(f"/api/flows/{flow.pk}/", {}, format="json"), 405)
    assert_error_shape(client.get("/api/flows/import/"), 405)
    assert_error_shape(client.generic("POST", "/api/flows/", "name=x", content_type="text/plain"), 415)
    assert_error_shape(client.post("/api/flows/", {"name": "x"}, format="multipart"), 415)


def test_it_answers_406_for_an_unsupported_accept_header(api_as):
    assert_error_shape(api_as("owner").get("/api/flows/", HTTP_ACCEPT="text/csv"), 406)


def test_it_answers_413_for_a_json_body_over_the_limit(api_as, settings):
    assert settings.API_MAX_JSON_BYTES == 5 * 1024 * 1024
    padding = "x" * settings.API_MAX_JSON_BYTES
    response = api_as("owner").generic(
        "POST", "/api/flows/", json.dumps({"name": "Big", "description": padding}), content_type="application/json"
    )
    body = assert_error_shape(response, 413)
    assert "5 MB" in body["message"] and body["extra"]["limit_bytes"] == 5 * 1024 * 1024
    assert not Flow.objects.exists()


def test_it_answers_413_before_authentication(settings):
    settings.API_MAX_JSON_BYTES = 100
    settings.API_MAX_FLOW_BYTES = 100  # a PUT of a flow is a save (editor/common/api/middleware.py)
    response = APIClient().generic("PUT", "/api/flows/1/", "x" * 101, content_type="application/json")
    assert_error_shape(response, 413)


def test_it_gives_uploads_their_own_larger_limit(api_as, settings):
    settings.API_MAX_JSON_BYTES = 1000
    settings.API_MAX_UPLOAD_BYTES = 4000
    client = api_as("owner")
    upload = {"file": io.BytesIO(b"a" * 2000)}
    # Within the upload limit: it reaches the view (which takes JSON only, hence 415).
    assert_error_shape(client.post("/api/flows/", upload, format="multipart"), 415)
    upload = {"file": io.BytesIO(b"a" * 5000)}
    body = assert_error_shape(client.post("/api/flows/", upload, format="multipart"), 413)
    assert body["message"].startswith("The request is too large. Uploads")
    assert_error_shape(client.generic("POST", "/api/flows/", "a" * 2000, content_type="application/json"), 413)


def test_a_multipart_form_over_its_field_limit_is_413_naming_that_limit(api_as, settings):
    # Only Django's limit on a form's non-file fields is lowered: the message names it, not the
    # JSON or upload limit (both far above this body).
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    form = {"file": io.BytesIO(b"number\n+12125550100\n"), "number_column": "x" * 5000}
    body = assert_error_shape(api_as("owner").post("/api/do-not-call/import/", form, format="multipart"), 413)
    assert body["code"] == "too_large" and body["extra"]["limit_bytes"] == 1000
    assert body["message"] == ("The request is too large. A form's fields other than files may hold at most "
                               "1,000 bytes.")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    form = {"file": io.BytesIO(b"number\n+12125550100\n"), "number_column": "x" * 70_000}
    body = assert_error_shape(api_as("owner").post("/api/do-not-call/import/", form, format="multipart"), 413)
    assert "at most 64 KB" in body["message"] and body["extra"]["limit_bytes"] == 64 * 1024


def test_it_answers_413_on_html_pages_too(client, settings):
    settings.API_MAX_JSON_BYTES = 100
    response = client.generic(
        "POST", "/accounts/login/", "username=" + "x" * 200, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert b"too large" in response.content and b"<html" in response.content


def test_it_counts_the_bytes_read_not_only_the_declared_length(settings):
    from editor.common.api.errors import RequestTooLarge

    settings.API_MAX_JSON_BYTES = 10
    with pytest.raises(RequestTooLarge):
        LimitedJSONParser().parse(io.BytesIO(b'{"name": "longer than ten"}'))
    assert LimitedJSONParser().parse(io.BytesIO(b'{"a": 1}')) == {"a": 1}


def test_it_answers_429_when_throttled(api_as, settings):
    settings.API_THROTTLE_RATES = {"user": "2/minute", "anon": None}
    client = api_as("viewer")
    assert client.get("/api/flows/").status_code == 200
    assert client.get("/api/flows/").status_code == 200
    response = client.get("/api/flows/")
    body = assert_error_shape(response, 429)
    assert body["extra"]["retry_after"] > 0 and response["Retry-After"] == str(body["extra"]["retry_after"])
    assert body["message"].startswith("Too many requests")


def test_it_rejects_a_session_post_without_csrf(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post("/api/flows/", {"name": "X"}, content_type="application/json")
    body = assert_error_shape(response, 403)
    assert "CSRF" in body["message"]
    assert not Flow.objects.exists()


def test_it_answers_an_unexpected_error_with_a_500_in_the_shape(api_as, flow, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("editor.flows.api.views.flow_export", boom)
    client = api_as("owner")
    client.raise_request_exception = False
    body = assert_error_shape(client.get(f"/api/flows/{flow.pk}/export/"), 500)
    assert "kaboom" not in body["message"]


def test_it_passes_service_errors_through_with_their_status_and_extra(api_as, flow, monkeypatch):
    from editor.common.errors import ServiceError

    class Teapot(ServiceError):
        status_code = 418
        code = "server_error"  # any documented code: the handler passes it through

    def refuse(**kwargs):
        raise Teapot("No tea here.", extra={"why": "coffee only"})

    monkeypatch.setattr("editor.flows.api.views.flow_duplicate", refuse)
    body = assert_error_shape(api_as("owner").post(f"/api/flows/{flow.pk}/duplicate/", {}, format="json"), 418)
    assert body == {"message": "No tea here.", "code": "server_error", "extra": {"why": "coffee only"}}


def test_it_shapes_field_errors_of_several_fields(api_as, flow):
    response = api_as("owner").put(f"/api/flows/{flow.pk}/", {"revision": "x", "name": ""}, format="json")
    body = assert_error_shape(response, 400)
    assert set(body["extra"]["fields"]) == {"revision", "name"}
    assert body["message"] == "2 fields need attention: revision, name."


def test_it_answers_any_unknown_api_path_in_the_shape(api_as):
    for path in ("/api/flows/1%0A2/", "/api/x%0Ay/", "/api/%E2%9C%93/"):
        assert_error_shape(api_as("owner").patch(path, {}, format="json"), 404)


@pytest.mark.parametrize(("name", "value"), [("page", "²"), ("page", "0"), ("page", "1\x00"), ("page", "9" * 40),
                                             ("page_size", "²"), ("page_size", "abc"), ("page_size", "0")])
def test_a_malformed_page_or_page_size_is_a_field_error(owner, name, value):
    response = token_client(owner).get("/api/flows/", {name: value})
    body = assert_error_shape(response, 400, "validation_failed")
    assert name in body["extra"]["fields"]


def test_pages_past_the_end_stay_404_and_last_and_big_sizes_work(owner):
    api = token_client(owner)
    assert_error_shape(api.get("/api/flows/", {"page": "9"}), 404, "not_found")
    assert api.get("/api/flows/", {"page": "last"}).status_code == 200
    assert api.get("/api/flows/", {"page_size": "5000"}).status_code == 200  # at most 200 are returned
