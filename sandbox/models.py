from __future__ import annotations

from django.db import models


class SandboxRequest(models.Model):
    """One request received by the sandbox's imitation of ``POST /call/flow`` (token REDACTED)."""

    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    idempotency_key = models.CharField(max_length=200, blank=True, default="", db_index=True)
    number = models.CharField(max_length=64, blank=True, default="")
    cloud_id = models.CharField(max_length=200, blank=True, default="")
    payload = models.JSONField(null=True, blank=True)  # as received, with auth_token REDACTED
    status = models.PositiveSmallIntegerField(null=True, blank=True)  # None while it is being answered
    fault = models.CharField(max_length=40, blank=True, default="")
    call_id = models.CharField(max_length=64, blank=True, default="")
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.received_at:%H:%M:%S} {self.number} → {self.status}"

    def as_json(self) -> dict:
        return {
            "id": self.pk,
            "received_at": self.received_at.isoformat(),
            "idempotency_key": self.idempotency_key,
            "number": self.number,
            "cloud_id": self.cloud_id,
            "status": self.status,
            "fault": self.fault,
            "call_id": self.call_id,
            "duration_ms": self.duration_ms,
            "payload": self.payload,
        }
