"""One limit across processes: two web servers share the Redis cache, so the anonymous limit (here
counted by refused tokens) is reached after N requests in total, not N per process."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.support.workers import private_broker_url, stop_process_group, worker_database_url, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
LIMIT = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_until_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server stopped:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not start:\n{log.read_text()[-3000:]}")


@pytest.fixture
def two_servers(tmp_path):
    env = worker_env(
        DATABASE_URL=worker_database_url(),
        CACHE_URL=private_broker_url(),
        CACHE_KEY_PREFIX=f"test-{uuid.uuid4().hex}",  # a prefix of its own: nothing to clear afterwards
        API_THROTTLE_ANON=f"{LIMIT}/minute",
    )
    processes: list[subprocess.Popen] = []
    urls: list[str] = []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = tmp_path / f"server-{name}.log"
            proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                 "flowstudio.wsgi:application"],
                cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
            )
            processes.append(proc)
            urls.append(f"http://127.0.0.1:{port}")
            wait_until_up(urls[-1], proc, log)
        yield urls
    finally:
        for proc in processes:
            stop_process_group(proc)


def test_two_server_processes_share_one_limit(two_servers):
    first, second = two_servers
    answers = [get(f"{(first, second)[n % 2]}/api/flows/", "not-a-real-token") for n in range(LIMIT + 2)]
    codes = [status for status, _ in answers]
    assert codes == [401] * LIMIT + [429, 429], codes
    assert answers[-1][1]["code"] == "throttled"
