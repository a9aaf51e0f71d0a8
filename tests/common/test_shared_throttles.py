"""One limit across processes: two web servers share the Redis cache, so the anonymous limit (here
counted by refused tokens) is reached after N requests in total, not N per process."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

import pytest

from tests.support.workers import private_broker_url, web_server, worker_database_url, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
LIMIT = 4


def get(url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def two_servers(tmp_path):
    env = worker_env(
        DATABASE_URL=worker_database_url(),
        CACHE_URL=private_broker_url(),
        CACHE_KEY_PREFIX=f"test-{uuid.uuid4().hex}",  # a prefix of its own: nothing to clear afterwards
        API_THROTTLE_ANON=f"{LIMIT}/minute",
    )
    with web_server(tmp_path / "server-a.log", env) as first, web_server(tmp_path / "server-b.log", env) as second:
        yield first, second


def test_two_server_processes_share_one_limit(two_servers):
    first, second = two_servers
    answers = [get(f"{(first, second)[n % 2]}/api/flows/", "not-a-real-token") for n in range(LIMIT + 2)]
    codes = [status for status, _ in answers]
    assert codes == [401] * LIMIT + [429, 429], codes
    assert answers[-1][1]["code"] == "throttled"
