"""A property-based run over the query parameters of every API list and page: whatever the values
(NUL characters, digits that are not ASCII, huge and far-future numbers and dates, plain noise), the
answer is never a 500, and an API 4xx is the error shape. Run on PostgreSQL, where a NUL in a query
is a DataError that SQLite never shows."""

from __future__ import annotations

import os
import re

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.support.api import is_error_body, token_client

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0")) or 60

NASTY = ["²", "٣", "０", "1\x00", "\x00", "9" * 19, "9" * 5000, "-1", "0", "1e9", " 1", "9999-12-31",
         "0001-01-01", "2026-02-30", "9999-12-31T23:59:59+14:00", "²⁰²⁶-01-01", "a,b,,", ",".join(["1"] * 300)]
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),  # any code point but surrogates, NUL included
    st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=5),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat()),
)
COMMON = ["page", "page_size", "ordering", "search", "team", "status"]
API_LISTS = {
    "/api/flows/": [*COMMON, "archived"],
    "/api/calls/": [*COMMON, "flow", "credential", "number", "date", "created_after", "created_before", "ids"],
    "/api/calls/export.csv": ["flow", "credential", "number", "date", "created_after", "created_before", "status"],
    "/api/do-not-call/export.csv": ["search", "team"],
    "/api/campaigns/": COMMON,
    "/api/do-not-call/": COMMON,
    "/api/credentials/": COMMON,
    "/api/teams/": COMMON,
}
PAGES = {
    "/flows/": ["q", "page"],
    "/calls/": ["flow", "date", "number", "status", "page"],
    "/calls/export.csv": ["flow", "date", "number", "status"],
    "/do-not-call/export.csv": ["search", "team"],
    "/do-not-call/": ["search", "page"],
    "/campaigns/": ["page", "status"],
    "/credentials/": ["page", "team"],
    "/sandbox/requests/": ["idempotency_key", "number", "status", "limit"],
}


def queries(names: list[str]):
    return st.dictionaries(st.sampled_from(names), VALUES, min_size=1, max_size=4)


def run(fetch, targets: dict[str, list[str]], *, api: bool) -> list[str]:
    failures: list[str] = []

    def exercise_path(path: str, names: list[str]) -> None:
        @given(query=queries(names))
        @hsettings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                   suppress_health_check=list(HealthCheck))
        def exercise(query):
            with transaction.atomic():  # a database error must not poison the rest of the run
                response = fetch(path, query)
            if response.status_code >= 500:
                failures.append(f"GET {path} {query!r:.200} -> {response.status_code}")
            elif api and response.status_code >= 400 and not is_error_body(response.json()):
                failures.append(f"GET {path} {query!r:.200} -> {response.status_code} not the error shape")

        exercise()

    for path, names in targets.items():
        exercise_path(path, names)
    return failures


def test_no_query_string_makes_the_api_answer_500(owner, team, settings):
    settings.API_THROTTLE_RATES = {"anon": None, "user": None}
    api = token_client(owner)
    failures = run(lambda path, query: api.get(path, query), API_LISTS, api=True)
    assert not failures, "\n".join(sorted(set(failures))[:30])


def test_no_query_string_makes_a_page_answer_500(owner, team):
    client = Client()
    client.force_login(owner)
    failures = run(lambda path, query: client.get(path, query), PAGES, api=False)
    assert not failures, "\n".join(sorted(set(failures))[:30])


def schema_queries() -> dict[str, list[str]]:
    """Every GET operation of the OpenAPI schema that takes query parameters: {path template: names}."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = {}
    for path, operations in schema["paths"].items():
        names = [p["name"] for p in operations.get("get", {}).get("parameters", []) if p["in"] == "query"]
        if names:
            found[path] = names
    return found


def test_no_query_string_makes_any_api_operation_answer_500(owner, site, settings):
    """The schema's own list of query parameters, on every GET operation that has some (detail ones
    too: a flow's diff and counts, a campaign's contacts and results), aimed at real objects."""
    settings.API_THROTTLE_RATES = {"anon": None, "user": None}
    targets = {}
    for template, names in schema_queries().items():
        kind = template.split("/")[2]
        ids = {"id": site.get(f"{kind.rstrip('s')}_id"), "flow_id": site["flow_id"], "number": site["number"]}
        path = re.sub(r"\{(\w+)\}", lambda m, ids=ids: str(ids[m.group(1)]), template)
        targets[path] = [*names, "team"]
    assert {f"/api/flows/{site['flow_id']}/diff/", f"/api/campaigns/{site['campaign_id']}/contacts/",
            f"/api/flows/{site['flow_id']}/versions/{site['number']}/counts/"} <= set(targets)
    api = token_client(owner)
    failures = run(lambda path, query: api.get(path, query), targets, api=True)
    assert not failures, "\n".join(sorted(set(failures))[:30])
