"""Loading and saving a flow take the same few SQL queries whatever its size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from editor.flows.services.flows import flow_create, flow_publish
from tests.support.api import big_document, token_client

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


def _client(kind, owner):
    if kind == "token":
        return token_client(owner)
    client = Client()
    client.force_login(owner)
    return client


def _load_and_save(client, flow, steps, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES) as load:
        response = client.get(f"/api/flows/{flow.pk}/")
    assert response.status_code == 200 and len(response.json()["document"]["steps"]) == steps
    document = response.json()["document"]
    document["layout"]["0"]["x"] = 999
    with django_assert_max_num_queries(MAX_QUERIES) as save:
        response = client.put(
            f"/api/flows/{flow.pk}/",
            {"revision": flow.revision, "document": document},
            content_type="application/json",
        )
    assert response.status_code == 200 and response.json()["step_count"] == steps
    with django_assert_max_num_queries(MAX_QUERIES) as listing:
        assert client.get("/api/flows/").status_code == 200
    return len(load.captured_queries), len(save.captured_queries), len(listing.captured_queries)


@pytest.mark.parametrize("kind", ["token", "session"])
def test_it_loads_and_saves_a_flow_in_a_constant_number_of_queries(team, owner, kind, django_assert_max_num_queries):
    counts = {}
    for steps in (10, 1000):
        flow = flow_create(team=team, user=owner, name=f"{steps} steps", document=big_document(steps))
        flow_publish(flow=flow, user=owner)
        counts[steps] = _load_and_save(_client(kind, owner), flow, steps, django_assert_max_num_queries)
    assert counts[10] == counts[1000], counts
    assert all(count <= MAX_QUERIES for count in counts[1000])


def test_it_lists_many_flows_in_a_constant_number_of_queries(team, owner):
    client = token_client(owner)
    for i in range(3):
        flow_publish(flow=flow_create(team=team, user=owner, name=f"f{i}", document=big_document(5)), user=owner)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/flows/")
    for i in range(30):
        flow_create(team=team, user=owner, name=f"g{i}", document=big_document(5))
    with CaptureQueriesContext(connection) as many:
        rows = client.get("/api/flows/").json()["results"]
    assert len(rows) == 33 and len(few.captured_queries) == len(many.captured_queries)
