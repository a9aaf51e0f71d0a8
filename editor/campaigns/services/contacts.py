"""Contact lists: how a CSV maps onto contacts (the layout), the preview, and the import's report.

The import itself (stored upload → a worker → batches) is in services/imports.py; reading the file
is in services/csvfile.py. Every data row ends in exactly one bucket of the report, with its
spreadsheet line number (line 1 is the header, or the first contact of a file without one):

    rows = imported + duplicates (merged, the first wins) + do_not_call + rejected + empty

One column holds the numbers (chosen by its header); every other column becomes a contact
variable ``{{contact.<column>}}`` with the header lower-cased and spaces turned into ``_``. A file
without a header line names its columns "Column 1", "Column 2"… (``{{contact.column_2}}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from editor.campaigns.models import Campaign, ContactImport, ImportStatus
from editor.campaigns.services.csvfile import BadFile, Row, binary, data_rows, header_looks_like_data, read_csv
from editor.campaigns.services.numbers import BadNumber, looks_like_number, normalise_number
from editor.common.errors import InvalidFields
from editor.flowcore import contact_variables_used

MAX_COLUMNS = 100
MAX_VALUE = 1000
NUMBER_HEADERS = ("number", "phone", "phone_number", "phonenumber", "mobile", "mobile_number", "cell",
                  "cellphone", "telephone", "tel", "msisdn", "contact_number")
_NON_NAME = re.compile(r"[^a-z0-9_]+")


def variable_name(header: str) -> str:
    return _NON_NAME.sub("_", header.strip().lower()).strip("_")


def column_names(count: int) -> list[str]:
    """The names of the columns of a file without a header line."""
    return [f"Column {i + 1}" for i in range(count)]


@dataclass
class Layout:
    headers: list[str]
    variables: list[str]  # per column; "" for the number column
    number_index: int

    def columns(self) -> list[dict[str, str]]:
        return [{"header": h, "variable": v} for h, v in zip(self.headers, self.variables, strict=True) if v]


def layout_of(headers: list[str] | None, number_column: str | None, first_row: list[str]) -> Layout:
    """The layout of a file whose header line is ``headers`` (None: no header line, and
    ``first_row`` is its first contact, which tells the number column when none is named)."""
    if headers is None:
        headers = column_names(len(first_row))
        if not number_column:
            found = next((i for i, cell in enumerate(first_row) if looks_like_number(cell)), None)
            number_column = headers[found] if found is not None else None
    headers = [h.strip() for h in headers]
    if not any(headers):
        raise BadFile("The first line must hold the column names (for example: number,name).")
    if len(headers) > MAX_COLUMNS:
        raise BadFile(f"The file has {len(headers)} columns; at most {MAX_COLUMNS} are allowed.")
    names = [variable_name(h) for h in headers]
    if number_column:
        wanted = number_column.strip()
        matches = [i for i, h in enumerate(headers) if h == wanted] or [
            i for i, n in enumerate(names) if n == variable_name(wanted)]
        if not matches:
            raise InvalidFields({"number_column": [f"There is no column “{wanted}”. Columns: {', '.join(headers)}."]})
    else:
        matches = [i for i, n in enumerate(names) if n in NUMBER_HEADERS]
        if not matches:
            raise InvalidFields({"number_column": [
                f"Choose the column that holds the phone numbers (columns: {', '.join(headers)})."]})
    index = matches[0]
    variables = []
    seen: dict[str, str] = {}
    for i, (header, name) in enumerate(zip(headers, names, strict=True)):
        if i == index:
            variables.append("")
            continue
        if not name:
            raise BadFile(f"Column {i + 1} has no usable name (“{header}”). Give every column a name.")
        if name == "number":
            raise BadFile(f"The column “{header}” would become {{{{contact.number}}}}, which is the phone number "
                          "itself. Rename it or choose it as the number column.")
        if name in seen:
            raise BadFile(f"The columns “{seen[name]}” and “{header}” both become {{{{contact.{name}}}}}. "
                          "Rename one of them.")
        seen[name] = header
        variables.append(name)
    return Layout(headers, variables, index)


def row_values(row: Row, layout: Layout, region: str) -> tuple[str, str, dict[str, str]]:
    """(E.164, zone, variables) of a data row, or BadNumber with the reason it is rejected."""
    if row.problem:
        raise BadNumber(row.problem)
    cells = row.cells
    width = len(layout.headers)
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        raise BadNumber(f"The row has {len(cells)} cells but there are {width} columns: a value has no column.")
    if "\x00" in "".join(cells):
        raise BadNumber("The row contains a NUL character.")
    raw = cells[layout.number_index] if layout.number_index < len(cells) else ""
    number, zone = normalise_number(raw, region)
    variables: dict[str, str] = {}
    for i, name in enumerate(layout.variables):
        if not name:
            continue
        value = cells[i].strip() if i < len(cells) else ""
        if len(value) > MAX_VALUE:
            raise BadNumber(f"The value in “{layout.headers[i]}” is longer than {MAX_VALUE} characters.")
        variables[name] = value
    return number, zone, variables


def number_cell(row: Row, layout: Layout) -> str:
    """The number cell as written, for the report (cut short; NUL made visible: it cannot be stored)."""
    cell = row.cells[layout.number_index] if layout.number_index < len(row.cells) else ""
    return cell[:100].replace("\x00", "\ufffd")


def is_empty(row: Row) -> bool:
    return not row.problem and not any(cell.strip() for cell in row.cells)


# --- preview ---------------------------------------------------------------------------------------


def contacts_preview(*, campaign: Campaign, upload: Any, number_column: str | None = None,
                     has_header: bool | None = None, limit: int = 10) -> dict[str, Any]:
    """The columns and the first ``limit`` data rows as they would be imported (nothing is saved).

    With ``has_header`` None and a first line that looks like data, the preview reads it as data
    and says so (``header_question``), so the page can ask before the import does."""
    text = read_csv(binary(upload))
    question = header_looks_like_data(text.first) if has_header is None else ""
    headers, rows = data_rows(text, has_header=False if question else has_header)
    layout = layout_of(headers, number_column, text.first)
    shown = []
    for row in rows:
        if len(shown) >= limit:
            break
        if is_empty(row):
            continue
        try:
            number, zone, variables = row_values(row, layout, campaign.default_region)
            shown.append({"line": row.line, "value": number_cell(row, layout), "number": number,
                          "timezone": zone or campaign.timezone, "variables": variables, "error": ""})
        except BadNumber as exc:
            shown.append({"line": row.line, "value": number_cell(row, layout), "number": "", "timezone": "",
                          "variables": {}, "error": str(exc)})
    used = contact_variables_used(campaign.flow_version.document) - {"number"}
    provided = {v for v in layout.variables if v} | set(campaign.columns or [])
    return {
        "has_header": headers is not None,
        "header_question": question,
        "headers": layout.headers,
        "number_column": layout.headers[layout.number_index],
        "delimiter": text.delimiter,
        "columns": layout.columns(),
        "rows": shown,
        "missing_variables": sorted(used - provided),
    }


# --- the report ------------------------------------------------------------------------------------


def percent_read(item: Any) -> int:
    """The share of an import's file read (a contact or do-not-call import): 100 only once done."""
    if item.status == ImportStatus.DONE:
        return 100
    return min(99, int(100 * item.bytes_read / item.size)) if item.size else 0


def import_progress(item: ContactImport) -> dict[str, Any]:
    """Where an import is: its status, the share of the file read, the rows read, imported and
    rejected so far (what the page's progress bar and the API show while a worker reads the file)."""
    return {
        "id": item.pk, "status": item.status, "status_label": item.get_status_display(),
        "finished": item.status in (ImportStatus.DONE, ImportStatus.FAILED), "percent": percent_read(item),
        "error": item.error, "filename": item.filename, "has_header": item.has_header,
        "rows": item.rows, "imported": item.imported, "duplicates": item.duplicates,
        "do_not_call": item.do_not_call, "rejected": item.rejected, "empty": item.empty,
        "progress_url": f"/api/campaigns/{item.campaign_id}/imports/{item.pk}/",
        "created_at": item.created_at.isoformat() if item.created_at else None,
        "finished_at": item.finished_at.isoformat() if item.finished_at else None,
    }


def import_report(item: ContactImport) -> dict[str, Any]:
    """The API/page representation of an import: its progress, and at most ``report_rows_limit``
    rows of each kind (every rejected row is in the rejected rows' CSV)."""
    return {
        **import_progress(item),
        "report_rows_limit": settings.CONTACT_IMPORT_REPORT_ROWS,
        "rejected_download": f"/api/campaigns/{item.campaign_id}/imports/{item.pk}/rejected.csv",
        "number_column": item.number_column, "columns": item.columns,
        "duplicate_rows": item.duplicate_rows, "rejected_rows": item.rejected_rows,
        "do_not_call_rows": item.dnc_rows,
    }


__all__ = ["NUMBER_HEADERS", "BadFile", "BadNumber", "Layout", "contacts_preview", "import_progress", "import_report",
           "layout_of", "normalise_number", "row_values", "variable_name"]
