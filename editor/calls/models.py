"""Calls placed through Samespace, their HTTP attempts, and the workers' heartbeats.

How they move from status to status: docs/architecture.md, "Calls and campaigns".
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from editor.calls import crypto
from editor.common.models import person_field


class CallStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    ACCEPTED = "accepted", "Accepted"
    FAILED = "failed", "Failed"
    UNKNOWN = "unknown", "Unknown"
    SKIPPED = "skipped", "Skipped"


FINAL_STATUSES = (CallStatus.ACCEPTED, CallStatus.FAILED, CallStatus.UNKNOWN, CallStatus.SKIPPED)


class Call(models.Model):
    """One call placed through Samespace, possibly over several HTTP attempts.

    ``queued`` (waiting, maybe until ``not_before``) → ``sending`` → ``accepted`` | ``failed`` |
    ``unknown`` | ``skipped``. Only ``place_call`` moves a row out of ``queued``, with a conditional
    UPDATE; the idempotency key is the same for every attempt of this call.
    """

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="calls")
    flow_version = models.ForeignKey("flows.FlowVersion", on_delete=models.PROTECT, related_name="calls")
    # SET_NULL keeps the history when a credential is deleted; a queued call then fails.
    credential = models.ForeignKey(
        "calls.Credential", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    number = models.CharField(max_length=32)
    variables = models.JSONField(default=dict, blank=True)  # the contact variables ({{contact.x}})
    status = models.CharField(max_length=10, choices=CallStatus.choices, default=CallStatus.QUEUED)
    not_before = models.DateTimeField()
    # When the queued row's Celery message is expected to run; the reaper re-enqueues a due row
    # whose message has not run long after that (lost between commit and publish, or purged).
    message_due_at = models.DateTimeField(null=True, blank=True)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The Samespace payload as sent, with auth_token replaced by REDACTED.
    request_payload = models.JSONField(default=dict)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, default="")
    samespace_call_id = models.CharField(max_length=200, blank=True, default="")
    error = models.TextField(blank=True, default="")  # what went wrong, or why it was skipped
    # The last-moment check to run before each POST, by the name an app registered it under
    # (editor/calls/hooks.py), e.g. campaigns' "campaign"; empty: none. Calls knows no more of it.
    precheck = models.CharField(max_length=40, blank=True, default="")
    # When the credential asks Samespace to send call events: the call's token in the publish URL
    # (docs/call-events.md) is events_key + events_secret. The key finds the call; the secret is
    # compared in constant time. Never shown in the API, the admin, a stored payload or a log.
    events_key = models.CharField(max_length=16, null=True, blank=True, unique=True, editable=False)
    events_secret = models.CharField(max_length=64, blank=True, default="", editable=False)
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="called_again_as"
    )
    created_by = person_field()
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)  # start of the current/last attempt
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "not_before"], name="call_status_not_before"),
            models.Index(fields=["status", "claimed_at"], name="call_status_claimed_at"),
            models.Index(fields=["team", "-created_at"], name="call_team_created"),
        ]

    def __str__(self) -> str:
        return f"Call {self.pk} to {self.number} ({self.status})"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class AttemptOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    RETRY = "retry", "Not processed, retried"
    FAILED = "failed", "Failed"
    UNKNOWN = "unknown", "Unknown"


class CallAttempt(models.Model):
    """One HTTP POST of a call to Samespace (history: never changed once written)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=AttemptOutcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    body_excerpt = models.TextField(blank=True, default="")
    error = models.TextField(blank=True, default="")
    retry_in = models.FloatField(null=True, blank=True)  # seconds until the next attempt, when retried

    class Meta:
        ordering = ["call", "number"]
        constraints = [models.UniqueConstraint(fields=["call", "number"], name="one_attempt_number_per_call")]

    def __str__(self) -> str:
        return f"Attempt {self.number} of call {self.call_id}: {self.outcome}"


class WorkerHeartbeat(models.Model):
    """The last sign of life of each Celery worker (written every few seconds; read by /healthz)."""

    hostname = models.CharField(max_length=255, unique=True)
    pid = models.PositiveIntegerField(default=0)
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.hostname} at {self.last_seen:%Y-%m-%d %H:%M:%S}"


def default_base_url() -> str:
    return settings.SAMESPACE_BASE_URL


class Credential(models.Model):
    """A team's Samespace account: cloud id and auth token (encrypted at rest, write-only)."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="credentials")
    name = models.CharField(max_length=120)
    cloud_id = models.CharField(max_length=200)
    # Fernet token of the auth token (editor/calls/crypto.py). The plaintext never touches a column,
    # a form's initial value, a log line or a Celery message.
    token_ciphertext = models.TextField(editable=False)
    # The last characters of a long token so people can tell tokens apart; empty for short ones.
    token_hint = models.CharField(max_length=8, blank=True, default="", editable=False)
    base_url = models.URLField(max_length=500, default=default_base_url)
    # Each call's payload asks Samespace to publish its events to FlowStudio (docs/call-events.md).
    # Off: payloads are exactly as without the option.
    send_events = models.BooleanField("Samespace sends call events", default=False)
    # Set when Samespace answered 401 with this token; cleared when the token is replaced.
    rejected_at = models.DateTimeField(null=True, blank=True)
    created_by = person_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team", "name"]
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="one_credential_name_per_team")]

    def __str__(self) -> str:
        return self.name

    HINT_MIN_LENGTH = 16

    def set_token(self, token: str) -> None:
        """Encrypt ``token`` into this row (not saved yet)."""
        self.token_ciphertext = crypto.encrypt(token)
        self.token_hint = token[-4:] if len(token) >= self.HINT_MIN_LENGTH else ""
        self.rejected_at = None

    def reveal_token(self) -> str:
        """The plaintext token, for the Samespace client only. Never log or serialise it."""
        return crypto.decrypt(self.token_ciphertext)

    @property
    def masked_token(self) -> str:
        if not self.token_ciphertext:
            return ""
        return "••••••••" + self.token_hint
