"""The Content-Security-Policy header (django-csp, flowstudio/settings.py) is on every page, and the editor, the
admin, Swagger UI and a page with inline scripts still work under it in Chromium: no violation is
reported, and an injected inline script does not run."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import node, open_editor
from tests.support.csp import directives


def violations(page) -> list[str]:
    page.csp = []  # type: ignore[attr-defined]
    page.on("console", lambda m: page.csp.append(m.text) if "Content Security Policy" in m.text else None)  # type: ignore[attr-defined]
    return page.csp  # type: ignore[attr-defined]


def test_the_editor_works_under_the_policy(owner_page, live_server, make_flow, demo_payload):
    page = owner_page
    seen = violations(page)
    flow = make_flow("Reminder", demo_payload)
    response = page.goto(f"{live_server.url}/flows/{flow.pk}/edit")
    policy = directives(response.headers["content-security-policy"])
    # The editor has no inline script, so its page needs (and gets) no nonce.
    assert policy["script-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    open_editor(page, live_server, flow)
    expect(node(page, "0")).to_be_visible()
    assert seen == [] and page.errors == []  # type: ignore[attr-defined]


def test_the_calls_page_runs_its_nonced_scripts(owner_page, live_server, make_flow, samespace_example_fixed, team,
                                                owner):
    from editor.calls.services.credentials import credential_create
    from editor.flows.services.flows import flow_publish

    flow_publish(flow=make_flow("Launchable", samespace_example_fixed), user=owner)
    credential_create(team=team, user=owner, name="Sandbox", cloud_id="C", auth_token="t",
                      base_url=f"{live_server.url}/sandbox/api/public/v1")
    page = owner_page
    seen = violations(page)
    response = page.goto(f"{live_server.url}/calls/")
    nonce = page.locator("script[nonce]").first.evaluate("s => s.nonce")
    assert directives(response.headers["content-security-policy"])["script-src"] == f"'self' 'nonce-{nonce}'"
    page.get_by_role("button", name="Launch a call").first.click()  # the listener that replaced onclick=
    expect(page.locator("[data-open-launch]")).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#launch-number")).to_be_focused()
    assert seen == [] and page.errors == []  # type: ignore[attr-defined]


def test_an_injected_inline_script_does_not_run(owner_page, live_server):
    page = owner_page
    seen = violations(page)
    page.goto(f"{live_server.url}/flows/")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.pwned = 1';
                             document.body.appendChild(s); }""")
    assert page.evaluate("() => window.pwned") is None
    assert any("script-src" in text for text in seen)


def test_swagger_ui_works_under_the_policy(owner_page, live_server):
    page = owner_page
    seen = violations(page)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert seen == [] and page.errors == []  # type: ignore[attr-defined]
    assert page.outside == []  # type: ignore[attr-defined]


def test_the_admin_works_under_the_policy(owner_page, live_server, owner):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    page = owner_page
    seen = violations(page)
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto(f"{live_server.url}/admin/auth/user/{owner.pk}/change/")
    expect(page.locator("#user_form")).to_be_visible()
    page.locator("#user_form input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert seen == [] and page.errors == []  # type: ignore[attr-defined]
