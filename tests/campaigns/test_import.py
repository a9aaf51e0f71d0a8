"""Contacts CSV import: the report accounts for every row, with spreadsheet line numbers."""

from __future__ import annotations

import tracemalloc

import pytest

from editor.campaigns.models import CampaignContact, ContactStatus
from editor.campaigns.services.contacts import contacts_preview
from editor.campaigns.services.csvfile import BadFile
from editor.campaigns.services.dnc import dnc_add
from editor.campaigns.services.dnc_imports import dnc_import
from editor.campaigns.services.imports import contacts_import
from editor.campaigns.services.numbers import normalise_number
from editor.common.errors import InvalidFields
from tests.campaigns.conftest import csv_file, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(team, version, credential):
    return make_campaign(team, version, credential, default_region="US")


def rows_of(campaign):
    return {c.number: c for c in CampaignContact.objects.filter(campaign=campaign)}


def test_it_imports_rows_normalised_with_the_campaigns_region_and_variables_from_the_other_columns(campaign):
    upload = csv_file("Phone,First Name,Appointment\n"
                      "(212) 555-1001,Ada,Monday 10:00\n"
                      "+44 20 7946 0000,Grace,Tuesday\n"
                      "212.555.1002,Linus,\n")
    report = contacts_import(campaign=campaign, upload=upload, number_column="Phone", filename="list.csv")

    assert (report.rows, report.imported, report.rejected, report.duplicates) == (3, 3, 0, 0)
    contacts = rows_of(campaign)
    assert set(contacts) == {"+12125551001", "+442079460000", "+12125551002"}
    ada = contacts["+12125551001"]
    assert ada.variables == {"first_name": "Ada", "appointment": "Monday 10:00"}
    assert (ada.line, ada.timezone, ada.status) == (2, "America/New_York", ContactStatus.PENDING)
    assert contacts["+442079460000"].timezone == "Europe/London"
    assert contacts["+12125551002"].variables == {"first_name": "Linus", "appointment": ""}
    campaign.refresh_from_db()
    assert campaign.columns == ["appointment", "first_name"]
    assert set(campaign.zones) == {"America/New_York", "Europe/London"}
    assert report.columns == [{"header": "First Name", "variable": "first_name"},
                              {"header": "Appointment", "variable": "appointment"}]


def test_it_reports_every_rejected_row_with_its_line_and_reason(campaign):
    upload = csv_file(
        "number,name\n"           # line 1
        "+12125551001,ok\n"       # 2
        "hello,bad\n"             # 3
        "123,short\n"             # 4
        ",empty number\n"         # 5
        "\n"                      # 6 (blank line)
        "+1212555100199999,long\n"  # 7
        "1.2125551E+10,excel\n"   # 8
        "+12125551003,a,extra\n"  # 9: a value with no column
        "12125551004.0,excel float\n"  # 10
    )
    report = contacts_import(campaign=campaign, upload=upload)

    rejected = {r["line"]: r for r in report.rejected_rows}
    assert sorted(rejected) == [3, 4, 5, 7, 8, 9]
    assert rejected[3]["reason"] == "Not a phone number." and rejected[3]["value"] == "hello"
    assert "short" in rejected[4]["reason"].lower()
    assert rejected[5]["reason"] == "No phone number in this row."
    assert "long" in rejected[7]["reason"].lower()
    assert "scientific notation" in rejected[8]["reason"]
    assert "no column" in rejected[9]["reason"]
    assert (report.rows, report.imported, report.rejected, report.empty) == (9, 2, 6, 1)
    assert report.rows == report.imported + report.rejected + report.duplicates + report.do_not_call + report.empty
    assert set(rows_of(campaign)) == {"+12125551001", "+12125551004"}


def test_it_merges_duplicates_first_one_wins_across_formats_batches_and_uploads(campaign, monkeypatch):
    from editor.campaigns.services import imports as imports_module

    monkeypatch.setattr(imports_module, "BATCH", 2)  # duplicates across batches too
    upload = csv_file("number,name\n+12125551001,first\n(212) 555-1002,second\n212-555-1001,dup of 2\n"
                      "+1 212 555 1002,dup of 3\n")
    report = contacts_import(campaign=campaign, upload=upload)

    assert (report.imported, report.duplicates) == (2, 2)
    assert report.duplicate_rows == [{"line": 4, "number": "+12125551001", "first_line": 2},
                                     {"line": 5, "number": "+12125551002", "first_line": 3}]
    assert rows_of(campaign)["+12125551001"].variables == {"name": "first"}

    again = contacts_import(campaign=campaign, upload=csv_file("number,name\n+12125551001,later\n+12125551005,new\n"))
    assert (again.imported, again.duplicates) == (1, 1)
    assert rows_of(campaign)["+12125551001"].variables == {"name": "first"}


def test_it_sets_numbers_on_the_do_not_call_list_aside_and_reports_them(campaign, team):
    dnc_add(team=team, number="+12125551002")
    report = contacts_import(campaign=campaign, upload=csv_file("number\n+12125551001\n+12125551002\n"))

    assert (report.imported, report.do_not_call) == (1, 1)
    assert report.dnc_rows == [{"line": 3, "number": "+12125551002"}]
    assert rows_of(campaign)["+12125551002"].status == ContactStatus.DO_NOT_CALL


def test_it_uses_the_default_region_for_numbers_without_a_country_code(team, version, credential):
    french = make_campaign(team, version, credential, default_region="FR")
    report = contacts_import(campaign=french, upload=csv_file("tel\n01 42 68 53 00\n"))
    assert report.imported == 1
    contact = CampaignContact.objects.get(campaign=french)
    assert (contact.number, contact.timezone) == ("+33142685300", "Europe/Paris")
    assert normalise_number("01 42 68 53 00", "FR")[0] == "+33142685300"
    with pytest.raises(ValueError, match="valid"):
        normalise_number("01 42 68 53 00", "US")


def test_it_leaves_the_zone_empty_when_a_number_has_several(team, version, credential):
    campaign = make_campaign(team, version, credential)
    contacts_import(campaign=campaign, upload=csv_file("number\n+79161234567\n"))
    assert CampaignContact.objects.get(campaign=campaign).timezone == ""


def test_it_reads_semicolons_a_bom_and_windows_1252(campaign):
    text = "\ufeffNummer;Name\n+12125551001;Zoë\n"
    assert contacts_import(campaign=campaign, upload=csv_file(text), number_column="Nummer").imported == 1
    assert rows_of(campaign)["+12125551001"].variables == {"name": "Zoë"}
    report = contacts_import(campaign=campaign, upload=csv_file("phone,name\n+12125551009,Zoë\n", "cp1252"))
    assert report.imported == 1 and rows_of(campaign)["+12125551009"].variables == {"name": "Zoë"}


def test_it_refuses_files_it_cannot_map_without_importing_anything(campaign):
    with pytest.raises(InvalidFields) as missing:
        contacts_import(campaign=campaign, upload=csv_file("who,when\nAda,now\n"))
    assert "number_column" in missing.value.extra["fields"]
    with pytest.raises(BadFile, match="empty"):
        contacts_import(campaign=campaign, upload=csv_file(""))
    with pytest.raises(BadFile, match="both become"):
        contacts_import(campaign=campaign, upload=csv_file("number,First Name,first_name\n+12125551001,a,b\n"))
    assert not CampaignContact.objects.filter(campaign=campaign).exists()


def test_it_rejects_a_row_with_a_nul_character_and_imports_the_rest(campaign):
    report = contacts_import(campaign=campaign, upload=csv_file("number,name\n+12125551001,A\x00\n+12125551002,B\n"))
    assert (report.imported, report.rejected) == (1, 1)
    assert report.rejected_rows == [{"line": 2, "value": "+12125551001", "reason": "The row contains a NUL character."}]


def test_it_previews_the_first_rows_and_the_variables_the_flow_lacks(campaign):
    upload = csv_file("mobile,city\n+12125551001,Paris\nnope,Rome\n" + "+12125551002,x\n" * 20)
    preview = contacts_preview(campaign=campaign, upload=upload, limit=3)

    assert preview["number_column"] == "mobile"
    assert [r["line"] for r in preview["rows"]] == [2, 3, 4]
    assert preview["rows"][0]["number"] == "+12125551001"
    assert preview["rows"][1]["error"] == "Not a phone number."
    assert preview["missing_variables"] == ["name"]  # the flow says {{contact.name}}
    assert not CampaignContact.objects.filter(campaign=campaign).exists()


def test_it_streams_a_large_file_in_bounded_memory(team, version, credential, monkeypatch):
    from editor.campaigns.services import csvfile
    from editor.campaigns.services import imports as imports_module

    monkeypatch.setattr(imports_module, "BATCH", 100)
    monkeypatch.setattr(csvfile, "CHUNK_BYTES", 32 * 1024)  # the stored file is read back a chunk at a time
    normalise_number("+12125551000", "US")  # load phonenumbers' metadata before measuring

    def peak_for(rows: int) -> int:
        campaign = make_campaign(team, version, credential)
        filler = "x" * 900
        body = "number,a,b\n" + "".join(f"+1212555{n:04d},{filler},{filler}\n" for n in range(1000, 1000 + rows))
        upload = csv_file(body)
        del body
        tracemalloc.start()
        report = contacts_import(campaign=campaign, upload=upload)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert report.imported == rows
        return peak

    small, large = peak_for(120), peak_for(720)  # 6 times the rows (1.3 MB)
    assert large < small * 1.5, f"peak memory grew from {small} to {large} bytes"


def test_it_imports_a_do_not_call_csv_with_its_own_report(team):
    report = dnc_import(team=team, upload=csv_file("Phone,Reason\n+12125551001,asked\nbad\n212 555 1001,again\n\n"))
    counts = [report[k] for k in ("rows", "added", "duplicates", "rejected", "empty")]
    assert counts == [4, 1, 1, 1, 1]
    assert report["rejected_rows"][0]["line"] == 3
    again = dnc_import(team=team, upload=csv_file("number\n+12125551001\n+12125551002\n"))
    assert (again["added"], again["already"]) == (1, 1)
