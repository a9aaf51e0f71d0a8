"""No 500 for any query parameter or form value: each finding of the attack on the running site, on
the API (400 with the error shape and the field named) and on the pages (the page with the problem
shown). Run on PostgreSQL, where a NUL character in a query is a DataError."""

from __future__ import annotations

import pytest

from editor.campaigns.models import DoNotCall
from tests.campaigns.conftest import make_campaign
from tests.support.api import is_error_body
from tests.support.pages import rendered_field

pytestmark = pytest.mark.django_db

BAD = {
    "superscript": "²",
    "arabic_digit": "٣",
    "nul": "1\x00",
    "huge": "9" * 40,
    "thousands_of_digits": "9" * 5000,
}

API_LISTS = [
    ("/api/calls/", ["flow", "credential", "ids", "status", "number", "date", "created_after", "created_before"]),
    ("/api/campaigns/", ["team", "status"]),
    ("/api/do-not-call/", ["team", "search"]),
    ("/api/credentials/", ["team"]),
    ("/api/flows/", ["team", "archived", "search"]),
]


@pytest.mark.parametrize(("path", "names"), API_LISTS, ids=[p for p, _ in API_LISTS])
@pytest.mark.parametrize("kind", list(BAD))
def test_it_answers_a_bad_query_parameter_with_400_not_500(api_as, path, names, kind):
    api = api_as("owner")
    for name in names:
        response = api.get(path, {name: BAD[kind]})
        assert response.status_code in (200, 400), (path, name, kind, response.status_code)
        if response.status_code == 400:
            body = response.json()
            assert is_error_body(body) and body["code"] == "validation_failed", body
            assert name in body["extra"]["fields"], body


@pytest.mark.parametrize("name", ["flow", "team", "credential"])
def test_a_non_ascii_digit_is_not_an_id(api_as, name):
    path = "/api/credentials/" if name == "team" else "/api/calls/"
    response = api_as("owner").get(path, {name: "²"})
    assert response.status_code == 400
    assert response.json()["extra"]["fields"][name]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30", "²⁰²⁶-01-01"])
def test_a_far_or_impossible_date_is_a_field_error(api_as, owner_client, day):
    response = api_as("owner").get("/api/calls/", {"date": day})
    assert response.status_code == 400
    assert "date" in response.json()["extra"]["fields"]
    page = owner_client.get("/calls/", {"date": day})
    assert page.status_code == 200
    assert rendered_field(page.content.decode(), "f-date").invalid  # the error beside the Day filter


def test_an_ordinary_date_still_filters(api_as):
    assert api_as("owner").get("/api/calls/", {"date": "2026-01-31"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "names"),
    [("/calls/", ["flow", "date", "number", "status"]), ("/flows/", ["q"]), ("/do-not-call/", ["search"])],
)
@pytest.mark.parametrize("kind", list(BAD))
def test_pages_show_a_bad_query_parameter_as_a_problem(owner_client, path, names, kind):
    for name in names:
        response = owner_client.get(path, {name: BAD[kind]})
        assert response.status_code == 200, (path, name, kind, response.status_code)


@pytest.mark.parametrize("kind", list(BAD))
def test_a_campaign_page_and_its_contacts_take_any_filter(owner_client, api_as, team, version, credential, kind):
    campaign = make_campaign(team, version, credential, numbers=["+12125551000"])
    for name in ("status", "number"):
        page = owner_client.get(f"/campaigns/{campaign.pk}/", {name: BAD[kind]})
        assert page.status_code == 200
        api = api_as("owner").get(f"/api/campaigns/{campaign.pk}/contacts/", {name: BAD[kind]})
        assert api.status_code in (200, 400) and (api.status_code == 200 or is_error_body(api.json()))


def test_contacts_filter_by_status_and_number(api_as, team, version, credential):
    campaign = make_campaign(team, version, credential, numbers=["+12125551000", "+12125551001"])
    api = api_as("owner")
    found = api.get(f"/api/campaigns/{campaign.pk}/contacts/", {"number": "1001", "status": "pending"}).json()
    assert [c["number"] for c in found["results"]] == ["+12125551001"]
    unknown = api.get(f"/api/campaigns/{campaign.pk}/contacts/", {"status": "sleeping"})
    assert unknown.status_code == 400 and "status" in unknown.json()["extra"]["fields"]


@pytest.mark.parametrize("entry", ["abc", "²", "", "9" * 40])  # NUL: tests/common/test_form_bodies.py
def test_removing_a_do_not_call_entry_that_is_not_an_id_is_a_message(owner_client, team, owner, entry):
    DoNotCall.objects.create(team=team, number="+12125551000")
    response = owner_client.post("/do-not-call/", {"action": "remove", "entry": entry, "team": team.pk})
    assert response.status_code == 400  # the refused form, shown again (editor/campaigns/forms.py)
    assert b"Choose an entry of the list to remove." in response.content
    assert DoNotCall.objects.filter(team=team).count() == 1


def test_the_sandbox_log_answers_bad_filters_with_400(client):
    for name, value in (("limit", "²"), ("limit", "9" * 5000), ("status", "²"), ("number", "1\x00"), ("limit", "0")):
        response = client.get("/sandbox/requests/", {name: value})
        assert response.status_code == 400, (name, response.status_code)
        assert is_error_body(response.json()) and name in response.json()["extra"]["fields"]
    assert client.get("/sandbox/requests/", {"limit": "5"}).status_code == 200
