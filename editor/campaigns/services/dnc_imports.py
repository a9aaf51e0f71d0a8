"""The do-not-call list's CSV import as background work, like the contact import (services/imports.py):
the request checks the first line and the number column and stores the file; a Celery worker reads it
and writes BATCH numbers per transaction with the import's counts and position, so the page and the
API show its progress and a run that dies resumes after the last stored line.

A first line that looks like a phone number is read as a number (a list of numbers often has no
header line). A number the file repeats is told from one listed before the import by
``DoNotCall.added_by_import``. Contacts of the team's unfinished campaigns still waiting for a listed
number are set aside (``close_waiting``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from editor.accounts.models import Team
from editor.campaigns.models import DncImport, DoNotCall, ImportStatus, RejectedRow
from editor.campaigns.services.contacts import NUMBER_HEADERS, column_names, percent_read, variable_name
from editor.campaigns.services.csvfile import (
    BadFile,
    CsvText,
    Row,
    binary,
    header_looks_like_data,
    read_csv,
    store_upload,
    stored_file,
)
from editor.campaigns.services.dnc import close_waiting
from editor.campaigns.services.imports import fail_import, forget_upload
from editor.campaigns.services.numbers import BadNumber, normalise_number
from editor.common.bulk import insert_rows
from editor.common.errors import InvalidFields, ServiceError

BATCH = 2000
DNC_IMPORT_TASK = "editor.campaigns.import_do_not_call"
COUNTS = ("rows", "added", "already", "duplicates", "rejected", "empty", "contacts_closed")
REJECTED_COLUMNS = ("dnc_import_id", "line", "value", "reason")


def _columns(text: CsvText, number_column: str | None) -> tuple[bool, int, int | None]:
    """(has a header line, index of the number column, index of the note column or None)."""
    has_header = not header_looks_like_data(text.first)
    headers = text.first if has_header else column_names(len(text.first))
    names = [variable_name(h) for h in headers]
    if number_column:
        index = next((i for i, n in enumerate(names) if n == variable_name(number_column)), None)
    elif has_header:
        index = next((i for i, n in enumerate(names) if n in NUMBER_HEADERS), 0 if len(headers) == 1 else None)
    else:
        index = next(i for i, cell in enumerate(text.first) if header_looks_like_data([cell]))
    if index is None:
        raise InvalidFields({"number_column": [f"Choose the column with the phone numbers ({', '.join(headers)})."]})
    note = next((i for i, n in enumerate(names) if n in ("note", "reason", "comment")), None) if has_header else None
    return has_header, index, note


def dnc_import_start(*, team: Team, upload: Any, number_column: str | None = None, region: str = "US",
                     user: AbstractBaseUser | None = None, filename: str = "", enqueue: bool = True) -> DncImport:
    """Check the file's first line and number column, store the file and queue its import."""
    text = read_csv(binary(upload))
    has_header, index, _ = _columns(text, number_column)
    headers = text.first if has_header else column_names(len(text.first))
    with transaction.atomic():
        stored = store_upload(team=team, upload=upload, filename=filename)
        item = DncImport.objects.create(
            team=team, upload=stored, filename=filename[:255], size=stored.size, region=region,
            number_column=headers[index] if number_column or has_header else "",
            created_by=user if user is not None and user.is_authenticated else None)
        if enqueue:
            transaction.on_commit(lambda: current_app.send_task(DNC_IMPORT_TASK, args=[item.pk]))
    return item


def dnc_import(*, team: Team, upload: Any, number_column: str | None = None, region: str = "US",
               user: AbstractBaseUser | None = None, filename: str = "") -> dict[str, Any]:
    """The whole import in this process (tests, tools): started, then run to its end; its report."""
    item = dnc_import_start(team=team, upload=upload, number_column=number_column, region=region, user=user,
                            filename=filename, enqueue=False)
    dnc_import_run(import_id=item.pk)
    item.refresh_from_db()
    return dnc_import_report(item)


def dnc_import_run(*, import_id: int, slice_seconds: float | None = None) -> str:
    """Import the numbers after the last stored line; "done", "failed", "more" (next slice queued) or "gone"."""
    item = DncImport.objects.select_related("team", "upload").filter(pk=import_id).first()
    if item is None or item.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return "gone"
    if item.upload is None:
        return fail_import(item, "The uploaded file is no longer stored: upload it again.")
    item.status = ImportStatus.RUNNING
    started = time.monotonic()
    raw = stored_file(item.upload)
    try:
        text = read_csv(raw)
        has_header, index, note_index = _columns(text, item.number_column or None)
    except ServiceError as exc:
        return fail_import(item, exc.message)
    rows = text.rest if has_header else _all_rows(text)
    run = _Run(item, raw)
    resume_after = item.lines_done
    try:
        for row in rows:
            if row.line <= resume_after:
                continue
            run.add(row, index, note_index)
            if run.pending >= BATCH:
                if not run.commit(row.line):
                    return "gone"
                if slice_seconds is not None and time.monotonic() - started > slice_seconds:
                    current_app.send_task(DNC_IMPORT_TASK, args=[item.pk])
                    return "more"
    except BadFile as exc:
        if not run.commit(run.last_line):
            return "gone"
        return fail_import(item, f"{exc.message} The import stopped there: the rows before it are imported.")
    return "done" if run.commit(run.last_line, done=True) else "gone"


def _all_rows(text: CsvText) -> Iterator[Row]:
    yield Row(1, text.first)
    yield from text.rest


class _Run:
    def __init__(self, item: DncImport, raw: Any) -> None:
        self.item, self.raw = item, raw
        self.counts = {name: getattr(item, name) for name in COUNTS}
        self.kept = list(item.rejected_rows or [])
        self.batch: dict[str, str] = {}  # number → note
        self.rejections: list[tuple[int, int, str, str]] = []  # every one, for the rejected rows' CSV
        self.last_line = item.lines_done

    @property
    def pending(self) -> int:
        return len(self.batch) + len(self.rejections)

    def add(self, row: Row, index: int, note_index: int | None) -> None:
        counts = self.counts
        counts["rows"] += 1
        self.last_line = row.line
        if not row.problem and not any(cell.strip() for cell in row.cells):
            counts["empty"] += 1
            return
        raw = row.cells[index] if index < len(row.cells) else ""
        try:
            if row.problem:
                raise BadNumber(row.problem)
            number, _ = normalise_number(raw, self.item.region)
        except BadNumber as exc:
            counts["rejected"] += 1
            value, reason = raw[:100].replace("\x00", "\ufffd"), str(exc)[:300]
            self.rejections.append((self.item.pk, row.line, value, reason))
            if len(self.kept) < settings.CONTACT_IMPORT_REPORT_ROWS:  # every one is in RejectedRow
                self.kept.append({"line": row.line, "value": value, "reason": reason})
            return
        if number in self.batch:
            counts["duplicates"] += 1
            return
        cells = row.cells
        self.batch[number] = cells[note_index].strip()[:300] if note_index is not None and note_index < len(cells) \
            else ""

    def commit(self, line: int, *, done: bool = False) -> bool:
        item, counts = self.item, self.counts
        with transaction.atomic():
            current = DncImport.objects.select_for_update().filter(pk=item.pk).values_list(
                "status", "lines_done").first()
            if current not in ((ImportStatus.RUNNING, item.lines_done), (ImportStatus.QUEUED, item.lines_done)):
                return False
            earlier = dict(DoNotCall.objects.filter(team=item.team, number__in=self.batch).values_list(
                "number", "added_by_import_id"))
            for source in earlier.values():
                counts["duplicates" if source == item.pk else "already"] += 1
            DoNotCall.objects.bulk_create(
                [DoNotCall(team=item.team, number=n, note=note, created_by=item.created_by, added_by_import=item)
                 for n, note in self.batch.items() if n not in earlier], ignore_conflicts=True)
            counts["added"] += len(self.batch) - len(earlier)
            counts["contacts_closed"] += close_waiting(item.team, set(self.batch))
            insert_rows(RejectedRow, REJECTED_COLUMNS, self.rejections)
            for name, value in counts.items():
                setattr(item, name, value)
            item.rejected_rows, item.lines_done, item.status = self.kept, line, ImportStatus.RUNNING
            item.bytes_read = item.size if done else min(item.size, self.raw.raw.tell())
            if done:
                item.status, item.finished_at = ImportStatus.DONE, timezone.now()
                forget_upload(item)
            item.save()
        self.batch, self.rejections = {}, []
        return True


def dnc_import_report(item: DncImport) -> dict[str, Any]:
    """Its progress and report (at most CONTACT_IMPORT_REPORT_ROWS rejected rows: every one is in the
    CSV that ``rejected_download`` names)."""
    return {
        "id": item.pk, "team": item.team_id, "status": item.status, "status_label": item.get_status_display(),
        "finished": item.status in (ImportStatus.DONE, ImportStatus.FAILED), "percent": percent_read(item),
        "error": item.error, "filename": item.filename,
        **{name: getattr(item, name) for name in COUNTS}, "rejected_rows": item.rejected_rows,
        "report_rows_limit": settings.CONTACT_IMPORT_REPORT_ROWS,
        "rejected_download": f"/api/do-not-call/imports/{item.pk}/rejected.csv",
        "progress_url": f"/api/do-not-call/imports/{item.pk}/",
        "created_at": item.created_at.isoformat() if item.created_at else None,
        "finished_at": item.finished_at.isoformat() if item.finished_at else None,
    }


def dnc_imports_reap() -> list[int]:
    """The ids of unfinished imports with no stored batch for CONTACT_IMPORT_STALE_SECONDS, queued again."""
    from datetime import timedelta

    cutoff = timezone.now() - timedelta(seconds=settings.CONTACT_IMPORT_STALE_SECONDS)
    ids = list(DncImport.objects.filter(status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING),
                                        updated_at__lt=cutoff).values_list("pk", flat=True)[:100])
    if ids:
        DncImport.objects.filter(pk__in=ids).update(updated_at=timezone.now())
        for pk in ids:
            current_app.send_task(DNC_IMPORT_TASK, args=[pk])
    return ids


__all__ = ["DNC_IMPORT_TASK", "dnc_import", "dnc_import_report", "dnc_import_run", "dnc_import_start",
           "dnc_imports_reap"]
