"""The sandbox imitating Samespace's POST /call/flow."""

from __future__ import annotations

import json

import pytest

from sandbox.models import SandboxRequest

pytestmark = pytest.mark.django_db
URL = "/sandbox/api/public/v1/call/flow"


@pytest.fixture
def payload(samespace_example_fixed, settings) -> dict:
    # As FlowStudio posts it: the Call step's {{contact.number}} filled in with the number launched.
    flow = samespace_example_fixed["flow"]
    flow = [{**flow[0], "number": "917507161643"}, *flow[1:]]
    return {**samespace_example_fixed, "flow": flow, "cloud_id": "CLOUD", "auth_token": settings.SANDBOX_AUTH_TOKEN}


def post(client, payload, key: str = "key-1", number: str | None = None):
    if number is not None:
        payload = {**payload, "flow": [{**payload["flow"][0], "number": number}, *payload["flow"][1:]]}
    return client.post(URL, json.dumps(payload), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


def test_it_accepts_a_valid_call_and_records_it_without_the_token(client, payload, settings):
    response = post(client, payload)

    assert response.status_code == 200
    body = response.json()
    assert body["call_id"].startswith("sbx-")
    record = SandboxRequest.objects.get()
    assert (record.status, record.idempotency_key, record.number, record.call_id) == (
        200, "key-1", "917507161643", body["call_id"])
    assert record.payload["auth_token"] == "REDACTED"
    assert settings.SANDBOX_AUTH_TOKEN not in json.dumps(record.payload)


def test_it_answers_the_same_call_id_for_a_replayed_idempotency_key(client, payload):
    first = post(client, payload).json()
    second = post(client, payload).json()
    assert second["call_id"] == first["call_id"] and second["replayed"] is True
    assert post(client, payload, key="other").json()["call_id"] != first["call_id"]


def test_it_refuses_a_wrong_token_with_401(client, payload):
    response = post(client, {**payload, "auth_token": "guess"})
    assert response.status_code == 401
    assert SandboxRequest.objects.get().payload["auth_token"] == "REDACTED"


def test_it_validates_the_flow_with_the_flow_core(client, payload):
    broken = {**payload, "flow": [{**payload["flow"][0], "next_step": "99"}, *payload["flow"][1:]]}
    response = post(client, broken)
    assert response.status_code == 400
    assert [e["code"] for e in response.json()["errors"]] == ["dangling_next_step"]
    assert post(client, {"auth_token": payload["auth_token"]}).status_code == 400
    assert client.post(URL, "not json", content_type="application/json").status_code == 400


@pytest.mark.parametrize("number, statuses", [
    ("+15550500", [500, 500]),
    ("+15550400", [400, 400]),
    ("+15550503", [503, 200]),
    ("+15550502", [502, 200]),
    ("+15551503", [503, 503]),
    ("+15550429", [429, 200]),
])
def test_it_injects_faults_by_number_suffix_per_idempotency_key(client, payload, number, statuses):
    answers = [post(client, payload, number=number) for _ in statuses]
    assert [a.status_code for a in answers] == statuses
    if statuses[0] == 429:
        assert answers[0]["Retry-After"] == "2"
    assert post(client, payload, key="fresh", number=number).status_code == statuses[0]


def test_it_injects_a_fault_for_every_request_from_the_setting(client, payload, settings):
    settings.SANDBOX_FAULT = "503"
    assert post(client, payload).status_code == 503
    settings.SANDBOX_FAULT = ""
    assert post(client, payload).status_code == 200


def test_it_answers_slowly_when_asked(client, payload, settings):
    settings.SANDBOX_SLOW_SECONDS = 0.3
    response = post(client, payload, number="+15550555")
    assert response.status_code == 200
    assert SandboxRequest.objects.get().duration_ms >= 300


def test_it_lists_requests_newest_first_with_filters(client, payload):
    post(client, payload, key="a")
    post(client, payload, key="b", number="+15550500")
    post(client, {**payload, "auth_token": "bad"}, key="c")

    listing = client.get("/sandbox/requests/").json()
    assert listing["count"] == 3
    assert [r["idempotency_key"] for r in listing["results"]] == ["c", "b", "a"]
    assert [r["status"] for r in listing["results"]] == [401, 500, 200]
    assert set(listing["results"][0]) >= {"number", "idempotency_key", "status", "received_at"}
    assert client.get("/sandbox/requests/?idempotency_key=b").json()["count"] == 1
    assert client.get("/sandbox/requests/?status=200").json()["count"] == 1
    assert "REDACTED" in json.dumps(listing) and payload["auth_token"] not in json.dumps(listing)
