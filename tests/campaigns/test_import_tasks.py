"""Contact imports as background work: the upload is stored and queued, a real Celery worker imports it
in batches whose progress the API and the page show; a first line that looks like data is asked
about; a row over the csv module's field limit is reported with its line while the rest imports;
no response grows with the file."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from editor.campaigns.models import (
    CampaignContact,
    ContactImport,
    CsvUpload,
    CsvUploadChunk,
    DncImport,
    DoNotCall,
    ImportStatus,
    RejectedRow,
)
from editor.campaigns.services import imports as imports_module
from editor.campaigns.services.contacts import contacts_preview
from editor.campaigns.services.csvfile import FIELD_LIMIT, HeaderUnclear
from editor.campaigns.services.dnc_imports import dnc_import
from editor.campaigns.services.imports import contacts_import, contacts_import_run, contacts_import_start
from tests.campaigns.conftest import csv_file, make_campaign, us_numbers
from tests.support.api import assert_error_shape, token_client
from tests.support.workers import wait_for

pytestmark = pytest.mark.django_db

# What docs/api-contract.md promises: no API or page response of a campaign grows with the file.
RESPONSE_LIMIT = 2 * 1024 * 1024


@pytest.fixture
def campaign(team, version, credential):
    return make_campaign(team, version, credential)


def upload(text: str, name: str = "contacts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


# --- the header question -------------------------------------------------------------------------


def test_a_first_line_that_looks_like_data_is_asked_about_then_imported_as_a_contact(campaign):
    text = "+12125551001,Ada\n(212) 555-1002,Bob\nnope,Cid\n"
    with pytest.raises(HeaderUnclear) as asked:
        contacts_import(campaign=campaign, upload=csv_file(text))
    assert asked.value.code == "header_unclear"
    assert asked.value.extra["fields"]["has_header"] == [
        "The first line looks like data (“+12125551001”), not column names. Does the file have a header line?"]
    assert not ContactImport.objects.filter(campaign=campaign).exists()

    report = contacts_import(campaign=campaign, upload=csv_file(text), has_header=False)
    assert (report.rows, report.imported, report.rejected, report.has_header) == (3, 2, 1, False)
    assert report.number_column == "Column 1"
    assert report.rejected_rows == [{"line": 3, "value": "nope", "reason": "Not a phone number."}]
    contact = CampaignContact.objects.get(campaign=campaign, number="+12125551001")
    assert (contact.line, contact.variables) == (1, {"column_2": "Ada"})  # line 1 is a contact now


def test_a_header_line_is_never_asked_about_and_can_be_confirmed(campaign):
    assert contacts_import(campaign=campaign, upload=csv_file("phone,name\n+12125551001,Ada\n")).imported == 1
    report = contacts_import(campaign=campaign, upload=csv_file("+12125551002\n+12125551003\n"), has_header=True,
                             number_column="+12125551002")
    assert (report.rows, report.imported) == (1, 1)  # told it is a header: its one cell names the column


def test_the_preview_reads_a_data_first_line_as_a_contact_and_says_so(campaign):
    preview = contacts_preview(campaign=campaign, upload=csv_file("2125551001;Ada\n2125551002;Bob\n"))
    assert preview["header_question"] == "2125551001" and preview["has_header"] is False
    assert preview["headers"] == ["Column 1", "Column 2"] and preview["number_column"] == "Column 1"
    assert [r["number"] for r in preview["rows"]] == ["+12125551001", "+12125551002"]


def test_the_api_asks_with_its_own_code_and_takes_the_answer(owner, campaign):
    client = token_client(owner)
    url = f"/api/campaigns/{campaign.pk}/contacts/"
    body = assert_error_shape(client.post(url, {"file": upload("+12125551001,Ada\n")}, format="multipart"), 400)
    assert body["code"] == "header_unclear" and "has_header" in body["extra"]["fields"]
    answer = client.post(url, {"file": upload("+12125551001,Ada\n"), "has_header": "false"}, format="multipart")
    assert answer.status_code == 202 and answer.json()["has_header"] is False


def test_the_page_asks_beside_the_question_and_keeps_the_answer(client, owner, campaign):
    client.force_login(owner)
    url = reverse("campaign_contacts", args=[campaign.pk])
    assert 'id="header-question" hidden' in client.get(url).content.decode()  # asked only when it matters

    response = client.post(url, {"file": upload("+12125551001,Ada\n")})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="header-question" hidden' not in html
    error = re.search(r'id="upload-has_header_error">(.*?)</div>\s*</div>', html, re.S)
    assert error and "looks like data (“+12125551001”)" in error.group(1)
    assert "Does the file have a header line?" in html and "No, the first line is a contact" in html

    response = client.post(url, {"file": upload("+12125551001,Ada\n"), "has_header": "no"})
    assert response.status_code == 302
    assert ContactImport.objects.get(campaign=campaign).has_header is False


# --- a value over the csv module's field limit ------------------------------------------------------


def test_a_row_with_an_oversized_value_is_reported_by_its_line_and_the_rest_imports(campaign):
    huge = "x" * (FIELD_LIMIT + 10)
    text = f"number,name\n+12125551001,Ada\n+12125551002,{huge}\n+12125551003,Cid\n"
    report = contacts_import(campaign=campaign, upload=csv_file(text))
    assert (report.rows, report.imported, report.rejected) == (3, 2, 1)
    assert report.rejected_rows == [{"line": 3, "value": "", "reason": (
        "This row was left out: a value in it is longer than 1,048,576 characters, the most one cell may hold.")}]
    assert set(CampaignContact.objects.filter(campaign=campaign).values_list("number", flat=True)) == {
        "+12125551001", "+12125551003"}


def test_a_do_not_call_import_reports_an_oversized_value_the_same_way(team):
    report = dnc_import(team=team, upload=csv_file(f"number\n+12125551001\n{'9' * (FIELD_LIMIT + 1)}\n+12125551003\n"))
    assert (report["added"], report["rejected"]) == (2, 1)
    assert report["rejected_rows"][0]["line"] == 3 and "longer than 1,048,576 characters" in \
        report["rejected_rows"][0]["reason"]


# --- queued, then run in slices ---------------------------------------------------------------------


def test_a_queued_import_shows_its_progress_in_the_api_and_on_the_page(owner, campaign):
    """Before any worker takes it (no worker here): stored, queued, 0 %, and the page's progress bar."""
    text = "number,name\n" + "".join(f"{n},Ada\n" for n in us_numbers(50))
    item = contacts_import_start(campaign=campaign, upload=csv_file(text), filename="list.csv")
    assert item.status == ImportStatus.QUEUED and item.size == len(text)
    assert b"".join(bytes(c) for c in CsvUploadChunk.objects.filter(upload=item.upload).order_by("index")
                    .values_list("data", flat=True)) == text.encode()

    body = token_client(owner).get(f"/api/campaigns/{campaign.pk}/imports/{item.pk}/").json()
    assert (body["status"], body["finished"], body["percent"], body["rows"], body["filename"]) == (
        "queued", False, 0, 0, "list.csv")
    assert body["status_label"] == "Waiting for a worker"
    page = Client()
    page.force_login(owner)
    html = page.get(reverse("campaign_contacts", args=[campaign.pk])).content.decode()
    assert 'id="import-progress"' in html and f'data-url="/api/campaigns/{campaign.pk}/imports/{item.pk}/"' in html
    assert 'id="import-report"' not in html
    review = token_client(owner).post(f"/api/campaigns/{campaign.pk}/start/")
    assert "still being imported" in assert_error_shape(review, 400)["message"]


def test_an_import_runs_in_slices_that_resume_after_the_last_stored_line(campaign, monkeypatch,
                                                                         django_capture_on_commit_callbacks):
    monkeypatch.setattr(imports_module, "BATCH", 10)
    queued: list[int] = []
    monkeypatch.setattr(imports_module, "enqueue_import", queued.append)  # the next slice, run below by hand
    numbers = us_numbers(35)
    text = "number,name\n" + "".join(f"{n},Ada\n" for n in numbers) + "bad,Zed\n" + f"{numbers[0]},Dup\n"
    item = contacts_import_start(campaign=campaign, upload=csv_file(text))
    queued.clear()  # on_commit does not fire inside this test's transaction; start from a clean list

    assert contacts_import_run(import_id=item.pk, slice_seconds=0) == "more"
    item.refresh_from_db()
    assert (item.status, item.lines_done, item.rows, item.imported) == ("running", 11, 10, 10)
    assert 0 < item.bytes_read <= item.size and queued == [item.pk]
    with django_capture_on_commit_callbacks(execute=True):  # the stored file is deleted after the commit
        while contacts_import_run(import_id=item.pk, slice_seconds=0) == "more":
            pass
    item.refresh_from_db()
    assert (item.status, item.rows, item.imported, item.rejected, item.duplicates) == ("done", 37, 35, 1, 1)
    assert item.bytes_read == item.size and item.upload is None
    assert not CsvUpload.objects.exists()  # the stored file goes once read
    assert CampaignContact.objects.filter(campaign=campaign).count() == 35
    assert contacts_import_run(import_id=item.pk) == "gone"  # a late duplicate message stores nothing


def test_an_import_into_a_campaign_cancelled_meanwhile_stops_and_says_where(campaign, monkeypatch):
    from editor.campaigns.services.campaigns import campaign_cancel

    item = contacts_import_start(campaign=campaign, upload=csv_file("number\n+12125551001\n"))
    campaign_cancel(campaign=campaign)
    assert contacts_import_run(import_id=item.pk) == "failed"
    item.refresh_from_db()
    assert item.status == "failed" and item.error == "The campaign is cancelled: the import stopped before line 2."
    assert not CampaignContact.objects.filter(campaign=campaign).exists()


# --- with a real worker -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_large_import_runs_in_the_worker_and_no_response_grows_with_it(settings, owner, team, version, credential,
                                                                         worker):
    """20,000 bad rows whose values and reasons are as long as the report keeps them, and 20,000 good
    ones: the worker imports them; every response the API and the pages give stays under RESPONSE_LIMIT."""
    settings.CONTACT_IMPORT_REPORT_ROWS = 1000
    campaign = make_campaign(team, version, credential)
    bad = "é" * 200  # cut to 100 characters in the report
    good = [f"+1{area}555{n:04d}" for area in ("212", "310", "646", "718") for n in range(1000, 6000)]
    rows = [f"{n},Ada" for n in good] + [f"{bad}{i},Bob" for i in range(20_000)]
    client = token_client(owner)
    response = client.post(f"/api/campaigns/{campaign.pk}/contacts/",
                           {"file": upload("number,name\n" + "\n".join(rows) + "\n")}, format="multipart")
    assert response.status_code == 202, response.content
    url = response.json()["progress_url"]
    sizes = []

    def done():
        answer = client.get(url)  # what a client polling the progress gets, all along
        sizes.append(len(answer.content))
        return answer.json()["finished"]

    wait_for(done, timeout=240, interval=0.5, what="the worker to import 40,000 rows")
    item = ContactImport.objects.get(campaign=campaign)
    assert (item.status, item.rows, item.imported, item.rejected) == ("done", 40_000, 20_000, 20_000)
    assert len(item.rejected_rows) == 1000 and item.rejected_rows[0]["value"] == "é" * 100

    page = Client()
    page.force_login(owner)
    answers = {
        "campaign (API)": client.get(f"/api/campaigns/{campaign.pk}/"),
        "contacts (API)": client.get(f"/api/campaigns/{campaign.pk}/contacts/"),
        "import (API)": client.get(url),
        "contacts page": page.get(reverse("campaign_contacts", args=[campaign.pk])),
        "campaign page": page.get(reverse("campaign_detail", args=[campaign.pk])),
        "review page": page.get(reverse("campaign_review", args=[campaign.pk])),
    }
    for name, answer in answers.items():
        assert answer.status_code == 200, name
        assert len(answer.content) < RESPONSE_LIMIT, f"{name}: {len(answer.content)} bytes"
    assert max(sizes) < RESPONSE_LIMIT


def test_the_reaper_queues_again_an_import_whose_run_died(campaign, monkeypatch, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.CONTACT_IMPORT_STALE_SECONDS = 60
    queued: list[int] = []
    monkeypatch.setattr(imports_module, "enqueue_import", queued.append)
    dead = contacts_import_start(campaign=campaign, upload=csv_file("number\n+12125551001\n"))
    alive = contacts_import_start(campaign=campaign, upload=csv_file("number\n+12125551002\n"))
    ContactImport.objects.filter(pk=dead.pk).update(status=ImportStatus.RUNNING,
                                                    updated_at=timezone.now() - timedelta(seconds=61))
    assert imports_module.imports_reap() == 1 and queued == [dead.pk]
    assert imports_module.imports_reap() == 0  # queued once per period, not on every beat
    assert contacts_import_run(import_id=dead.pk) == "done" and alive.status == ImportStatus.QUEUED


# --- the do-not-call import ---------------------------------------------------------------------------


def test_a_do_not_call_import_is_queued_and_shows_its_progress(client, owner, team):
    from editor.campaigns.services.dnc_imports import dnc_import_start

    item = dnc_import_start(team=team, upload=csv_file("number\n+12125551001\n"), filename="dnc.csv")
    body = token_client(owner).get(f"/api/do-not-call/imports/{item.pk}/").json()
    assert (body["status"], body["finished"], body["percent"], body["filename"]) == ("queued", False, 0, "dnc.csv")
    client.force_login(owner)
    html = client.get(reverse("dnc_list")).content.decode()
    assert 'id="import-progress"' in html and f'data-url="/api/do-not-call/imports/{item.pk}/"' in html
    assert 'data-import="added"' in html


def test_a_do_not_call_import_runs_in_slices_and_tells_repeats_from_numbers_listed_before(team, monkeypatch):
    from editor.campaigns.services import dnc_imports
    from editor.campaigns.services.dnc import dnc_add

    monkeypatch.setattr(dnc_imports, "BATCH", 3)
    sent: list = []
    monkeypatch.setattr(dnc_imports.current_app, "send_task", lambda name, args: sent.append((name, args)))
    dnc_add(team=team, number="+12125551009")
    numbers = us_numbers(7)
    # A list without a header line: its first line is a number, read as one.
    text = "\n".join([*numbers, numbers[0], "+12125551009", "nope", numbers[6]]) + "\n"
    item = dnc_imports.dnc_import_start(team=team, upload=csv_file(text))
    assert dnc_imports.dnc_import_run(import_id=item.pk, slice_seconds=0) == "more"
    assert sent == [(dnc_imports.DNC_IMPORT_TASK, [item.pk])]
    while dnc_imports.dnc_import_run(import_id=item.pk, slice_seconds=0) == "more":
        pass
    report = dnc_imports.dnc_import_report(DncImport.objects.get(pk=item.pk))
    assert (report["status"], report["rows"], report["added"], report["already"], report["duplicates"],
            report["rejected"]) == ("done", 11, 7, 1, 2, 1)
    assert report["rejected_rows"] == [{"line": 10, "value": "nope", "reason": "Not a phone number."}]
    assert DoNotCall.objects.filter(team=team).count() == 8
    # Its rejected row is stored once for the download, although the slices read around it.
    assert list(RejectedRow.objects.filter(dnc_import=item.pk).values_list("line", "value")) == [(10, "nope")]
