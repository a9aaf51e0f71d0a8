"""Bounded import reports: the counts cover every row, the report keeps only the first rows of each
kind (CONTACT_IMPORT_REPORT_ROWS), no API response embeds more, and every rejected row stays
downloadable as CSV (API and page), neutralised like every CSV the site writes: for contact imports
and for imports into the do-not-call list."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from editor.campaigns.models import DncImport, RejectedRow
from editor.campaigns.services.dnc_imports import dnc_import
from tests.campaigns.conftest import csv_file, make_campaign, us_numbers
from tests.support.api import assert_error_shape, token_client

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def imported(settings, team, version, credential):
    settings.CONTACT_IMPORT_REPORT_ROWS = 5
    good = us_numbers(3)
    lines = ["number,name"] + [f"{n},Ada" for n in good] + [f"{good[0]},Dup{i}" for i in range(8)]
    lines += [f"not-a-number-{i},Bad" for i in range(30)] + ["=1+2,Formula"]
    campaign = make_campaign(team, version, credential, upload=csv_file("\n".join(lines) + "\n"))
    return campaign, campaign.imports.get()


def test_the_report_counts_every_row_but_keeps_only_the_first(imported):
    campaign, item = imported
    assert (item.rows, item.imported, item.duplicates, item.rejected) == (42, 3, 8, 31)
    assert len(item.rejected_rows) == 5 and len(item.duplicate_rows) == 5
    assert [r["line"] for r in item.rejected_rows] == [13, 14, 15, 16, 17]
    assert RejectedRow.objects.filter(contact_import=item).count() == 31


def test_the_api_embeds_only_the_kept_rows(imported, owner):
    campaign, item = imported
    body = token_client(owner).get(f"/api/campaigns/{campaign.pk}/").json()
    report = body["last_import"]
    assert report["rejected"] == 31 and len(report["rejected_rows"]) == 5
    assert report["report_rows_limit"] == 5
    assert report["rejected_download"] == f"/api/campaigns/{campaign.pk}/imports/{item.pk}/rejected.csv"


def test_every_rejected_row_downloads_as_csv(imported, owner):
    campaign, item = imported
    response = token_client(owner).get(f"/api/campaigns/{campaign.pk}/imports/{item.pk}/rejected.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert len(rows) == 31
    assert [int(r["line"]) for r in rows] == sorted(int(r["line"]) for r in rows)
    assert rows[-1]["value"] == "'=1+2"  # data, never a formula
    page = Client()
    page.force_login(owner)
    assert len(rows_of(page.get(f"/campaigns/{campaign.pk}/imports/{item.pk}/rejected.csv"))) == 31


def test_another_team_cannot_download_the_rejected_rows(imported, outsider, owner):
    campaign, item = imported
    assert_error_shape(token_client(outsider).get(f"/api/campaigns/{campaign.pk}/imports/{item.pk}/rejected.csv"),
                       404)
    other = make_campaign(campaign.team, campaign.flow_version, campaign.credential, numbers=us_numbers(1))
    assert_error_shape(token_client(owner).get(f"/api/campaigns/{other.pk}/imports/{item.pk}/rejected.csv"), 404)


def test_the_page_links_the_download_and_says_how_many_are_shown(imported, owner):
    campaign, item = imported
    page = Client()
    page.force_login(owner)
    html = page.get(f"/campaigns/{campaign.pk}/contacts").content.decode()
    assert f"/campaigns/{campaign.pk}/imports/{item.pk}/rejected.csv" in html
    assert "the first 5 shown" in html


def test_a_large_bad_file_keeps_every_response_small(settings, team, version, credential, owner):
    settings.CONTACT_IMPORT_REPORT_ROWS = 1000
    lines = ["number"] + [f"bad-{i}" for i in range(20_000)]
    campaign = make_campaign(team, version, credential, upload=csv_file("\n".join(lines) + "\n"))
    client = token_client(owner)
    detail = client.get(f"/api/campaigns/{campaign.pk}/")
    assert detail.status_code == 200
    assert len(detail.content) < 200_000, len(detail.content)  # 1,000 kept rows, not 20,000
    page = Client()
    page.force_login(owner)
    assert len(page.get(f"/campaigns/{campaign.pk}/contacts").content) < 400_000


def test_a_do_not_call_import_keeps_only_the_first_rejected_rows(settings, team, owner):
    from editor.campaigns.services.dnc_imports import dnc_import

    settings.CONTACT_IMPORT_REPORT_ROWS = 3
    report = dnc_import(team=team, upload=csv_file("number\n" + "".join(f"bad-{i}\n" for i in range(10))),
                        user=owner)
    assert report["rejected"] == 10 and len(report["rejected_rows"]) == 3


# --- the do-not-call list's imports ----------------------------------------------------------------


@pytest.fixture
def dnc_imported(settings, team):
    settings.CONTACT_IMPORT_REPORT_ROWS = 5
    lines = ["number,note"] + [f"{n},ok" for n in us_numbers(3)] + [f"not-a-number-{i},bad" for i in range(30)]
    lines += ["=1+2,Formula", "-2+3+cmd|' /C calc'!A0,Formula"]
    report = dnc_import(team=team, upload=csv_file("\n".join(lines) + "\n"), filename="dnc.csv")
    return DncImport.objects.get(pk=report["id"])


def test_every_rejected_do_not_call_row_downloads_as_csv(dnc_imported, owner):
    item = dnc_imported
    body = token_client(owner).get(f"/api/do-not-call/imports/{item.pk}/").json()
    assert (body["added"], body["rejected"], len(body["rejected_rows"])) == (3, 32, 5)
    assert body["rejected_download"] == f"/api/do-not-call/imports/{item.pk}/rejected.csv"
    response = token_client(owner).get(body["rejected_download"])
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f"do-not-call-import-{item.pk}-rejected.csv" in response["Content-Disposition"]
    rows = rows_of(response)
    assert [int(r["line"]) for r in rows] == list(range(5, 37))  # every one, in the file's order
    assert rows[0] == {"line": "5", "value": "not-a-number-0", "reason": "Not a phone number."}
    assert [r["value"] for r in rows[-2:]] == ["'=1+2", "'-2+3+cmd|' /C calc'!A0"]  # data, never formulas
    page = Client()
    page.force_login(owner)
    assert rows_of(page.get(f"/do-not-call/imports/{item.pk}/rejected.csv")) == rows


def test_another_team_cannot_download_the_rejected_do_not_call_rows(dnc_imported, outsider):
    item = dnc_imported
    assert_error_shape(token_client(outsider).get(f"/api/do-not-call/imports/{item.pk}/rejected.csv"), 404)
    page = Client()
    page.force_login(outsider)
    assert page.get(f"/do-not-call/imports/{item.pk}/rejected.csv").status_code == 404


def test_the_do_not_call_page_links_the_download(dnc_imported, owner):
    page = Client()
    page.force_login(owner)
    html = page.get("/do-not-call/").content.decode()
    assert f'href="/do-not-call/imports/{dnc_imported.pk}/rejected.csv"' in html
    assert "The first 5 rejected rows are shown." in html
