from __future__ import annotations

from django.conf import settings
from django.db import models


def empty_document() -> dict:
    return {"steps": [], "layout": {}, "settings": {"record": False}}


class Flow(models.Model):
    """A call flow being drawn. The draft is one JSON document (DESIGN §2)."""

    team = models.ForeignKey("editor.Team", on_delete=models.CASCADE, related_name="flows")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    document = models.JSONField(default=empty_document)
    # Bumped by every save; a save based on an older revision is refused (409).
    revision = models.PositiveIntegerField(default=1)
    # The validator's verdict on the draft, refreshed by every write service.
    diagnostics = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    is_archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["team", "is_archived", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0

    @property
    def step_count(self) -> int:
        steps = (self.document or {}).get("steps")
        return len(steps) if isinstance(steps, list) else 0


class FlowVersion(models.Model):
    """An immutable published snapshot of a flow. Calls and campaigns point here."""

    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    document = models.JSONField()
    note = models.CharField(max_length=500, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["flow", "-number"]
        constraints = [models.UniqueConstraint(fields=["flow", "number"], name="one_version_number_per_flow")]

    def __str__(self) -> str:
        return f"{self.flow.name} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValueError("A published flow version cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A published flow version cannot be deleted; archive the flow instead.")
