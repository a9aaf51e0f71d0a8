"""axe-core finds no serious or critical violation on any page of the site.

Each main page is opened with something on it (tests/support/site.py), and again in the states a
person meets: a dialog open, a form refused. tests/support/axe.py runs axe-core inside the page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.axe import assert_accessible, run_axe
from tests.support.site import populated_site


@pytest.fixture
def site(team, owner):
    return populated_site(team=team, owner=owner)


def test_every_page_passes_axe(owner_page, live_server, site):
    page = owner_page
    for name, path in site.items():
        if name == "editor":
            continue  # the canvas has a test of its own below
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main")).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_count(1)  # what the page is, for screen readers
        assert_accessible(page)
    assert page.errors == []  # type: ignore[attr-defined]


def test_pages_in_their_other_states_pass_axe(owner_page, live_server, site):
    page = owner_page
    page.goto(f"{live_server.url}/flows/")
    page.get_by_role("button", name="+ New flow").first.click()
    expect(page.locator("#new-dialog")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}{site['campaign-schedule']}")
    page.fill("#id_calls_per_minute", "-5")
    page.get_by_role("button", name="Next: review").click()
    expect(page.locator("#id_calls_per_minute_error")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}{site['calls']}")
    page.get_by_role("button", name="Launch a call").click()
    page.get_by_role("button", name="Place the call").click()
    expect(page.locator("#launch-number_error")).to_be_visible()
    assert_accessible(page)


def test_the_admin_passes_axe(owner_page, live_server, site, owner):
    owner.is_staff = owner.is_superuser = True
    owner.save(update_fields=["is_staff", "is_superuser"])
    page = owner_page
    for path in ["/admin/", "/admin/campaigns/campaign/"]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)


def test_the_signed_out_pages_pass_axe(page, live_server):
    for path in ["/accounts/login/", "/accounts/password/reset/"]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)


def test_the_editor_passes_axe(owner_page, live_server, site, make_flow):
    page = owner_page
    page.goto(f"{live_server.url}{site['editor']}")
    expect(page.locator("#flow-editor[data-ready=true]")).to_be_attached()
    assert_accessible(page)
    # A page heading too (a moderate finding for axe, but how screen readers find their way).
    assert "page-has-heading-one" not in [v["id"] for v in run_axe(page)]
    expect(page.get_by_role("heading", level=1)).to_have_text("Flow editor: Appointment reminder")
    empty = make_flow("Empty")
    page.goto(f"{live_server.url}/flows/{empty.pk}/edit")
    expect(page.locator("#flow-editor[data-ready=true]")).to_be_attached()
    assert_accessible(page)
