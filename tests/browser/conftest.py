"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

Never run `playwright install`: the system Chromium at /usr/bin/chromium is used.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
BUNDLE = ROOT / "static" / "editor" / "editor.js"

# The machine is shared: give answers that depend on the server (checks, saves) time to arrive.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (never `playwright install`).")
    if not BUNDLE.exists():
        pytest.fail("The editor bundle is missing: run `make frontend` first.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}, "accept_downloads": True}


@pytest.fixture
def login(live_server, transactional_db):
    """Put a signed-in session for `user` into a browser context (no login form involved)."""
    from django.test import Client

    def _login(context, user) -> None:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )

    return _login


@pytest.fixture
def owner_page(page, login, owner, live_server):
    """A page signed in as the team owner, with failures in the page's console collected."""
    login(page.context, owner)
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))  # type: ignore[attr-defined]
    # Everything comes from the app itself: no CDN, no third-party request.
    page.outside = []  # type: ignore[attr-defined]

    def note_request(request) -> None:
        if not request.url.startswith((live_server.url, "blob:", "data:")):
            page.outside.append(request.url)  # type: ignore[attr-defined]

    page.on("request", note_request)
    # Leaving a page with unsaved work asks first; tests that reload mean to leave.
    page.on("dialog", lambda dialog: dialog.accept())
    return page


@pytest.fixture
def shot() -> Callable:
    """Save a screenshot of a main state into test-artifacts/ (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    return _shot


@pytest.fixture
def make_flow(team, owner):
    """Create a flow in the owner's team from any accepted form (docs/architecture.md, "The flow document")."""
    from editor.flows.services.flows import flow_create

    def _make(name: str = "Reminder", document=None):
        return flow_create(team=team, user=owner, name=name, document=document)

    return _make


@pytest.fixture
def demo_payload() -> dict:
    return json.loads((ROOT / "editor" / "flows" / "demo" / "samespace_example.json").read_text())
