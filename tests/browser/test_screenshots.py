"""Each main page at 1440×900 and at 1280×720, saved into test-artifacts/ to be looked at.

Beyond the pictures, what can be measured is checked at both sizes: nothing is wider than the window
(no sideways scrolling) and the navigation stays on one line.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.site import populated_site

SIZES = [(1440, 900), (1280, 720)]
MAIN = ["flows", "editor", "calls", "call", "credentials", "campaigns", "campaign", "campaign-new",
        "campaign-contacts", "campaign-schedule", "campaign-review", "do-not-call", "team", "settings"]


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["1440x900", "1280x720"])
def test_each_main_page_fits_and_is_shot(owner_page, live_server, team, owner, shot, width, height):
    site = populated_site(team=team, owner=owner)
    page = owner_page
    page.set_viewport_size({"width": width, "height": height})
    for name in MAIN:
        page.goto(f"{live_server.url}{site[name]}")
        expect(page.locator("main")).to_be_visible()
        if name == "editor":
            expect(page.locator("#flow-editor[data-ready=true]")).to_be_attached()
        page.wait_for_load_state("networkidle")
        sizes = page.evaluate("""() => ({
            wide: document.documentElement.scrollWidth, window: window.innerWidth,
            nav: document.querySelector('nav.navbar').getBoundingClientRect().height,
        })""")
        assert sizes["wide"] <= sizes["window"], f"{name} scrolls sideways at {width}×{height}: {sizes}"
        assert sizes["nav"] < 70, f"the navigation of {name} wraps at {width}×{height}: {sizes}"
        shot(page, f"page-{name}-{width}x{height}")
    assert page.errors == []  # type: ignore[attr-defined]

    # The admin, in the same colours, and the sign-in page a new user sees first.
    owner.is_staff = owner.is_superuser = True
    owner.save(update_fields=["is_staff", "is_superuser"])
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#site-name")).to_have_text("FlowStudio administration")
    shot(page, f"page-admin-{width}x{height}")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    shot(page, f"page-login-{width}x{height}")
