"""What happened on each contact's last call (from call events) in the campaign's results table, its
CSV and its API, with filters: answered, reached step X, pressed keys."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.support.api import assert_error_shape, token_client

from .conftest import make_campaign, make_credential, make_version, us_numbers

pytestmark = pytest.mark.django_db

MENU = {
    "steps": [
        {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+12125550199", "next_step": "1"},
        {"id": "1", "type": "digits", "count": 1, "variable": "choice", "next_step": {"1": "2", "*": "3"}},
        {"id": "2", "type": "play", "text": "Thanks {{contact.name}}."},
        {"id": "3", "type": "play", "text": "Goodbye."},
    ],
    "layout": {}, "settings": {"record": False},
}
T0 = 1_780_000_000


def _events(answered: bool, pressed: str = "") -> list[dict]:
    if not answered:
        return [{"event": "ringing", "timestamp": T0}, {"event": "no_answer", "timestamp": T0 + 30},
                {"event": "ended", "reason": "no_answer", "timestamp": T0 + 30}]
    goes_to = "2" if pressed == "1" else "3"
    return [{"event": "ringing", "timestamp": T0}, {"event": "answered", "timestamp": T0 + 4},
            {"event": "step", "step": "1", "timestamp": T0 + 5},
            {"event": "digits", "step": "1", "digits": pressed, "timestamp": T0 + 8},
            {"event": "step", "step": goes_to, "timestamp": T0 + 9},
            {"event": "ended", "step": goes_to, "reason": "completed", "timestamp": T0 + 20}]


@pytest.fixture
def campaign_with_outcomes(team, owner):
    from editor.calls.services.calls import call_create
    from editor.calls.services.credentials import credential_update
    from editor.events.processing import call_process_events
    from editor.events.services import events_receive

    version = make_version(team, document=MENU)
    credential = credential_update(credential=make_credential(team), send_events=True)
    campaign = make_campaign(team, version, credential, numbers=us_numbers(4))
    stories = [(True, "1"), (True, "2"), (False, ""), None]  # the last contact has no call yet
    for contact, story in zip(campaign.contacts.order_by("id"), stories, strict=True):
        if story is None:
            continue
        call = call_create(version=version, credential=credential, number=contact.number, variables={"name": "Ada"})
        contact.last_call = call
        contact.save(update_fields=["last_call"])
        events_receive(token=call.events_key + call.events_secret, body=json.dumps(_events(*story)).encode())
        call_process_events(call_id=call.pk)
    return campaign


def _numbers(client, campaign, query: str = "") -> list[str]:
    response = client.get(f"/api/campaigns/{campaign.pk}/contacts/{query}")
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def test_the_api_carries_and_filters_what_happened(campaign_with_outcomes, viewer):
    client = token_client(viewer)
    numbers = us_numbers(4)
    rows = client.get(f"/api/campaigns/{campaign_with_outcomes.pk}/contacts/").json()["results"]
    first = rows[0]["last_call"]
    assert first["outcome"]["answered"] is True and first["outcome"]["digits"] == {"choice": "1"}
    assert first["outcome"]["path"] == ["0", "1", "2"]
    assert first["what_happened"].startswith("Answered · pressed 1 (choice) · ended at step 2 (completed)")
    assert rows[3]["last_call"] is None
    assert _numbers(client, campaign_with_outcomes, "?answered=true") == numbers[:2]
    assert _numbers(client, campaign_with_outcomes, "?answered=false") == [numbers[2]]
    assert _numbers(client, campaign_with_outcomes, "?reached=2") == [numbers[0]]
    assert _numbers(client, campaign_with_outcomes, "?reached=1") == numbers[:2]
    assert _numbers(client, campaign_with_outcomes, "?pressed=1") == [numbers[0]]
    assert _numbers(client, campaign_with_outcomes, "?pressed=2&reached=3") == [numbers[1]]


@pytest.mark.parametrize("query", ["?answered=maybe", "?pressed=1a", "?reached=a%7Cb"])
def test_bad_outcome_filters_are_400(campaign_with_outcomes, viewer, query):
    response = token_client(viewer).get(f"/api/campaigns/{campaign_with_outcomes.pk}/contacts/{query}")
    assert_error_shape(response, 400, "validation_failed")


def test_the_csv_carries_what_happened(campaign_with_outcomes, viewer):
    response = token_client(viewer).get(f"/api/campaigns/{campaign_with_outcomes.pk}/results.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["answered"] for r in rows] == ["yes", "yes", "no", ""]
    assert rows[0]["steps"] == "0 > 1 > 2" and rows[0]["digits"] == "choice=1"
    assert (rows[1]["end_step"], rows[1]["end_reason"], rows[1]["duration_seconds"]) == ("3", "completed", "16")
    assert rows[2]["end_reason"] == "no_answer" and rows[0]["name"] == "Ada"


def test_the_results_table_shows_what_happened(campaign_with_outcomes, client, viewer):
    client.force_login(viewer)
    page = client.get(f"/campaigns/{campaign_with_outcomes.pk}/").content.decode()
    assert "Answered · pressed 1 (choice) · ended at step 2 (completed)" in page
    assert "Not answered · ended at step 0 (no_answer)" in page


def test_csv_cells_that_look_like_formulas_are_neutralised():
    from editor.events.selectors import csv_safe

    for formula in ("=1+2", "+1-2", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "\r=1"):
        assert csv_safe(formula).startswith("'")
    assert csv_safe("0 > 1") == "0 > 1"


def test_the_results_table_filters_by_what_happened(campaign_with_outcomes, client, viewer):
    client.force_login(viewer)
    base = f"/campaigns/{campaign_with_outcomes.pk}/"
    numbers = us_numbers(4)

    def shown(query: str) -> list[str]:
        page = client.get(base + query).content.decode()
        return [n for n in numbers if f'<td class="font-monospace">{n}</td>' in page]

    assert shown("") == numbers
    assert shown("?answered=yes") == numbers[:2]
    assert shown("?answered=no") == [numbers[2]]
    assert shown("?reached=2") == [numbers[0]]
    assert shown("?pressed=2") == [numbers[1]]
    page = client.get(base + "?pressed=1a").content.decode()
    assert "Keys are 0-9, * and #." in page  # shown beside the field; that filter is left out
    assert shown("?pressed=1a") == numbers


def _csv_numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    return [row["number"] for row in rows]


def test_the_csv_is_filtered_as_the_api_and_the_table_are(campaign_with_outcomes, client, viewer):
    numbers = us_numbers(4)
    api = token_client(viewer)
    url = f"/api/campaigns/{campaign_with_outcomes.pk}/results.csv"
    assert _csv_numbers(api.get(url)) == numbers
    assert _csv_numbers(api.get(url + "?answered=true")) == numbers[:2]
    assert _csv_numbers(api.get(url + "?answered=false")) == [numbers[2]]
    assert _csv_numbers(api.get(url + "?reached=2")) == [numbers[0]]
    assert _csv_numbers(api.get(url + "?pressed=1")) == [numbers[0]]
    assert_error_shape(api.get(url + "?pressed=1a"), 400, "validation_failed")

    client.force_login(viewer)
    page = client.get(f"/campaigns/{campaign_with_outcomes.pk}/?answered=yes&pressed=2").content.decode()
    link = f"/campaigns/{campaign_with_outcomes.pk}/results.csv?answered=yes&amp;pressed=2"
    assert f'href="{link}">Export these results (CSV)' in page
    assert _csv_numbers(client.get(link.replace("&amp;", "&"))) == [numbers[1]]
    refused = client.get(f"/campaigns/{campaign_with_outcomes.pk}/results.csv?pressed=1a")
    assert refused.status_code == 302
    assert refused["Location"].endswith(f"/campaigns/{campaign_with_outcomes.pk}/?pressed=1a")
