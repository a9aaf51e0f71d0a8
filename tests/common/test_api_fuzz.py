"""A bounded schemathesis run against the OpenAPI schema: no input may cause a 500.

Requests go in-process to the WSGI application with a real token and the real (test) database.
Half of the generated requests are pointed at a real flow and version of the user's team, so the
fuzzing reaches the views' logic and not only the 404 path. FUZZ_EXAMPLES sets the budget
per operation.
"""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.generation import GenerationMode

from editor.flows.models import Flow
from editor.flows.services.flows import flow_import, flow_publish
from tests.support.api import is_error_body

pytestmark = pytest.mark.django_db

# Examples per operation: FUZZ_EXAMPLES when set; otherwise 15, fewer when the API grows, so the
# whole run stays near 400 examples (about 40 s on a busy 2-CPU machine), never under 5 each.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0"))
TOTAL = 400
# Deterministic in CI; FUZZ_RANDOM=1 explores new inputs on every run.
DERANDOMIZE = os.environ.get("FUZZ_RANDOM", "") != "1"
# FUZZ_PATHS=/api/flows,/api/teams limits a local run to some paths.
PATHS = tuple(p for p in os.environ.get("FUZZ_PATHS", "").split(",") if p)


@pytest.fixture
def wsgi_app():
    # Like Django's test client: keep the test's connection (and transaction) open between requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_it_never_answers_500_to_generated_requests(wsgi_app, settings_override, team, owner, samespace_example_fixed):
    token = Token.objects.create(user=owner).key
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    per_operation = EXAMPLES or max(5, min(15, TOTAL // len(operations)))
    labels = {op.label for op in operations}
    assert {"GET /api/flows/", "PUT /api/flows/{id}/", "POST /api/flows/{id}/versions/{number}/restore/"} <= labels

    target: dict[str, int] = {}

    def real_flow() -> Flow:
        """A published flow of the user's team (made again when a generated DELETE removed it)."""
        flow = Flow.objects.filter(pk=target.get("pk"), is_archived=False).first()
        if flow is None:
            flow = flow_import(team=team, user=owner, name="Fuzz target", payload=samespace_example_fixed)
            flow_publish(flow=flow, user=owner)
            target["pk"] = flow.pk
        return flow

    failures: list[str] = []
    timings: list[tuple[float, str]] = []
    for operation in operations:
        if PATHS and not operation.path.startswith(PATHS):
            continue
        strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)

        @given(case=strategy, aim_at_real=st.booleans(), current_revision=st.booleans())
        @settings(
            max_examples=per_operation,
            deadline=None,
            database=None,
            derandomize=DERANDOMIZE,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case, aim_at_real, current_revision):
            if aim_at_real and case.path_parameters:
                flow = real_flow()
                if "id" in case.path_parameters:
                    case.path_parameters["id"] = flow.pk
                if "number" in case.path_parameters:
                    case.path_parameters["number"] = 1
                if current_revision and isinstance(case.body, dict) and "revision" in case.body:
                    case.body["revision"] = flow.revision
            # A savepoint per request: a database error in one request must not abort the test's
            # transaction and turn every later request into a 500 too.
            with transaction.atomic():
                response = case.call(headers={"Authorization": f"Token {token}"})
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.body!r:.300} -> {response.status_code}")
            elif response.status_code >= 400:
                try:
                    body = response.json()
                except ValueError:
                    body = response.text[:200]
                if not is_error_body(body):
                    failures.append(f"{case.method} {case.formatted_path} -> {response.status_code} {body!r:.200}")

        started = time.monotonic()
        exercise()
        timings.append((time.monotonic() - started, operation.label))
    print("\n".join(f"{seconds:6.2f}s {label}" for seconds, label in sorted(timings, reverse=True)))
    assert not failures, "\n".join(sorted(set(failures))[:30])


@pytest.fixture
def settings_override(settings):
    settings.API_THROTTLE_RATES = {"anon": None, "user": None}
    return settings
