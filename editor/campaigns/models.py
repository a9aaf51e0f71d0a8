"""Campaigns: a published flow version called over a contact list on a schedule.

See docs/architecture.md, "Calls and campaigns".

Writes go through editor/campaigns/services/campaigns.py (status changes only through
``campaign_transition``), services/contacts.py (CSV import) and services/dnc.py.
"""

from __future__ import annotations

from datetime import time

from django.db import models

from editor.common.models import person_field


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


CAMPAIGN_FINAL = (CampaignStatus.COMPLETED, CampaignStatus.CANCELLED)
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def default_weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


class Campaign(models.Model):
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=200)
    flow_version = models.ForeignKey("flows.FlowVersion", on_delete=models.PROTECT, related_name="campaigns")
    # SET_NULL keeps the campaign's history when a credential is deleted; it cannot run without one.
    credential = models.ForeignKey(
        "calls.Credential", null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns"
    )
    timezone = models.CharField(
        max_length=64, default="UTC",
        help_text="IANA zone for numbers whose time zone phonenumbers cannot tell (and for start/end shown).",
    )
    starts_at = models.DateTimeField(null=True, blank=True, help_text="Empty: as soon as it is started.")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until every contact is done.")
    # The daily calling window, in each callee's local time. start == end means all day; a window
    # that crosses midnight (21:00-02:00) belongs to the day it starts (weekdays apply to that day).
    window_start = models.TimeField(default=time(9, 0))
    window_end = models.TimeField(default=time(20, 0))
    weekdays = models.JSONField(default=default_weekdays, help_text="0 = Monday … 6 = Sunday.")
    calls_per_minute = models.PositiveIntegerField(default=60, help_text="0: no limit.")
    max_attempts = models.PositiveSmallIntegerField(default=3, help_text="Calls per contact; only failed calls retry.")
    retry_delay_seconds = models.PositiveIntegerField(default=3600)
    default_region = models.CharField(max_length=2, default="US", help_text="For numbers without a +country code.")
    status = models.CharField(max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    status_reason = models.TextField(blank=True, default="")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Every CSV column name (as {{contact.<name>}}) of the imported contacts, for the start checks.
    columns = models.JSONField(default=list, blank=True)
    # The distinct callee time zones of its contacts ('' stands for the campaign's own zone).
    zones = models.JSONField(default=list, blank=True)
    created_by = person_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)  # first time it ran
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"], name="campaign_status"),
                   models.Index(fields=["team", "-created_at"], name="campaign_team_created")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_final(self) -> bool:
        return self.status in CAMPAIGN_FINAL

    @property
    def weekday_names(self) -> str:
        days = sorted(d for d in self.weekdays if isinstance(d, int) and 0 <= d <= 6)
        if days == list(range(7)):
            return "every day"
        if days == [0, 1, 2, 3, 4]:
            return "Mon–Fri"
        return ", ".join(WEEKDAYS[d] for d in days) or "no day"


class ContactStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    CALLING = "calling", "Calling"
    ACCEPTED = "accepted", "Accepted"
    FAILED = "failed", "Failed"
    UNKNOWN = "unknown", "Unknown"
    DO_NOT_CALL = "do_not_call", "Do not call"
    CANCELLED = "cancelled", "Cancelled"
    NOT_CALLED = "not_called", "Not called"


CONTACT_OPEN = (ContactStatus.PENDING, ContactStatus.CALLING)


class CampaignContact(models.Model):
    """One number of a campaign. One Call per attempt; ``last_call`` is the newest."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contacts")
    number = models.CharField(max_length=20)  # E.164
    variables = models.JSONField(default=dict, blank=True)  # the other CSV columns: {{contact.<column>}}
    # The callee's zone when phonenumbers gives the number exactly one; empty: the campaign's zone.
    timezone = models.CharField(max_length=64, blank=True, default="")
    line = models.PositiveIntegerField(null=True, blank=True)  # spreadsheet line it was imported from
    status = models.CharField(max_length=12, choices=ContactStatus.choices, default=ContactStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # pending: not before (empty: now)
    last_call = models.ForeignKey(
        "calls.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True, default="")  # why it ended so, in plain words
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="one_contact_number_per_campaign")]
        indexes = [
            models.Index(fields=["campaign", "status", "next_attempt_at"], name="contact_due"),
            # The dispatcher's reconcile step looks at every contact being called, in all campaigns.
            models.Index(fields=["last_call"], condition=models.Q(status="calling"), name="contact_calling"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"


class CampaignCall(models.Model):
    """A call placed for a campaign contact (one per attempt). Calls know nothing of campaigns:
    the link lives here, on the campaigns side."""

    call = models.OneToOneField("calls.Call", on_delete=models.CASCADE, primary_key=True, related_name="campaign_link")
    contact = models.ForeignKey(CampaignContact, on_delete=models.CASCADE, related_name="call_links")

    def __str__(self) -> str:
        return f"Call {self.call_id} for contact {self.contact_id}"


class CampaignPacing(models.Model):
    """The send-slot cursor of a campaign: the next free instant a call may be posted at.

    Every call of a paced campaign takes its slot from this one row (a conditional UPDATE), so
    slots are spaced 60 / calls_per_minute seconds apart whatever the number of workers.
    Real time (``clock.real_now``), like ``Call.not_before``.
    """

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, primary_key=True, related_name="pacing")
    next_slot_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Pacing of campaign {self.campaign_id}: next slot {self.next_slot_at}"


class CsvUpload(models.Model):
    """An uploaded CSV file kept in the database, in chunks, until a worker has read it (so the web
    process and the workers need no shared disk). Deleted when its import ends."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255, blank=True, default="")
    size = models.PositiveBigIntegerField(default=0)  # bytes
    chunks = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.filename or 'CSV'} ({self.size} bytes)"


class CsvUploadChunk(models.Model):
    upload = models.ForeignKey(CsvUpload, on_delete=models.CASCADE, related_name="+")
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["upload", "index"], name="one_chunk_per_index")]

    def __str__(self) -> str:
        return f"Chunk {self.index} of upload {self.upload_id}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Stopped"


class ContactImport(models.Model):
    """One CSV upload into a campaign: its progress while a worker reads it (status, bytes and rows
    read so far), then its report: counts of every row read, and the first rows of each kind."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="imports")
    status = models.CharField(max_length=8, choices=ImportStatus.choices, default=ImportStatus.DONE)
    upload = models.ForeignKey(CsvUpload, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    has_header = models.BooleanField(default=True)
    size = models.PositiveBigIntegerField(default=0)  # bytes of the file
    bytes_read = models.PositiveBigIntegerField(default=0)
    lines_done = models.PositiveIntegerField(default=0)  # last line stored: where a new run of the task resumes
    error = models.CharField(max_length=500, blank=True, default="")  # why it stopped, in plain words
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=255, blank=True, default="")
    number_column = models.CharField(max_length=200, blank=True, default="")
    columns = models.JSONField(default=list, blank=True)  # [{"header": "First Name", "variable": "first_name"}]
    rows = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    do_not_call = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    empty = models.PositiveIntegerField(default=0)  # blank lines
    dnc_rows = models.JSONField(default=list, blank=True)  # [{"line", "number"}]
    duplicate_rows = models.JSONField(default=list, blank=True)  # [{"line", "number", "first_line"}]
    rejected_rows = models.JSONField(default=list, blank=True)  # [{"line", "value", "reason"}]
    created_by = person_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # each stored batch: the reaper finds runs that died

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "updated_at"], name="import_by_status")]

    def __str__(self) -> str:
        return f"{self.filename or 'CSV'}: {self.imported} imported, {self.rejected} rejected"


class RejectedRow(models.Model):
    """Every rejected row of an import (of contacts or of do-not-call numbers), for the rejected rows'
    CSV download (services/rejected.py). The report itself keeps only the first
    CONTACT_IMPORT_REPORT_ROWS of each kind (editor/campaigns/services/contacts.py)."""

    contact_import = models.ForeignKey(ContactImport, null=True, blank=True, on_delete=models.CASCADE,
                                       related_name="rejections")
    dnc_import = models.ForeignKey("DncImport", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="rejections")
    line = models.PositiveIntegerField()
    value = models.CharField(max_length=100, blank=True, default="")
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["contact_import", "line"]
        indexes = [models.Index(fields=["contact_import", "line"], name="rejected_row_by_line"),
                   models.Index(fields=["dnc_import", "line"], name="dnc_rejected_row_by_line")]
        constraints = [models.CheckConstraint(
            condition=models.Q(contact_import__isnull=False, dnc_import__isnull=True)
            | models.Q(contact_import__isnull=True, dnc_import__isnull=False), name="rejected_row_of_one_import")]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class DncImport(models.Model):
    """One CSV upload into a team's do-not-call list: its progress while a worker reads it, then its
    report (services/dnc_imports.py). Like ContactImport, with the do-not-call list's buckets."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    upload = models.ForeignKey(CsvUpload, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=255, blank=True, default="")
    number_column = models.CharField(max_length=200, blank=True, default="")  # "" : the only column
    region = models.CharField(max_length=2, default="US")
    size = models.PositiveBigIntegerField(default=0)
    bytes_read = models.PositiveBigIntegerField(default=0)
    lines_done = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True, default="")
    rows = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    already = models.PositiveIntegerField(default=0)  # on the list before this import
    duplicates = models.PositiveIntegerField(default=0)  # repeated in the file
    rejected = models.PositiveIntegerField(default=0)
    empty = models.PositiveIntegerField(default=0)
    contacts_closed = models.PositiveIntegerField(default=0)
    rejected_rows = models.JSONField(default=list, blank=True)  # the first CONTACT_IMPORT_REPORT_ROWS
    created_by = person_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "updated_at"], name="dnc_import_by_status")]

    def __str__(self) -> str:
        return f"{self.filename or 'CSV'}: {self.added} added, {self.rejected} rejected"


class DoNotCall(models.Model):
    """A number a team must never call (checked at import, when claiming, and right before posting)."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="do_not_call")
    number = models.CharField(max_length=20)  # E.164
    note = models.CharField(max_length=300, blank=True, default="")
    # The import that added it: a later batch of the same import tells "repeated in the file" from "already listed".
    added_by_import = models.ForeignKey(DncImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = person_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["team", "number"], name="one_dnc_number_per_team")]
        verbose_name = "do-not-call number"

    def __str__(self) -> str:
        return self.number


class ClockOffset(models.Model):
    """Tests only (``CLOCK_FROM_DB``): seconds added to the real time by ``clock.now()`` (editor/campaigns/clock.py)."""

    seconds = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return f"Clock offset {self.seconds:+.0f} s"
