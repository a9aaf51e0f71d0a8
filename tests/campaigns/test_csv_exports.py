"""Exports are data, never formulas: every cell a spreadsheet would run (=, +, -, @, tab, CR first,
whatever follows) comes out of the results CSV with a leading apostrophe, while the E.164 number in
the number column stays a number. Every CSV writer of the site goes through editor/common/csvsafe.py."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from editor.common.csvsafe import safe_cell
from tests.campaigns.conftest import csv_file, make_campaign, us_numbers

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
