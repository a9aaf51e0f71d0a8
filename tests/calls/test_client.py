"""The Samespace client against a local HTTP server: outcome classification, headers, the guard."""

from __future__ import annotations

import json
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests
from werkzeug import Response

from editor.calls import samespace
from editor.calls.samespace import SANDBOX_BASE_PATH, Kind, check_base_url, parse_retry_after, post_call

PAYLOAD = {"cloud_id": "C", "auth_token": "tok-secret-123", "record": False, "flow": []}


@pytest.fixture(autouse=True)
def local_hosts(settings):
    settings.SAMESPACE_INSECURE_HOSTS = ["127.0.0.1", "localhost"]
    settings.SAMESPACE_CONNECT_TIMEOUT = 1.0
    settings.SAMESPACE_READ_TIMEOUT = 1.0


def post(httpserver, key: str = "key-1"):
    return post_call(base_url=httpserver.url_for(SANDBOX_BASE_PATH), payload=PAYLOAD, idempotency_key=key)


def test_it_posts_json_with_the_idempotency_key_and_keeps_the_call_id(httpserver):
    httpserver.expect_oneshot_request(SANDBOX_BASE_PATH + "/call/flow", method="POST",
                                      headers={"Idempotency-Key": "key-1"}).respond_with_json(
        {"status": "ok", "data": {"call_id": "abc-123"}})
    outcome = post(httpserver)

    assert (outcome.kind, outcome.status_code, outcome.samespace_call_id) == (Kind.ACCEPTED, 200, "abc-123")
    request, _ = httpserver.log[0]
    assert json.loads(request.data) == PAYLOAD
    assert request.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("code, kind", [
    (201, Kind.ACCEPTED), (429, Kind.RETRY), (502, Kind.RETRY), (503, Kind.RETRY), (504, Kind.RETRY),
    (400, Kind.FAILED), (401, Kind.FAILED), (403, Kind.FAILED), (404, Kind.FAILED), (422, Kind.FAILED),
    (500, Kind.UNKNOWN), (501, Kind.UNKNOWN), (505, Kind.UNKNOWN), (302, Kind.FAILED),
])
def test_it_classifies_each_status_as_the_design_says(httpserver, code, kind):
    headers = {"Location": "http://127.0.0.1:1/elsewhere"} if code == 302 else {}
    httpserver.expect_request(SANDBOX_BASE_PATH + "/call/flow").respond_with_response(
        Response("{}", status=code, headers=headers, content_type="application/json"))
    outcome = post(httpserver)

    assert outcome.kind == kind
    assert outcome.status_code == code
    assert outcome.auth_rejected is (code == 401)
    assert len(httpserver.log) == 1  # never retried inside the client, redirects not followed


def test_it_reads_retry_after_in_seconds_and_as_a_date(httpserver):
    httpserver.expect_oneshot_request(SANDBOX_BASE_PATH + "/call/flow").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "7"}))
    assert post(httpserver).retry_after == 7
    assert parse_retry_after(format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)) >= 28
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_it_calls_a_read_timeout_unknown(httpserver):
    def slow(request):
        time.sleep(1.5)
        return Response("{}", status=200)

    httpserver.expect_request(SANDBOX_BASE_PATH + "/call/flow").respond_with_handler(slow)
    outcome = post(httpserver)
    assert outcome.kind == Kind.UNKNOWN and "read timeout" in outcome.error


def test_it_retries_a_refused_connection():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    outcome = post_call(base_url=f"http://127.0.0.1:{port}{SANDBOX_BASE_PATH}", payload=PAYLOAD, idempotency_key="k")
    assert outcome.kind == Kind.RETRY and "not sent" in outcome.error


def test_it_calls_a_connection_dropped_after_sending_unknown():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    import threading

    def accept_and_drop():
        conn, _ = server.accept()
        conn.recv(65536)  # read the request, then hang up without answering
        conn.close()

    thread = threading.Thread(target=accept_and_drop)
    thread.start()
    try:
        outcome = post_call(base_url=f"http://127.0.0.1:{port}{SANDBOX_BASE_PATH}", payload=PAYLOAD,
                            idempotency_key="k")
    finally:
        thread.join(5)
        server.close()
    assert outcome.kind == Kind.UNKNOWN


def test_it_scrubs_an_echoed_token_from_the_stored_body(httpserver):
    httpserver.expect_request(SANDBOX_BASE_PATH + "/call/flow").respond_with_json({"echo": PAYLOAD}, status=400)
    outcome = post(httpserver)
    assert PAYLOAD["auth_token"] not in outcome.body and "REDACTED" in outcome.body


def test_it_uses_one_pooled_session_per_process(httpserver):
    httpserver.expect_request(SANDBOX_BASE_PATH + "/call/flow").respond_with_json({"id": 1})
    first = samespace.get_session()
    post(httpserver)
    post(httpserver)
    assert samespace.get_session() is first
    assert first.trust_env is False


@pytest.mark.parametrize("url, ok", [
    ("https://api.samespace.com/api/public/v1", True),
    ("https://API.samespace.com./api/public/v1", True),
    ("http://api.samespace.com/api/public/v1", False),
    ("https://api.samespace.com.evil.test/v1", False),
    ("https://2130706433/v1", False),
    ("https://0x7f000001/v1", False),
    ("https://[::1]/v1", False),
    ("https://10.0.0.5/v1", False),
    ("https://user@api.samespace.com/v1", False),
    ("https://api.samespace.com/v1?x=1", False),
    ("https://api.samespace.com:99999/v1", False),
    ("file:///etc/passwd", False),
    ("http://127.0.0.1:8000/sandbox/api/public/v1", True),  # the dev sandbox (SAMESPACE_INSECURE_HOSTS)
    ("http://localhost:8123/sandbox/api/public/v1/", True),  # whatever port the development server uses
    # Plain http reaches the sandbox's path only: never another local service with the stored token.
    ("http://127.0.0.1:6379", False),
    ("http://127.0.0.1:6379/", False),
    ("http://127.0.0.1:5432/api/public/v1", False),
    ("http://localhost:8000/sandbox/api/public/v1/../../../admin", False),
    ("http://127.0.0.1:8000/sandbox/api/public/v2", False),
])
def test_it_allows_only_allowlisted_hosts(url, ok):
    assert (check_base_url(url) is None) is ok


def test_plain_http_names_the_sandbox_path_it_may_use():
    assert check_base_url("http://127.0.0.1:6379") == (
        "Plain http goes only to the development sandbox: use http://127.0.0.1:6379/sandbox/api/public/v1.")


def test_it_refuses_a_connection_that_lands_on_a_private_address(settings, httpserver):
    """An allowlisted name that resolves to an internal address (DNS rebinding) is caught on connect."""
    settings.SAMESPACE_INSECURE_HOSTS = []
    httpserver.expect_request("/x").respond_with_data("internal")
    with pytest.raises(samespace.BlockedAddress):
        samespace.get_session().get(httpserver.url_for("/x").replace("localhost", "127.0.0.1"), timeout=2)
    assert len(httpserver.log) == 0


def test_it_allows_public_addresses_only():
    assert samespace._address_allowed("93.184.216.34")
    for address in ("127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "::ffff:127.0.0.1", "192.168.0.1",
                    "100.64.0.1", "0.0.0.0", "fd00::1", "224.0.0.1"):
        assert not samespace._address_allowed(address), address


def test_it_builds_the_payload_from_the_version_contact_and_number(samespace_example_fixed):
    document = {"steps": [dict(step) for step in samespace_example_fixed["flow"]], "settings": {"record": True}}
    document["steps"][0]["number"] = "{{contact.number}}"
    document["steps"][1]["text"] = "Hi {{contact.name}}, your code is {{account_id}}."
    document["steps"][0]["next_step"] = 1

    payload = samespace.build_payload(document=document, cloud_id="CL", number="+15550100", variables={"name": "Ada"})
    assert payload["auth_token"] == "REDACTED" and payload["cloud_id"] == "CL" and payload["record"] is True
    assert payload["flow"][0]["number"] == "+15550100"
    assert payload["flow"][0]["next_step"] == "1"
    assert payload["flow"][1]["text"] == "Hi Ada, your code is {{account_id}}."
    assert all(isinstance(step["id"], str) for step in payload["flow"])


def test_it_backs_off_with_jitter_and_never_before_retry_after(settings):
    from editor.calls.services.calls import retry_delay

    settings.SAMESPACE_BACKOFF_BASE = 1.0
    settings.SAMESPACE_BACKOFF_MAX = 30.0
    for attempt, (low, high) in {1: (0.5, 1), 2: (1, 2), 3: (2, 4), 10: (15, 30)}.items():
        delays = {retry_delay(attempt=attempt, retry_after=None) for _ in range(50)}
        assert all(low <= d <= high for d in delays) and len(delays) > 1
    assert all(retry_delay(attempt=1, retry_after=12) >= 12 for _ in range(20))


def test_it_never_lets_requests_retry_or_follow_redirects_by_itself():
    adapter = samespace.get_session().get_adapter("https://api.samespace.com/")
    assert adapter.max_retries.total == 0
    assert isinstance(adapter, requests.adapters.HTTPAdapter)
