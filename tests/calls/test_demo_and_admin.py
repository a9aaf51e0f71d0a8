from __future__ import annotations

import copy
import json
from io import StringIO

import pytest
from django.core.management import call_command

from editor.accounts.models import Membership, Team
from editor.flowcore import dialling
from editor.flows.models import Flow, FlowVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("demo_setup", stdout=open("/dev/null", "w"))
    return tmp_path


def test_it_creates_the_demo_user_team_and_both_example_flows(demo):
    team = Team.objects.get(slug="demo")
    assert Membership.objects.get(team=team, user__username="demo").role == "owner"
    documented = Flow.objects.get(team=team, name="Samespace example (as documented)")
    fixed = Flow.objects.get(team=team, name="Samespace example (fixed)")
    assert len(documented.diagnostics) == 4
    assert fixed.diagnostics == []
    # The fixed copy calls each contact's number, so a test call or a campaign dials the number given;
    # the documented example keeps Samespace's fixed number, and the canvas says so.
    assert dialling(fixed.document).words() == "Calls the contact's number"
    assert dialling(documented.document).words() == "Calls 917507161643"
    assert dialling(fixed.versions.get().document).calls_contact  # published for the sandbox


def test_it_brings_an_older_fixed_demo_to_the_contacts_number(demo):
    fixed = Flow.objects.get(name="Samespace example (fixed)")
    # As an older demo set-up left it: its Call step dialled the documented number, and it was published.
    old = copy.deepcopy(fixed.document)
    old["steps"][0]["number"] = "917507161643"
    Flow.objects.filter(pk=fixed.pk).update(document=old)
    FlowVersion.objects.filter(flow=fixed).update(document=old)
    call_command("demo_setup", stdout=StringIO())
    fixed.refresh_from_db()
    assert dialling(fixed.document).calls_contact and fixed.error_count == 0
    latest = fixed.versions.order_by("-number").first()
    assert latest.number == 2 and dialling(latest.document).calls_contact

    # A demo flow someone changed is theirs: left as it is.
    changed = copy.deepcopy(old)
    changed["steps"][1]["text"] = "My own welcome."
    Flow.objects.filter(pk=fixed.pk).update(document=changed)
    call_command("demo_setup", stdout=StringIO())
    fixed.refresh_from_db()
    assert fixed.document == changed and fixed.versions.count() == 2


def test_it_prints_a_working_password_and_is_idempotent(demo):
    from django.contrib.auth import get_user_model

    out = StringIO()
    call_command("demo_setup", stdout=out)
    password = (demo / "demo-password.txt").read_text().strip()
    assert password in out.getvalue()
    assert Flow.objects.count() == 2
    assert get_user_model().objects.get(username="demo").check_password(password)


def test_it_shows_validation_status_and_problems_in_the_admin(demo, client):
    client.force_login(Membership.objects.get(user__username="demo").user)
    listing = client.get("/admin/flows/flow/")
    assert listing.status_code == 200
    assert "3 error(s)" in listing.content.decode() and "valid" in listing.content.decode()
    documented = Flow.objects.get(name="Samespace example (as documented)")
    page = client.get(f"/admin/flows/flow/{documented.pk}/change/").content.decode()
    assert "dangling_next_step" in page and "there is no step 10" in page.lower()
    errors = client.get("/admin/flows/flow/?validity=errors").content.decode()
    assert "as documented" in errors and "(fixed)" not in errors


def test_it_downloads_the_samespace_json_from_the_admin(demo, client):
    client.force_login(Membership.objects.get(user__username="demo").user)
    flow = Flow.objects.get(name="Samespace example (fixed)")
    response = client.post(
        "/admin/flows/flow/", {"action": "download_samespace_json", "_selected_action": [flow.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.json"')
    payload = json.loads(response.content)
    assert payload["flow"][0]["id"] == "0" and payload["auth_token"] == ""
    both = client.post(
        "/admin/flows/flow/",
        {"action": "download_samespace_json", "_selected_action": list(Flow.objects.values_list("pk", flat=True))},
    )
    assert both["Content-Type"] == "application/zip"


def test_it_keeps_published_versions_read_only_in_the_admin(demo, client):
    from editor.flows.services.flows import flow_publish

    user = Membership.objects.get(user__username="demo").user
    version = flow_publish(flow=Flow.objects.get(name="Samespace example (fixed)"), user=user)
    client.force_login(user)
    assert client.get(f"/admin/flows/flowversion/{version.pk}/change/").status_code == 200
    assert client.post(f"/admin/flows/flowversion/{version.pk}/delete/", {"post": "yes"}).status_code == 403
