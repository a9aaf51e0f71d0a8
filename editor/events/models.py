"""Call events published by Samespace, the outcome derived for each call, and per-step counts.

The shape of an event and how it is read: docs/call-events.md.
"""

from __future__ import annotations

from django.db import models


class CallEvent(models.Model):
    """One event as received (the raw JSON text, unknown fields included) and what was read from it.

    ``dedupe_key`` is the event's own id when it has one, else a hash of its canonical JSON: the same
    event delivered twice is stored once (unique per call).
    """

    call = models.ForeignKey("calls.Call", on_delete=models.CASCADE, related_name="events")
    dedupe_key = models.CharField(max_length=64)
    raw = models.TextField()
    kind = models.CharField(max_length=32, blank=True, default="")  # "" when not recognised
    step_id = models.CharField(max_length=200, blank=True, default="")
    digits = models.CharField(max_length=64, blank=True, default="")
    variable = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(max_length=64, blank=True, default="")  # http status or result, end reason
    occurred_at = models.DateTimeField(null=True, blank=True)
    sequence = models.BigIntegerField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["call", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "dedupe_key"], name="one_event_per_key_per_call")]

    def __str__(self) -> str:
        return f"{self.kind or 'event'} of call {self.call_id}"


class CallOutcome(models.Model):
    """What happened on one call, derived again from all its events whenever one arrives.

    ``applied`` is this call's share of the step counts (StepCount) as last added, so that a
    late or reordered event changes the counts by the difference only.
    """

    call = models.OneToOneField("calls.Call", on_delete=models.CASCADE, primary_key=True, related_name="outcome")
    flow_version = models.ForeignKey("flows.FlowVersion", on_delete=models.CASCADE, related_name="+")
    answered = models.BooleanField(null=True)  # None: not known yet
    started_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    path = models.JSONField(default=list)  # step ids in the order they were entered
    digits = models.JSONField(default=dict)  # variable -> the last digits stored in it
    http = models.JSONField(default=list)  # [{"step", "status", "outcome"}]
    end_reason = models.CharField(max_length=64, blank=True, default="")
    end_step = models.CharField(max_length=200, blank=True, default="")
    timeline = models.JSONField(default=list)  # [{"at", "kind", "step", "text"}] in order
    # "|0|1|2|": the steps reached and the keys pressed, for filters that work on every database
    # (JSON containment is PostgreSQL only): reached step X is ``reached_text__contains="|X|"``.
    reached_text = models.TextField(blank=True, default="")
    pressed_text = models.TextField(blank=True, default="")
    event_count = models.PositiveIntegerField(default=0)
    # Set when retention deleted some of its raw events: the outcome is final from then on (deriving
    # it again from what is left would lose what the deleted events said).
    closed = models.BooleanField(default=False)
    # Set by the hook in the statement that stores new events; cleared by the processing that claims
    # the row (editor/events/processing.py), which holds the row's lock until it has saved the outcome.
    pending = models.BooleanField(default=False)
    # Events stored for this call so far (retention does not lower it): the hook's per-call limit.
    stored = models.PositiveIntegerField(default=0)
    applied = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["call"], condition=models.Q(pending=True), name="outcome_pending")]

    def __str__(self) -> str:
        return f"Outcome of call {self.call_id}"


class ProcessingScheduled(models.Model):
    """Present (one row, id 1) while a processing task is queued or about to claim: the hook inserts it
    (``ON CONFLICT DO NOTHING``) after its events are committed and enqueues the task only when it did;
    the task deletes it before claiming the pending outcomes (editor/events/processing.py)."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Processing scheduled at {self.at}"


class StepCount(models.Model):
    """Calls of one published version, on the days ``period`` and ``day`` say (the call's creation date,
    UTC), per step: one day, every day (``day`` 0001-01-01), part of a month or of a year, a year
    (editor/events/counts.py). ``campaign`` 0 counts every call; a campaign's id, the calls placed for
    that campaign (editor/events/hooks.py).

    ``branch`` empty: ``reached`` calls entered the step and ``ended`` ended there. ``branch`` set
    (a branch key: ``next``, a digit, ``*``, ``success``, ``fail``): ``reached`` calls took it.
    Changed only by adding differences in bulk (editor/events/counts.py).
    """

    flow_version = models.ForeignKey("flows.FlowVersion", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    # A plain id, not a foreign key: events does not depend on campaigns (pyproject.toml's layers).
    campaign = models.BigIntegerField(default=0)
    # Which days the row holds, from ``day`` (editor/events/counts.py: DAY, MONTH_UNTIL, MONTH_FROM,
    # YEAR_UNTIL, YEAR_FROM, YEAR), so that any date range reads a few rows per step.
    period = models.PositiveSmallIntegerField(default=0)
    step_id = models.CharField(max_length=200)
    branch = models.CharField(max_length=64, blank=True, default="")
    reached = models.IntegerField(default=0)
    ended = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["flow_version", "day", "period", "campaign", "step_id", "branch"],
                                    name="one_count_per_step_period_campaign")
        ]

    def __str__(self) -> str:
        return f"v{self.flow_version_id} {self.day} {self.step_id}{'/' + self.branch if self.branch else ''}"
