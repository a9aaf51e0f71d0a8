"""Every CSV file the site writes goes through here, so that a spreadsheet opening it reads data,
never a formula (CSV injection).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, whatever
follows: ``=1+2``, ``+1-2`` and ``-2+3+cmd|' /C calc'!A0`` all run. Tab and carriage return are
trimmed by some of them first, so they count too. Such a cell gets a leading apostrophe, which the
spreadsheet shows as text. The one exception is a phone-number column holding exactly ``+`` and
digits (E.164, such as ``+14155550100``), which a spreadsheet reads as a number, never a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
E164 = re.compile(r"\+[0-9]{1,20}")


def safe_cell(value: Any, *, phone: bool = False) -> str:
    """The text of one cell, neutralised when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    if phone and E164.fullmatch(text):
        return text
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class SafeCsvWriter:
    """Rows in, CSV text out, every cell through ``safe_cell``. ``phone_columns`` names the header
    columns that hold phone numbers. ``row()`` returns the text of one row, for streaming."""

    def __init__(self, header: Iterable[str], *, phone_columns: Iterable[str] = ()) -> None:
        self.header = [str(name) for name in header]
        phones = set(phone_columns)
        self._phone = [name in phones for name in self.header]
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer)

    def _flush(self) -> str:
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate(0)
        return text

    def header_row(self) -> str:
        self._writer.writerow([safe_cell(name) for name in self.header])
        return self._flush()

    def row(self, cells: Iterable[Any]) -> str:
        values = list(cells)
        phone = (self._phone + [False] * len(values))[: len(values)]
        self._writer.writerow([safe_cell(value, phone=is_phone) for value, is_phone in zip(values, phone, strict=True)])
        return self._flush()


def csv_download(rows: Iterable[str], filename: str) -> StreamingHttpResponse:
    """A streamed CSV attachment of ``rows`` (text made by ``SafeCsvWriter``): every export's response."""
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
