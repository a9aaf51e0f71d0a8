"""Exports are data, never formulas: every cell a spreadsheet would run (=, +, -, @, tab, CR first,
whatever follows) comes out of every CSV the site writes (campaign results, an import's rejected rows,
calls, the do-not-call list; page and API) with a leading apostrophe, while the E.164 number in a
number column stays a number. Every CSV writer of the site goes through editor/common/csvsafe.py, and
each export below fails if that escaping is switched off."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.test import Client

from editor.calls.models import Call
from editor.calls.services.calls import call_create
from editor.campaigns.services.dnc import dnc_add
from editor.campaigns.services.dnc_imports import dnc_import
from editor.common.csvsafe import safe_cell
from editor.flows.services.flows import flow_create, flow_publish
from tests.campaigns.conftest import FLOW, csv_file, make_campaign, us_numbers
from tests.support.api import token_client

pytestmark = pytest.mark.django_db

FORMULAS = ["=1+2", "+1-2", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A2)", "\t=1+2", "\r=1+2", "=HYPERLINK(\"x\")",
            "+", "-", "=", "@"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text
    assert safe_cell(text, phone=True) == "'" + text


@pytest.mark.parametrize("text", ["Ada", "", "12", "a=b", "'=1", "+14155550100"])
def test_plain_data_is_left_alone_in_an_ordinary_column(text):
    expected = "'" + text if text.startswith("+") else text
    assert safe_cell(text) == expected


@pytest.mark.parametrize(("text", "kept"), [("+14155550100", True), ("+1 415", False), ("+1-2", False), ("+", False)])
def test_a_phone_column_keeps_exactly_plus_and_digits(text, kept):
    assert safe_cell(text, phone=True) == (text if kept else "'" + text)


def test_the_results_csv_neutralises_every_formula_in_contact_fields(client, owner, team, version, credential):
    numbers = us_numbers(len(FORMULAS))
    lines = ["number,name,company"]
    for number, formula in zip(numbers, FORMULAS, strict=True):
        quoted = '"' + formula.replace('"', '""') + '"'
        lines.append(f"{number},{quoted},{quoted}")
    campaign = make_campaign(team, version, credential, upload=csv_file("\n".join(lines) + "\n"))
    assert campaign.contacts.count() == len(FORMULAS)
    client.force_login(owner)
    response = client.get(f"/campaigns/{campaign.pk}/results.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_number = {row["number"]: row for row in rows}
    assert sorted(by_number) == sorted(numbers)  # E.164 numbers stay numbers
    for number, formula in zip(numbers, FORMULAS, strict=True):
        stored = campaign.contacts.get(number=number).variables["name"]
        assert by_number[number]["name"] == "'" + stored, (formula, by_number[number]["name"])
        assert by_number[number]["company"] == "'" + stored
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")) or re.fullmatch(r"\+[0-9]+", value)


def test_every_csv_writer_goes_through_the_safe_writer():
    writers = [
        path.relative_to(ROOT).as_posix()
        for folder in ("editor", "sandbox", "flowstudio")
        for path in (ROOT / folder).rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text())
    ]
    assert writers == ["editor/common/csvsafe.py"]


STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def exports(team, owner, version, credential) -> dict[str, str]:
    """A formula in every free-text field each export writes; the path of each export."""
    lines = ["number,name", f"{us_numbers(1)[0]},=1+2", "=1+2,Formula"]  # the second row is rejected
    campaign = make_campaign(team, version, credential, upload=csv_file("\n".join(lines) + "\n"))
    item = campaign.imports.get()
    flow = flow_create(team=team, user=owner, name="=HYPERLINK(\"http://x\")", document=FLOW)
    call = call_create(version=flow_publish(flow=flow, user=owner), credential=credential, number="+12125551234",
                       variables={"name": "+1-2"})
    Call.objects.filter(pk=call.pk).update(error="-2+3+cmd|' /C calc'!A0")
    dnc_add(team=team, number="+12125559876", note="@SUM(A1:A2)", user=owner)
    dnc_item = dnc_import(team=team, upload=csv_file("number\n=1+2\n"))  # rejected: not a number
    results = f"campaigns/{campaign.pk}/results.csv"
    rejected = f"campaigns/{campaign.pk}/imports/{item.pk}/rejected.csv"
    return {"results": results, "rejected": rejected, "calls": "calls/export.csv",
            "do-not-call": "do-not-call/export.csv",
            "do-not-call-rejected": f"do-not-call/imports/{dnc_item['id']}/rejected.csv"}


@pytest.mark.parametrize("kind", ["results", "rejected", "calls", "do-not-call", "do-not-call-rejected"])
@pytest.mark.parametrize("where", ["page", "api"])
def test_every_export_writes_data_never_formulas(exports, owner, kind, where):
    if where == "api":
        response = token_client(owner).get("/api/" + exports[kind])
    else:
        page = Client()
        page.force_login(owner)
        response = page.get("/" + exports[kind])
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, body = rows[0], rows[1:]
    cells = [(name, value) for row in body for name, value in zip(header, row, strict=True)]
    neutralised = [value for _, value in cells if value.startswith("'") and value[1:].startswith(STARTS)]
    assert neutralised, f"no formula of the fixture reached the {kind} export: {body}"
    for name, value in cells:
        phone = name == "number" and re.fullmatch(r"\+[0-9]+", value)
        assert phone or not value.startswith(STARTS), (kind, name, value)
    numbers = [value for name, value in cells if name == "number"]
    assert all(re.fullmatch(r"\+[0-9]+", n) for n in numbers if "rejected" not in kind), numbers  # still numbers


def test_the_calls_export_follows_the_lists_filters(exports, owner):
    api = token_client(owner)
    only_header = b"".join(api.get("/api/calls/export.csv", {"number": "0000"}).streaming_content).decode()
    assert only_header.strip().startswith("id,created_at")
    assert len(only_header.strip().splitlines()) == 1
    bad = api.get("/api/calls/export.csv", {"date": "9999-12-31"})
    assert bad.status_code == 400 and "date" in bad.json()["extra"]["fields"]
    page = Client()
    page.force_login(owner)
    refused = page.get("/calls/export.csv", {"flow": "²"})
    assert refused.status_code == 400 and b"Use an id" in refused.content  # the list, with the error beside Flow


def test_the_do_not_call_export_follows_its_search(exports, owner):
    api = token_client(owner)
    found = b"".join(api.get("/api/do-not-call/export.csv", {"search": "9876"}).streaming_content).decode()
    assert "+12125559876" in found
    none = b"".join(api.get("/api/do-not-call/export.csv", {"search": "1111"}).streaming_content).decode()
    assert len(none.strip().splitlines()) == 1
    assert api.get("/api/do-not-call/export.csv", {"team": "²"}).status_code == 400
    page = Client()
    page.force_login(owner)
    back = page.get("/do-not-call/export.csv", {"search": "1\x00"})
    assert back.status_code == 302 and back["Location"].startswith("/do-not-call/?search=")


def test_another_teams_rows_stay_out_of_the_exports(exports, outsider):
    api = token_client(outsider)
    for path in ("/api/calls/export.csv", "/api/do-not-call/export.csv"):
        text = b"".join(api.get(path).streaming_content).decode()
        assert len(text.strip().splitlines()) == 1, (path, text)


def test_the_lists_link_their_download_with_the_current_filters(exports, owner):
    page = Client()
    page.force_login(owner)
    assert 'href="/calls/export.csv?number=1234"' in page.get("/calls/", {"number": "1234"}).content.decode()
    dnc_page = page.get("/do-not-call/", {"search": "9876"}).content.decode()
    assert 'href="/do-not-call/export.csv?search=9876"' in dnc_page
