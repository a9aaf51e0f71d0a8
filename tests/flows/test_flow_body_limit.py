"""The editor's save and check of a whole flow may be bigger than other JSON bodies
(API_MAX_FLOW_BYTES): a flow the API took without positions still saves once the canvas lays it out."""

from __future__ import annotations

import json

import pytest

from editor.flows.models import Flow
from tests.support.api import assert_error_shape, big_document

pytestmark = pytest.mark.django_db


def steps_only(steps: int) -> dict:
    document = big_document(steps)
    return {"steps": document["steps"], "settings": document["settings"]}


def laid_out(document: dict) -> dict:
    return {**document, "layout": {s["id"]: {"x": 0, "y": 200 * i} for i, s in enumerate(document["steps"])}}


def send(client, method: str, path: str, body: dict):
    return client.generic(method, path, json.dumps(body, separators=(",", ":")), content_type="application/json")


def test_a_flow_the_api_took_saves_and_checks_once_laid_out(api_as, settings):
    document = steps_only(40)
    size = len(json.dumps({"name": "Big", "document": document}, separators=(",", ":")))
    settings.API_MAX_JSON_BYTES = size + 100
    settings.API_MAX_FLOW_BYTES = 2 * settings.API_MAX_JSON_BYTES
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = settings.API_MAX_JSON_BYTES  # as flowstudio/settings.py has it
    client = api_as("owner")
    created = send(client, "POST", "/api/flows/", {"name": "Big", "document": document})
    assert created.status_code == 201
    flow = created.json()

    # With a position per step the save is over the JSON limit, within the flow limit.
    body = {"revision": flow["revision"], "document": laid_out(document)}
    assert settings.API_MAX_JSON_BYTES < len(json.dumps(body, separators=(",", ":"))) <= settings.API_MAX_FLOW_BYTES
    saved = send(client, "PATCH", f"/api/flows/{flow['id']}/", body)
    assert saved.status_code == 200, saved.json()
    stored = Flow.objects.get(pk=flow["id"]).document
    assert stored["layout"]["39"] == {"x": 0, "y": 7800}
    checked = send(client, "POST", "/api/flows/validate/", {"document": laid_out(document)})
    assert checked.status_code == 200 and checked.json()["valid"] is True
    body = {"revision": saved.json()["revision"], "name": "Big", "document": laid_out(document)}
    assert send(client, "PUT", f"/api/flows/{flow['id']}/", body).status_code == 200


def test_other_bodies_keep_the_json_limit_and_a_save_has_its_own(api_as, settings):
    settings.API_MAX_JSON_BYTES = 2000
    settings.API_MAX_FLOW_BYTES = 6000
    client = api_as("owner")
    flow = send(client, "POST", "/api/flows/", {"name": "Small"}).json()
    document = laid_out(steps_only(30))  # about 3 KB

    # Creating, importing and publishing are not saves of the editor: the JSON limit holds.
    refused = assert_error_shape(send(client, "POST", "/api/flows/", {"name": "Big", "document": document}), 413)
    assert refused["extra"]["limit_bytes"] == 2000
    assert_error_shape(send(client, "POST", "/api/flows/import/", {"name": "Big", "payload": document}), 413)
    note = {"note": "x" * 3000}
    assert_error_shape(send(client, "POST", f"/api/flows/{flow['id']}/publish/", note), 413)

    # A save over the flow limit is refused naming that limit, before it is read.
    big = {"revision": flow["revision"], "document": laid_out(steps_only(90))}
    assert len(json.dumps(big, separators=(",", ":"))) > 6000
    refused = assert_error_shape(send(client, "PATCH", f"/api/flows/{flow['id']}/", big), 413)
    assert refused["extra"]["limit_bytes"] == 6000
    assert Flow.objects.get(pk=flow["id"]).document["steps"] == []


def test_the_editor_measures_against_the_flow_limit(owner_client, team, owner, settings):
    from editor.flows.services.flows import flow_create

    settings.API_MAX_FLOW_BYTES = 7_000_000
    flow = flow_create(team=team, user=owner, name="Sized", document=None)
    page = owner_client.get(f"/flows/{flow.pk}/edit")
    config = json.loads(page.content.decode().split('id="editor-config" type="application/json">')[1].split("<")[0])
    assert config["maxBodyBytes"] == 7_000_000
