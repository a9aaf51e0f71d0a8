"""Contact lists: CSV import into a campaign, its preview, and phone-number normalisation.

The file is read as a stream (``csv`` over a ``TextIOWrapper`` of the uploaded file) and written
in batches with ``bulk_create``, so memory stays bounded by the batch size whatever the file size;
duplicates are found per batch against the batch and the rows already stored (the unique
constraint on campaign + number backs this up). Every data row ends in exactly one bucket of the
report, with its spreadsheet line number (the header is line 1):

    rows = imported + duplicates (merged, the first wins) + do_not_call + rejected + empty

One column holds the numbers (chosen by its header); every other column becomes a contact
variable ``{{contact.<column>}}`` with the header lower-cased and spaces turned into ``_``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import phonenumbers
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult
from phonenumbers import timezone as number_zones

from editor.campaigns.models import Campaign, CampaignContact, ContactImport, ContactStatus, DoNotCall, RejectedRow
from editor.common.errors import InvalidFields, ServiceError
from editor.flowcore import contact_variables_used

BATCH = 2000
MAX_COLUMNS = 100
MAX_VALUE = 1000
SNIFF_BYTES = 64 * 1024
NUMBER_HEADERS = ("number", "phone", "phone_number", "phonenumber", "mobile", "mobile_number", "cell",
                  "cellphone", "telephone", "tel", "msisdn", "contact_number")
_NON_NAME = re.compile(r"[^a-z0-9_]+")
_EXCEL_FLOAT = re.compile(r"^\+?\d+\.0+$")
_EXCEL_EXP = re.compile(r"^[+-]?\d(\.\d+)?[eE]\+?\d+$")

csv.field_size_limit(1024 * 1024)


class BadFile(ServiceError):
    code = "bad_csv"


class BadNumber(ValueError):
    pass


# --- numbers --------------------------------------------------------------------------------------

_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: "No valid country code: write it with + and the country code, "
                                                "or set the campaign's default country.",
    NumberParseException.NOT_A_NUMBER: "Not a phone number.",
    NumberParseException.TOO_SHORT_AFTER_IDD: "Too short to be a phone number.",
    NumberParseException.TOO_SHORT_NSN: "Too short to be a phone number.",
    NumberParseException.TOO_LONG: "Too long to be a phone number.",
}
_LENGTH_REASONS = {
    ValidationResult.TOO_SHORT: "Too short for a number in {region}.",
    ValidationResult.TOO_LONG: "Too long for a number in {region}.",
    ValidationResult.INVALID_LENGTH: "Wrong number of digits for a number in {region}.",
    ValidationResult.INVALID_COUNTRY_CODE: "Unknown country code.",
}


def normalise_number(raw: str, region: str) -> tuple[str, str]:
    """``(E.164, callee zone or "")`` for ``raw`` read with the default ``region``; raises BadNumber.

    The zone is given only when phonenumbers knows exactly one for the number.
    """
    text = raw.strip()
    if not text:
        raise BadNumber("No phone number in this row.")
    if _EXCEL_EXP.match(text):
        raise BadNumber("The spreadsheet turned this number into scientific notation; format the column as text.")
    if _EXCEL_FLOAT.match(text):
        text = text.split(".", 1)[0]
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as exc:
        raise BadNumber(_PARSE_REASONS.get(exc.error_type, "Not a phone number.")) from None
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_number(number) or region
        result = phonenumbers.is_possible_number_with_reason(number)
        reason = _LENGTH_REASONS.get(result, "Not a valid number in {region}.")
        raise BadNumber(reason.format(region=where))
    zones = number_zones.time_zones_for_number(number)
    zone = zones[0] if len(zones) == 1 and zones[0] != "Etc/Unknown" else ""
    return phonenumbers.format_number(number, PhoneNumberFormat.E164), zone


# --- reading the file -------------------------------------------------------------------------------


def variable_name(header: str) -> str:
    return _NON_NAME.sub("_", header.strip().lower()).strip("_")


def _binary(upload: Any) -> IO[bytes]:
    raw = getattr(upload, "file", upload)  # Django's UploadedFile wraps a BytesIO or a temporary file
    raw.seek(0)
    return raw


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"  # what Excel writes as "CSV" on Windows


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class Layout:
    headers: list[str]
    variables: list[str]  # per column; "" for the number column
    number_index: int
    delimiter: str

    def columns(self) -> list[dict[str, str]]:
        return [{"header": h, "variable": v} for h, v in zip(self.headers, self.variables, strict=True) if v]


def _layout(headers: list[str], number_column: str | None, delimiter: str) -> Layout:
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
    return Layout(headers, variables, index, delimiter)


def _open(upload: Any) -> tuple[IO[str], str]:
    raw = _binary(upload)
    head = raw.read(SNIFF_BYTES)
    raw.seek(0)
    encoding = _encoding(head)
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    return text, _delimiter(head.decode(encoding, errors="replace").lstrip("\ufeff").split("\n", 1)[0])


@dataclass
class Row:
    line: int
    cells: list[str]


def _rows(text: IO[str], delimiter: str) -> tuple[list[str], Iterator[Row]]:
    reader = csv.reader(text, delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise BadFile("The file is empty.") from None
    except UnicodeDecodeError:
        raise BadFile("The file is not text. Save it from your spreadsheet as CSV (UTF-8).") from None
    except csv.Error as exc:
        raise BadFile(f"Line 1 cannot be read as CSV: {exc}.") from None

    def rows() -> Iterator[Row]:
        line = 1
        while True:
            line += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise BadFile(f"Line {line} is not valid text in the file's encoding. Save the file as CSV (UTF-8)."
                              ) from None
            except csv.Error as exc:
                raise BadFile(f"Line {line} cannot be read as CSV: {exc}.") from None
            yield Row(line, cells)

    return headers, rows()


def _row_values(row: Row, layout: Layout, region: str) -> tuple[str, str, dict[str, str]]:
    """(E.164, zone, variables) of a data row, or BadNumber with the reason it is rejected."""
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


def _number_cell(row: Row, layout: Layout) -> str:
    """The number cell as written, for the report (cut short; NUL made visible: it cannot be stored)."""
    cell = row.cells[layout.number_index] if layout.number_index < len(row.cells) else ""
    return cell[:100].replace("\x00", "\ufffd")


# --- import ----------------------------------------------------------------------------------------


@dataclass
class Report:
    keep: int = 1000  # rows of each kind kept in the report (CONTACT_IMPORT_REPORT_ROWS)
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    do_not_call: int = 0
    rejected: int = 0
    empty: int = 0
    duplicate_rows: list[dict[str, Any]] = field(default_factory=list)
    rejected_rows: list[dict[str, Any]] = field(default_factory=list)
    dnc_rows: list[dict[str, Any]] = field(default_factory=list)

    def note(self, kept: list[dict[str, Any]], entry: dict[str, Any]) -> None:
        """Keep ``entry`` in the report while it holds fewer than ``keep`` of its kind: a million bad
        rows must not become a million-entry report (the rejected ones are all in RejectedRow)."""
        if len(kept) < self.keep:
            kept.append(entry)

    def check(self) -> None:
        accounted = self.imported + self.duplicates + self.do_not_call + self.rejected + self.empty
        assert accounted == self.rows, f"{self.rows} rows read but {accounted} reported"


def contacts_import(*, campaign: Campaign, upload: Any, number_column: str | None = None,
                    user: AbstractBaseUser | None = None, filename: str = "") -> ContactImport:
    """Import a CSV into ``campaign`` (not finished) and return the stored report."""
    if campaign.is_final:
        raise ServiceError(f"This campaign is {campaign.get_status_display().lower()}: no more contacts can be added.")
    text, delimiter = _open(upload)
    headers, rows = _rows(text, delimiter)
    layout = _layout(headers, number_column, delimiter)
    region = campaign.default_region
    report = Report(keep=settings.CONTACT_IMPORT_REPORT_ROWS)
    zones: set[str] = set()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)  # one import at a time
        item = ContactImport.objects.create(
            campaign=campaign, filename=filename[:255], number_column=layout.headers[layout.number_index],
            columns=layout.columns(), created_by=user if user is not None and user.is_authenticated else None,
        )
        batch: list[tuple[Row, str, str, dict[str, str]]] = []
        rejections: list[RejectedRow] = []
        for row in rows:
            report.rows += 1
            if not any(cell.strip() for cell in row.cells):
                report.empty += 1
                continue
            try:
                number, zone, variables = _row_values(row, layout, region)
            except BadNumber as exc:
                report.rejected += 1
                entry = {"line": row.line, "value": _number_cell(row, layout), "reason": str(exc)[:300]}
                report.note(report.rejected_rows, entry)
                rejections.append(RejectedRow(contact_import=item, **entry))
                if len(rejections) >= BATCH:
                    RejectedRow.objects.bulk_create(rejections)
                    rejections = []
                continue
            batch.append((row, number, zone, variables))
            if len(batch) >= BATCH:
                _store(campaign, batch, report, zones)
                batch = []
        if batch:
            _store(campaign, batch, report, zones)
        RejectedRow.objects.bulk_create(rejections)
        report.check()
        campaign.columns = sorted(set(campaign.columns or []) | {v for v in layout.variables if v})
        campaign.zones = sorted(set(campaign.zones or []) | zones)
        campaign.save(update_fields=["columns", "zones", "updated_at"])
        for name in ("rows", "imported", "duplicates", "do_not_call", "rejected", "empty", "duplicate_rows",
                     "rejected_rows", "dnc_rows"):
            setattr(item, name, getattr(report, name))
        item.save()
        return item


def _store(campaign: Campaign, batch: list[tuple[Row, str, str, dict[str, str]]], report: Report,
           zones: set[str]) -> None:
    numbers = {number for _, number, _, _ in batch}
    earlier = dict(CampaignContact.objects.filter(campaign=campaign, number__in=numbers).values_list("number", "line"))
    listed = DoNotCall.objects.filter(team_id=campaign.team_id, number__in=numbers)
    blocked = set(listed.values_list("number", flat=True))
    fresh: list[CampaignContact] = []
    for row, number, zone, variables in batch:
        if number in earlier:
            report.duplicates += 1
            report.note(report.duplicate_rows, {"line": row.line, "number": number, "first_line": earlier[number]})
            continue
        earlier[number] = row.line
        on_list = number in blocked
        if on_list:
            report.do_not_call += 1
            report.note(report.dnc_rows, {"line": row.line, "number": number})
        else:
            report.imported += 1
            zones.add(zone)
        fresh.append(CampaignContact(
            campaign=campaign, number=number, variables=variables, timezone=zone, line=row.line,
            status=ContactStatus.DO_NOT_CALL if on_list else ContactStatus.PENDING,
            note="On the do-not-call list: not called." if on_list else "",
        ))
    CampaignContact.objects.bulk_create(fresh, batch_size=BATCH)


# --- preview ---------------------------------------------------------------------------------------


def contacts_preview(*, campaign: Campaign, upload: Any, number_column: str | None = None,
                     limit: int = 10) -> dict[str, Any]:
    """The columns and the first ``limit`` data rows as they would be imported (nothing is saved)."""
    text, delimiter = _open(upload)
    headers, rows = _rows(text, delimiter)
    layout = _layout(headers, number_column, delimiter)
    shown = []
    for row in rows:
        if len(shown) >= limit:
            break
        if not any(cell.strip() for cell in row.cells):
            continue
        try:
            number, zone, variables = _row_values(row, layout, campaign.default_region)
            shown.append({"line": row.line, "value": _number_cell(row, layout), "number": number,
                          "timezone": zone or campaign.timezone, "variables": variables, "error": ""})
        except BadNumber as exc:
            shown.append({"line": row.line, "value": _number_cell(row, layout), "number": "", "timezone": "",
                          "variables": {}, "error": str(exc)})
    used = contact_variables_used(campaign.flow_version.document) - {"number"}
    provided = {v for v in layout.variables if v} | set(campaign.columns or [])
    return {
        "headers": layout.headers,
        "number_column": layout.headers[layout.number_index],
        "delimiter": delimiter,
        "columns": layout.columns(),
        "rows": shown,
        "missing_variables": sorted(used - provided),
    }


def import_report(item: ContactImport) -> dict[str, Any]:
    """The API/page representation of a stored import report: counts of every row, and at most
    ``report_rows_limit`` rows of each kind (every rejected row is in the rejected rows' CSV)."""
    return {
        "report_rows_limit": settings.CONTACT_IMPORT_REPORT_ROWS,
        "rejected_download": f"/api/campaigns/{item.campaign_id}/imports/{item.pk}/rejected.csv",
        "id": item.pk, "filename": item.filename, "number_column": item.number_column, "columns": item.columns,
        "rows": item.rows, "imported": item.imported, "duplicates": item.duplicates,
        "do_not_call": item.do_not_call, "rejected": item.rejected, "empty": item.empty,
        "duplicate_rows": item.duplicate_rows, "rejected_rows": item.rejected_rows,
        "do_not_call_rows": item.dnc_rows,
        "created_at": item.created_at.isoformat() if item.created_at else None,
    }

