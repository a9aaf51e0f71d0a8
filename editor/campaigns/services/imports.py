"""The contact import as background work: the request checks the file's first line, stores the
file (services/csvfile.py) and queues the import; a Celery worker reads it (editor/campaigns/tasks.py).

The worker writes BATCH rows per transaction: the contacts (``bulk_create``), the rejected rows,
and the import's counts and position (``lines_done``), so the page and the API show the progress
as it goes and a run that dies resumes after the last stored line. A run stops after
CONTACT_IMPORT_SLICE_SECONDS and queues the next one, so a million rows never hold one task past
the worker's time limit, nor a worker away from the calls for long. Each batch locks the campaign
row: two imports into one campaign take turns batch by batch, and duplicates are found against
the batch and the rows already stored (the unique constraint on campaign + number backs this up).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from editor.campaigns.models import (
    Campaign,
    CampaignContact,
    ContactImport,
    ContactStatus,
    CsvUpload,
    DncImport,
    DoNotCall,
    ImportStatus,
    RejectedRow,
)
from editor.campaigns.services.contacts import Layout, is_empty, layout_of, number_cell, row_values
from editor.campaigns.services.csvfile import BadFile, Row, binary, data_rows, read_csv, store_upload, stored_file
from editor.campaigns.services.numbers import BadNumber
from editor.common.bulk import insert_rows
from editor.common.errors import ServiceError

BATCH = 2000
IMPORT_TASK = "editor.campaigns.import_contacts"
REAP_IMPORTS_TASK = "editor.campaigns.reap_imports"
KINDS = ("duplicate_rows", "rejected_rows", "dnc_rows")
CONTACT_COLUMNS = ("campaign_id", "number", "variables", "timezone", "line", "status", "note")
REJECTED_COLUMNS = ("contact_import_id", "line", "value", "reason")


@dataclass
class Report:
    """The counts and kept rows of an import while a worker runs it (loaded from and saved to the
    ContactImport, so a later run goes on where the last stored batch ended)."""

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
    grown: bool = False  # a kept list changed since it was last saved

    COUNTS = ("rows", "imported", "duplicates", "do_not_call", "rejected", "empty")

    @classmethod
    def of(cls, item: ContactImport) -> Report:
        return cls(keep=settings.CONTACT_IMPORT_REPORT_ROWS, **{name: getattr(item, name) for name in cls.COUNTS},
                   **{name: list(getattr(item, name) or []) for name in KINDS})

    def note(self, kept: list[dict[str, Any]], entry: dict[str, Any]) -> None:
        """Keep ``entry`` while fewer than ``keep`` of its kind are kept: a million bad rows must
        not become a million-entry report (every rejected one is in RejectedRow)."""
        if len(kept) < self.keep:
            kept.append(entry)
            self.grown = True

    def save_into(self, item: ContactImport) -> list[str]:
        """Copy into ``item``; the names of the fields to save."""
        names = list(self.COUNTS) + (list(KINDS) if self.grown else [])
        for name in names:
            setattr(item, name, getattr(self, name))
        self.grown = False
        accounted = self.imported + self.duplicates + self.do_not_call + self.rejected + self.empty
        assert accounted == self.rows, f"{self.rows} rows read but {accounted} reported"
        return names


# --- in the request ---------------------------------------------------------------------------------


def contacts_import_start(*, campaign: Campaign, upload: Any, number_column: str | None = None,
                          has_header: bool | None = None, user: AbstractBaseUser | None = None,
                          filename: str = "", enqueue: bool = True) -> ContactImport:
    """Check the file's first line and columns, store the file and queue its import (status
    ``queued``); a worker imports it. Raises BadFile, HeaderUnclear or InvalidFields at once.
    ``enqueue`` False leaves it for ``contacts_import_run`` in this or another process (bench/imports.py)."""
    return _prepare(campaign=campaign, upload=upload, number_column=number_column, has_header=has_header,
                    user=user, filename=filename, enqueue=enqueue)


def contacts_import(*, campaign: Campaign, upload: Any, number_column: str | None = None,
                    has_header: bool | None = None, user: AbstractBaseUser | None = None,
                    filename: str = "") -> ContactImport:
    """The whole import in this process (command-line tools, benchmarks, service tests): prepared as
    ``contacts_import_start`` does, then run to its end; returns the finished import."""
    item = _prepare(campaign=campaign, upload=upload, number_column=number_column, has_header=has_header,
                    user=user, filename=filename, enqueue=False)
    contacts_import_run(import_id=item.pk, slice_seconds=None)
    item.refresh_from_db()
    return item


def _prepare(*, campaign: Campaign, upload: Any, number_column: str | None, has_header: bool | None,
             user: AbstractBaseUser | None, filename: str, enqueue: bool) -> ContactImport:
    if campaign.is_final:
        raise ServiceError(f"This campaign is {campaign.get_status_display().lower()}: no more contacts can be added.")
    text = read_csv(binary(upload))
    headers, _ = data_rows(text, has_header=has_header)
    layout = layout_of(headers, number_column, text.first)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        stored = store_upload(team=locked.team, upload=upload, filename=filename)
        item = ContactImport.objects.create(
            campaign=locked, status=ImportStatus.QUEUED, upload=stored, has_header=headers is not None,
            size=stored.size, filename=filename[:255], number_column=layout.headers[layout.number_index],
            columns=layout.columns(), created_by=user if user is not None and user.is_authenticated else None,
        )
        # The columns count from now: the start checks ({{contact.<column>}}) know what is coming.
        locked.columns = sorted(set(locked.columns or []) | {v for v in layout.variables if v})
        locked.save(update_fields=["columns", "updated_at"])
        if enqueue:
            transaction.on_commit(lambda: enqueue_import(item.pk))
    return item


def enqueue_import(import_id: int) -> None:
    current_app.send_task(IMPORT_TASK, args=[import_id])


# --- in the worker ----------------------------------------------------------------------------------


def contacts_import_run(*, import_id: int, slice_seconds: float | None = None) -> str:
    """Import the rows of a queued import after its last stored line, BATCH at a time. Returns
    "done", "failed", "more" (stopped after ``slice_seconds``; the next run is queued) or "gone"
    (deleted, finished, or another run of it moved on)."""
    item = ContactImport.objects.select_related("campaign", "upload").filter(pk=import_id).first()
    if item is None or item.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return "gone"
    if item.upload is None:
        return fail_import(item, "The uploaded file is no longer stored: upload it again.")
    if item.status == ImportStatus.QUEUED:
        ContactImport.objects.filter(pk=item.pk, status=ImportStatus.QUEUED).update(
            status=ImportStatus.RUNNING, started_at=timezone.now(), updated_at=timezone.now())
        item.status = ImportStatus.RUNNING
    started = time.monotonic()
    raw = stored_file(item.upload)
    try:
        text = read_csv(raw)
        headers, rows = data_rows(text, has_header=item.has_header)
        layout = layout_of(headers, item.number_column, text.first)
    except ServiceError as exc:
        return fail_import(item, exc.message)
    run = _Run(item, layout, Report.of(item), raw)
    resume_after = item.lines_done
    try:
        for row in rows:
            if row.line <= resume_after:
                continue
            run.add(row)
            if run.pending >= BATCH:
                if not run.commit(row.line):
                    return run.end()
                if slice_seconds is not None and time.monotonic() - started > slice_seconds:
                    enqueue_import(item.pk)
                    return "more"
    except BadFile as exc:  # text the file's encoding cannot read: what came before is imported
        if not run.commit(run.last_line):
            return run.end()
        return fail_import(item, f"{exc.message} The import stopped there: the rows before it are imported.")
    return "done" if run.commit(run.last_line, done=True) else run.end()


class _Run:
    def __init__(self, item: ContactImport, layout: Layout, report: Report, raw: Any) -> None:
        self.item, self.layout, self.report, self.raw = item, layout, report, raw
        self.region = item.campaign.default_region
        self.batch: list[tuple[Row, str, str, dict[str, str]]] = []
        self.rejections: list[tuple[int, int, str, str]] = []  # RejectedRow: import, line, value, reason
        self.last_line = item.lines_done
        self.stopped = ""  # why the campaign refused the rows (then the import fails)

    @property
    def pending(self) -> int:
        return len(self.batch) + len(self.rejections)

    def add(self, row: Row) -> None:
        report = self.report
        report.rows += 1
        self.last_line = row.line
        if is_empty(row):
            report.empty += 1
            return
        try:
            number, zone, variables = row_values(row, self.layout, self.region)
        except BadNumber as exc:
            report.rejected += 1
            entry = {"line": row.line, "value": number_cell(row, self.layout), "reason": str(exc)[:300]}
            report.note(report.rejected_rows, entry)
            self.rejections.append((self.item.pk, entry["line"], entry["value"], entry["reason"]))
            return
        self.batch.append((row, number, zone, variables))

    def end(self) -> str:
        """After a refused commit: "failed" when the campaign refused the rows, else "gone"."""
        return fail_import(self.item, self.stopped) if self.stopped else "gone"

    def commit(self, line: int, *, done: bool = False) -> bool:
        """Store the pending rows, the counts and the position in one transaction; False when
        another run of this import moved on (or it was stopped), and nothing is stored."""
        item = self.item
        with transaction.atomic():
            campaign = Campaign.objects.select_for_update().get(pk=item.campaign_id)
            current = ContactImport.objects.select_for_update().filter(pk=item.pk).values_list(
                "status", "lines_done").first()
            if current != (ImportStatus.RUNNING, item.lines_done):
                return False
            if campaign.is_final and self.batch:  # nothing written: the rows from the batch's first are left out
                self.stopped = (f"The campaign is {campaign.get_status_display().lower()}: the import stopped "
                                f"before line {self.batch[0][0].line}.")
                return False
            zones = _store(campaign, self.batch, self.report)
            insert_rows(RejectedRow, REJECTED_COLUMNS, self.rejections)
            if zones - set(campaign.zones or []):
                campaign.zones = sorted(set(campaign.zones or []) | zones)
                campaign.save(update_fields=["zones", "updated_at"])
            names = self.report.save_into(item)
            item.lines_done = line
            item.bytes_read = item.size if done else min(item.size, self.raw.raw.tell())
            names += ["lines_done", "bytes_read", "updated_at"]
            if done:
                item.status, item.finished_at = ImportStatus.DONE, timezone.now()
                names += ["status", "finished_at"]
                forget_upload(item)
                names.append("upload")
            item.save(update_fields=names)
        self.batch, self.rejections = [], []
        return True


def _store(campaign: Campaign, batch: list[tuple[Row, str, str, dict[str, str]]], report: Report) -> set[str]:
    """Write a batch of valid rows; the callee zones of the contacts to call."""
    zones: set[str] = set()
    if not batch:
        return zones
    numbers = {number for _, number, _, _ in batch}
    earlier = dict(CampaignContact.objects.filter(campaign=campaign, number__in=numbers).values_list("number", "line"))
    listed = DoNotCall.objects.filter(team_id=campaign.team_id, number__in=numbers)
    blocked = set(listed.values_list("number", flat=True))
    fresh: list[tuple[Any, ...]] = []  # in the order of CONTACT_COLUMNS
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
        fresh.append((campaign.pk, number, variables, zone, row.line,
                      ContactStatus.DO_NOT_CALL if on_list else ContactStatus.PENDING,
                      "On the do-not-call list: not called." if on_list else ""))
    insert_rows(CampaignContact, CONTACT_COLUMNS, fresh)
    return zones


def forget_upload(item: ContactImport | DncImport) -> None:
    """Let go of an import's stored file (deleted once the transaction commits)."""
    if item.upload_id is not None:
        upload_id = item.upload_id
        item.upload = None
        transaction.on_commit(lambda: CsvUpload.objects.filter(pk=upload_id).delete())


def fail_import(item: ContactImport | DncImport, message: str) -> str:
    """Stop an import (contacts or do-not-call) with why, in plain words; what it stored stays."""
    item.status, item.error, item.finished_at = ImportStatus.FAILED, message[:500], timezone.now()
    forget_upload(item)
    type(item).objects.filter(pk=item.pk).update(status=item.status, error=item.error, finished_at=item.finished_at,
                                                 upload=None, updated_at=item.finished_at)
    return "failed"


def imports_reap() -> int:
    """Queue again every unfinished import with no stored batch for CONTACT_IMPORT_STALE_SECONDS: its
    run died (killed at the time limit, a lost worker) or its message was lost. A run that was only
    slow stores nothing more once another moved on (each batch checks the stored position)."""
    cutoff = timezone.now() - timedelta(seconds=settings.CONTACT_IMPORT_STALE_SECONDS)
    stale = ContactImport.objects.filter(status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING), updated_at__lt=cutoff)
    ids = list(stale.values_list("pk", flat=True)[:100])
    if ids:
        ContactImport.objects.filter(pk__in=ids).update(updated_at=timezone.now())  # once per period
        for pk in ids:
            enqueue_import(pk)
    return len(ids)


__all__ = ["IMPORT_TASK", "REAP_IMPORTS_TASK", "contacts_import", "contacts_import_run", "contacts_import_start",
           "enqueue_import", "fail_import", "forget_upload", "imports_reap"]
