"""The contacts page while a real Celery worker imports a large CSV: the progress bar and the rows read,
imported and rejected follow the worker's stored batches, then the page shows the report.

To see the bar mid-way whatever the machine's speed, the test holds the campaign's row lock (each
stored batch takes it: editor/campaigns/services/imports.py) once the first batch is stored: the worker
then waits, the figures stay put, and the page must show exactly what is stored."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import transaction
from playwright.sync_api import expect

from tests.support.workers import wait_for

FLOW = {
    "steps": [{"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100",
               "next_step": "1"},
              {"id": "1", "type": "play", "text": "Hello {{contact.name}}."}],
    "layout": {}, "settings": {"record": False},
}


def draft_campaign(team, owner, sandbox_url: str):
    from editor.calls.services.credentials import credential_create
    from editor.campaigns.services.campaigns import campaign_create
    from editor.flows.services.flows import flow_create, flow_publish

    version = flow_publish(flow=flow_create(team=team, user=owner, name="Reminders", document=FLOW), user=owner)
    credential = credential_create(team=team, user=None, name="Sandbox", cloud_id="CLOUD-1",
                                   auth_token=django_settings.SANDBOX_AUTH_TOKEN,
                                   base_url=sandbox_url)
    return campaign_create(team=team, user=owner, name="Spring reminders", flow_version=version, credential=credential)


def test_the_progress_bar_follows_the_worker_then_the_report_shows(owner_page, live_server, team, owner, worker,
                                                                   sandbox_url, tmp_path, shot):
    from editor.campaigns.models import Campaign, ContactImport

    page = owner_page
    campaign = draft_campaign(team, owner, sandbox_url)
    areas = ("212", "310", "415", "646", "718", "917")
    rows = [f"+1{area}555{n:04d},Ada" for area in areas for n in range(1000, 9000)]  # 48,000 contacts
    rows[7] = "not a number,Bob"
    path = tmp_path / "spring.csv"
    path.write_text("number,name\n" + "\n".join(rows) + "\n")

    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/contacts")
    page.set_input_files("#upload-file", str(path))
    expect(page.locator("#preview-table")).to_contain_text("+12125551000")  # the preview came back
    page.get_by_role("button", name="Import contacts").click()

    progress = page.locator("#import-progress")
    expect(progress).to_be_visible()
    item = wait_for(lambda: ContactImport.objects.filter(campaign=campaign, lines_done__gt=0).first(), timeout=60,
                    interval=0.05, what="the worker's first stored batch")
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)  # the worker's next batch waits for this
        item.refresh_from_db()
        assert 0 < item.rows < len(rows) and item.status == "running"
        expect(progress.locator("[data-import=rows]")).to_have_text(str(item.rows))
        expect(progress.locator("[data-import=imported]")).to_have_text(str(item.imported))
        expect(progress.locator("[data-import=rejected]")).to_have_text(str(item.rejected))
        percent = str(int(100 * item.bytes_read / item.size))
        expect(page.locator("#import-bar")).to_have_attribute("aria-valuenow", percent)
        assert 0 < int(percent) < 100
        expect(progress).to_contain_text("Importing")
        shot(page, "import-progress")
    report = page.locator("#import-report")  # the page reloads itself when the worker is done
    expect(report).to_be_visible(timeout=180_000)
    expect(report).to_contain_text("48000 rows read")
    expect(report.locator(".text-success").first).to_have_text("47999")
    expect(report).to_contain_text("Rejected rows (1)")
    assert page.errors == [] and page.outside == []
    shot(page, "import-report")
