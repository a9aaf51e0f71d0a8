"""One look for every page: one stylesheet of design tokens, the logo's indigo as the
only accent, times in words, text shown as text, do-not-call in the navigation, a branded admin, a
favicon and one "Launch a call" on the calls page."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tests.support.browser import open_editor

ROOT = Path(__file__).resolve().parents[2]
TOKENS = ROOT / "static" / "tokens.css"
BRAND = "rgb(79, 70, 229)"
# Bootstrap's blue and the shades it derives from it (focus rings, hover, subtle backgrounds).
BOOTSTRAP_BLUES = ("#0d6efd", "#0b5ed7", "#0a58ca", "#86b7fe", "#cfe2ff", "#9ec5fe", "13, 110, 253", "13,110,253")
COLOUR_LITERAL = re.compile(r"#[0-9a-fA-F]{3,8}\b|rgba?\(\s*\d")


def _stylesheets() -> list[Path]:
    return sorted((ROOT / "frontend" / "src").rglob("*.css"))


def test_colours_are_defined_once_in_the_tokens_stylesheet():
    """Every colour is a token of static/tokens.css: the pages' and the editor's stylesheets only use them."""
    tokens = TOKENS.read_text()
    assert "--fs-brand: #4f46e5;" in tokens and "--bs-primary: var(--fs-brand);" in tokens
    site = (ROOT / "frontend" / "src" / "site.css").read_text()
    assert site.index("bootstrap.min.css") < site.index("../../static/tokens.css"), "tokens must come after Bootstrap"
    for sheet in _stylesheets():
        text = sheet.read_text()
        assert not any(blue in text for blue in BOOTSTRAP_BLUES), sheet
        assert ":root" not in text, f"{sheet} defines variables of its own: they belong in static/tokens.css"
    for sheet in [ROOT / "frontend" / "src" / "site.css", ROOT / "frontend" / "src" / "flows.css"]:
        literals = [m for m in COLOUR_LITERAL.findall(sheet.read_text()) if m not in ("#fff",)]
        assert not literals, f"{sheet.name} has colour literals {literals}: use the tokens"
    templates = [*(ROOT / "editor").glob("*/templates/**/*.html"), *(ROOT / "templates").rglob("*.html")]
    for template in templates:
        text = template.read_text()
        assert not any(blue in text for blue in BOOTSTRAP_BLUES), template
        if template.parts[-2] not in ("admin", "drf_spectacular"):  # those two map their own variables to ours
            assert "<style" not in text, f"{template}: styles go in the stylesheets, with the tokens"


def _accent_colours(page) -> dict:
    """The colours the page's buttons and links are drawn in, and any element in Bootstrap's blue."""
    return page.evaluate(
        """() => {
            const blue = /rgba?\\(13, 110, 253/;
            const found = [];
            for (const el of document.querySelectorAll('body *')) {
                const s = getComputedStyle(el);
                for (const prop of ['color', 'backgroundColor', 'borderTopColor', 'outlineColor', 'boxShadow']) {
                    if (blue.test(s[prop])) found.push(`${el.tagName}.${el.className}: ${prop} ${s[prop]}`);
                }
            }
            const primary = document.querySelector('.btn-primary');
            const link = document.querySelector('main a:not(.btn)');
            return {
                blue: found.slice(0, 10),
                primary: primary && getComputedStyle(primary).backgroundColor,
                link: link && getComputedStyle(link).color,
                logo: getComputedStyle(document.querySelector('.navbar-brand .logo')).color,
            };
        }"""
    )


def test_the_site_has_one_look(owner_page, live_server, flow, shot):
    page = owner_page
    for path in ["/flows/", "/calls/", "/campaigns/", "/campaigns/new", "/do-not-call/", "/teams/", "/credentials/"]:
        page.goto(f"{live_server.url}{path}")
        colours = _accent_colours(page)
        assert colours["blue"] == [], f"{path}: Bootstrap's blue is still used: {colours['blue']}"
        assert colours["logo"] == BRAND
        if colours["primary"]:
            assert colours["primary"] == BRAND, path
        if colours["link"]:
            assert colours["link"] in (BRAND, "rgb(67, 56, 202)"), (path, colours["link"])
    # The canvas reads the same tokens: its Call steps wear the logo's indigo.
    open_editor(page, live_server, flow)
    accent = page.evaluate("() => getComputedStyle(document.querySelector('.fs-node--call')).borderTopColor")
    assert accent == BRAND
    assert _accent_colours(page)["blue"] == []
    assert page.errors == [] and page.outside == []  # type: ignore[attr-defined]


def test_times_read_as_words(owner_page, live_server, make_flow):
    from editor.flows.models import Flow

    page = owner_page
    fresh = make_flow("Fresh")
    older = make_flow("Older")
    Flow.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(minutes=3, seconds=10))
    page.goto(f"{live_server.url}/flows/")
    expect(page.locator("tr", has_text=fresh.name)).to_contain_text("just now")
    expect(page.locator("tr", has_text=older.name)).to_contain_text("3 min ago")
    expect(page.locator("main")).not_to_contain_text(re.compile(r"\b0\s*minutes|minutes ago"))


def test_the_call_page_shows_text_as_text(owner_page, live_server, flow, owner, team, shot):
    from editor.calls.models import AttemptOutcome, Call, CallAttempt
    from editor.calls.services.calls import call_launch
    from editor.calls.services.credentials import credential_create

    credential = credential_create(team=team, user=owner, name="Main line", cloud_id="C",
                                   auth_token=settings.SANDBOX_AUTH_TOKEN, base_url="http://127.0.0.1:9/sandbox/api/public/v1")
    call = call_launch(flow=flow, user=owner, number="+14155550100", credential=credential,
                       variables={"name": "Zoë 👋"})
    # What Samespace answered, stored as it came: JSON text with \u escapes, as most servers send it.
    body = json.dumps({"status": "queued", "greeting": "Zoë 👋"})
    assert "\\u00eb" in body
    Call.objects.filter(pk=call.pk).update(
        status="accepted", response_status=200, response_body=body, attempt_count=1, finished_at=timezone.now(),
        request_payload={"flow": [], "variables": {"name": "Zoë 👋"}},
    )
    CallAttempt.objects.create(call_id=call.pk, number=1, started_at=timezone.now(), outcome=AttemptOutcome.ACCEPTED,
                               status_code=200, body_excerpt=body)

    page = owner_page
    page.goto(f"{live_server.url}/calls/{call.pk}/")
    page.get_by_text("Body", exact=True).click()
    html = page.content()
    assert "\\u" not in html and "\\ud83d" not in html
    main = page.locator("main")
    for shown in [main.locator("pre").nth(0), main.locator("pre").nth(1), main.locator("pre").nth(2)]:
        expect(shown).to_contain_text("Zoë 👋")
    shot(page, "call-detail-text")


def test_navigation_admin_favicon_and_one_launch(owner_page, live_server, flow, owner, team, django_user_model):
    from editor.calls.services.calls import normalise_number
    from editor.calls.services.credentials import credential_create

    credential_create(team=team, user=owner, name="Main line", cloud_id="C",
                      auth_token=settings.SANDBOX_AUTH_TOKEN, base_url="http://127.0.0.1:9/sandbox/api/public/v1")
    page = owner_page
    page.goto(f"{live_server.url}/calls/")
    nav = page.get_by_role("navigation").first
    expect(nav.get_by_role("link", name="Do-not-call")).to_have_attribute("href", "/do-not-call/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(f"{live_server.url}{icon}").status == 200

    # One way in: one "Launch a call" control, which shows the form; its example number is a valid one.
    launch = page.get_by_text("Launch a call", exact=True)
    expect(launch).to_have_count(1)
    expect(page.locator("#launch-card")).to_be_visible()  # no call yet: the form is what the page is for
    page.locator("#launch-card").evaluate("card => card.hidden = true")  # as on a page that lists calls
    launch.click()
    expect(page.locator("#launch-card")).to_be_visible()
    expect(launch).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#launch-number")).to_be_focused()
    example = page.locator("#launch-number").get_attribute("placeholder")
    assert normalise_number(example) == example and len(example) >= 11
    expect(page.locator("#launch-number_helptext")).to_contain_text(example)

    # The admin says whose it is, in the same colours.
    owner.is_staff = owner.is_superuser = True
    owner.save(update_fields=["is_staff", "is_superuser"])
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_title(re.compile("FlowStudio admin"))
    expect(page.locator("#site-name")).to_have_text("FlowStudio administration")
    header = page.evaluate("() => getComputedStyle(document.querySelector('#header')).backgroundColor")
    assert header == "rgb(55, 48, 163)"  # --fs-brand-strong
    assert page.locator("link[rel=icon]").count() >= 1


@pytest.mark.parametrize("path", ["/api/docs/"])
def test_the_api_docs_wear_the_same_colours(owner_page, live_server, path):
    page = owner_page
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None and response.status == 200
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    assert page.locator("link[href$='tokens.css']").count() == 1
    assert page.locator("link[rel=icon]").get_attribute("href").endswith("favicon.svg")
