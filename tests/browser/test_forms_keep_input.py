"""Every HTML form keeps what was typed after a refused submit.

One test per form, driven in the browser as a person would: type something wrong in several fields
at once, submit, and find every problem beside its field, in words (never an internal name such as
``number_column:``), with everything typed still there.
"""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

# "number_column: …", "variables: …", "retry_delay_seconds: …": a problem that names the code, not the field.
INTERNAL_NAME = re.compile(r"\b[a-z]+_[a-z_]+\s*:")


def refused_with(page: Page, errors: dict[str, str | re.Pattern], kept: dict[str, str]) -> None:
    """Every field of ``errors`` marked refused with those words beside it; every field of ``kept`` holds its value."""
    for field_id, words in errors.items():
        expect(page.locator(f"#{field_id}")).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#{field_id}_error")).to_contain_text(words)
    for field_id, value in kept.items():
        expect(page.locator(f"#{field_id}")).to_have_value(value)
    expect(page.locator("main")).not_to_contain_text(INTERNAL_NAME)


def fill_in(page: Page, values: dict[str, str]) -> None:
    for selector, value in values.items():
        page.fill(selector, value)


@pytest.fixture
def credential(team, owner):
    from editor.calls.services.credentials import credential_create

    return credential_create(team=team, user=owner, name="Main line", cloud_id="CLOUD-1",
                             auth_token=settings.SANDBOX_AUTH_TOKEN, base_url="http://127.0.0.1:9/sandbox/api/public/v1")


@pytest.fixture
def draft(team, owner, credential):
    """A draft campaign of a published flow that calls the contact's number."""
    from editor.campaigns.services.campaigns import campaign_create
    from editor.flows.services.flows import flow_create, flow_publish

    document = {
        "steps": [
            {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+12125550199", "next_step": "1"},
            {"id": "1", "type": "play", "text": "Hello {{contact.name}}."},
        ],
        "layout": {}, "settings": {"record": False},
    }
    version = flow_publish(flow=flow_create(team=team, user=owner, name="Check-up", document=document), user=owner)
    return campaign_create(team=team, user=owner, name="Check-ups", flow_version=version, credential=credential)


@pytest.fixture
def draft_with_contacts(draft):
    from editor.campaigns.services.imports import contacts_import

    contacts_import(campaign=draft, upload=io.BytesIO(b"number,name\n+12125551000,Ada\n+12125551001,Zo\xc3\xab\n"))
    draft.refresh_from_db()
    return draft


def test_new_flow_keeps_what_was_typed(owner_page, live_server):
    page = owner_page
    page.goto(f"{live_server.url}/flows/")
    page.get_by_role("button", name="+ New flow").first.click()
    fill_in(page, {
        "#new-name": "   ",
        "#new-description": "Reminds people of their appointment",
    })
    page.locator("#new-dialog").get_by_role("button", name="Create and open").click()
    expect(page.locator("#new-dialog")).to_be_visible()
    refused_with(page, {"new-name": "Give the new flow a name."},
                 {"new-description": "Reminds people of their appointment"})


def test_import_keeps_the_name_and_says_why_the_file_is_refused(owner_page, live_server, tmp_path):
    page = owner_page
    bad = tmp_path / "flow.json"
    bad.write_text('{"steps": [')
    page.goto(f"{live_server.url}/flows/")
    page.get_by_role("button", name="Import a file").first.click()
    page.set_input_files("#import-file", str(bad))
    page.fill("#import-name", "Zoë's reminder")
    page.locator("#import-dialog").get_by_role("button", name="Import").click()
    refused_with(page, {"import-file": "not valid JSON"}, {"import-name": "Zoë's reminder"})


def test_launch_shows_every_problem_at_once(owner_page, live_server, flow, credential):
    page = owner_page
    page.goto(f"{live_server.url}/calls/")
    fill_in(page, {
        "#launch-number": "call me",
        "#launch-variables": "name=Zoë\noops",
    })
    page.get_by_role("button", name="Place the call").click()
    refused_with(page, {"launch-number": "Enter a phone number", "launch-variables": "“oops” has no ="},
                 {"launch-number": "call me", "launch-variables": "name=Zoë\noops",
                  "launch-flow": str(flow.pk), "launch-credential": str(credential.pk)})


def test_credential_keeps_the_token_typed(owner_page, live_server):
    page = owner_page
    page.goto(f"{live_server.url}/credentials/")
    fill_in(page, {
        "#id_name": "",
        "#id_cloud_id": "CLOUD-7",
        "#id_auth_token": "tok-typed-here",
        "#id_base_url": "ftp://example.org",
    })
    page.get_by_role("button", name=re.compile("^(Add|Save)")).first.click()
    refused_with(page, {"id_name": "required", "id_base_url": re.compile("https")},
                 {"id_cloud_id": "CLOUD-7", "id_auth_token": "tok-typed-here", "id_base_url": "ftp://example.org"})


def test_do_not_call_add_and_import_keep_their_input(owner_page, live_server, tmp_path):
    page = owner_page
    page.goto(f"{live_server.url}/do-not-call/")
    fill_in(page, {
        "#dnc-number": "twelve",
        "#dnc-region": "X1",
        "#dnc-note": "Asked us to stop",
    })
    page.get_by_role("button", name="Add", exact=True).click()
    region = re.compile("two|letter|country")
    refused_with(page, {"dnc-number": re.compile("phone number|number"), "dnc-region": region},
                 {"dnc-number": "twelve", "dnc-region": "X1", "dnc-note": "Asked us to stop"})

    page.fill("#dnc-import-region", "1")
    page.get_by_role("button", name="Import", exact=True).click()
    refused_with(page, {"dnc-import-file": "Choose a CSV file", "dnc-import-region": region},
                 {"dnc-import-region": "1"})


def test_adding_a_team_member_keeps_the_name_and_role(owner_page, live_server, team):
    page = owner_page
    page.goto(f"{live_server.url}/teams/{team.slug}/")
    page.fill("#add-identifier", "nobody-here@example.org")
    page.select_option("#add-role", "editor")
    page.get_by_role("button", name=f"Add to {team.name}").click()
    refused_with(page, {"add-identifier": re.compile("account|No one|no user", re.I)},
                 {"add-identifier": "nobody-here@example.org", "add-role": "editor"})


def test_changing_the_password_shows_every_problem(owner_page, live_server):
    page = owner_page
    page.goto(f"{live_server.url}/accounts/password/change/")
    fill_in(page, {
        "#id_old_password": "not my password",
        "#id_new_password1": "short",
        "#id_new_password2": "different",
    })
    page.get_by_role("button", name=re.compile("Change")).click()
    # Passwords are never sent back into a page; each problem is beside its field.
    expect(page.locator("#id_old_password_error")).to_contain_text("incorrect")
    expect(page.locator("#id_new_password2_error")).to_contain_text("didn’t match")
    expect(page.locator("main")).not_to_contain_text(INTERNAL_NAME)


def test_the_wizard_setup_step_keeps_the_name(owner_page, live_server, flow, credential):
    page = owner_page
    page.goto(f"{live_server.url}/campaigns/new")
    page.fill("#id_name", "Zoë's check-ups")
    # A credential deleted meanwhile, in another tab.
    page.locator("#id_credential").evaluate("s => { s.add(new Option('gone', '999999')); s.value = '999999'; }")
    page.get_by_role("button", name=re.compile("Next")).click()
    refused_with(page, {"id_credential": re.compile("Choose|credential")},
                 {"id_name": "Zoë's check-ups", "id_version": str(flow.versions.get().pk)})


def test_the_wizard_contacts_step_asks_for_a_file_in_words(owner_page, live_server, draft):
    page = owner_page
    page.goto(f"{live_server.url}/campaigns/{draft.pk}/contacts")
    page.locator("#upload-form").get_by_role("button", name="Import contacts").click()
    refused_with(page, {"upload-file": "Choose a CSV file to upload."}, {})


def test_the_wizard_schedule_step_keeps_everything_and_its_summary_follows_the_form(owner_page, live_server,
                                                                                  draft_with_contacts):
    page = owner_page
    page.goto(f"{live_server.url}/campaigns/{draft_with_contacts.pk}/schedule")
    fill_in(page, {
        "#id_calls_per_minute": "-5",
        "#id_max_attempts": "0",
        "#id_retry_delay_minutes": "45",
        "#id_window_start": "08:30",
    })
    summary = page.locator("#summary")
    expect(summary).not_to_contain_text("-5")
    expect(summary).to_have_text("Enter how many calls a minute (0 for no limit) to see how long the campaign takes.")
    page.get_by_role("button", name=re.compile("Next|Save")).click()
    refused_with(page, {"id_calls_per_minute": "Enter a whole number from 0 to", "id_max_attempts": "from 1 to"},
                 {"id_calls_per_minute": "-5", "id_max_attempts": "0", "id_retry_delay_minutes": "45",
                  "id_window_start": "08:30"})
    # The summary speaks of what the form holds now, not of what was saved before.
    expect(summary).to_contain_text("Enter how many calls a minute")
    page.fill("#id_calls_per_minute", "30")
    expect(summary).to_contain_text("2 contacts: less than a minute at 30 calls a minute")


def test_the_wizard_review_step_says_what_stops_the_start(owner_page, live_server, draft_with_contacts):
    page = owner_page
    page.goto(f"{live_server.url}/campaigns/{draft_with_contacts.pk}/review")
    draft_with_contacts.contacts.all().delete()  # meanwhile, in another tab
    page.get_by_role("button", name="Start calling").click()
    expect(page.locator("[data-form-errors]")).to_contain_text(re.compile("contact", re.I))
    expect(page.locator("main")).not_to_contain_text(INTERNAL_NAME)


def test_signing_in_keeps_the_name_and_says_what_is_wrong(page, live_server, owner):
    page.goto(f"{live_server.url}/accounts/login/")
    fill_in(page, {"#id_username": owner.username, "#id_password": "not the password"})
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("[data-form-errors]")).to_contain_text(re.compile("username and password", re.I))
    expect(page.locator("#id_username")).to_have_value(owner.username)
    expect(page.locator("#id_password")).to_have_value("")  # a password is never sent back into a page


def test_asking_for_a_new_password_keeps_the_address(page, live_server):
    page.goto(f"{live_server.url}/accounts/password/reset/")
    page.fill("#id_email", "olivia@example")
    page.get_by_role("button", name=re.compile("link|Send|Reset", re.I)).click()
    refused_with(page, {"id_email": "Enter a valid email address."}, {"id_email": "olivia@example"})
