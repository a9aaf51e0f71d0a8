from __future__ import annotations

from django.db import models

from editor.common.models import person_field


def empty_document() -> dict:
    return {"steps": [], "layout": {}, "settings": {"record": False}}


class Flow(models.Model):
    """A call flow being drawn. The draft is one JSON document (docs/architecture.md, "The flow document")."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="flows")
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
    # How far the draft is from the latest version, kept by the write services so lists need no
    # documents: None when they are the same (or nothing is published), else the number of steps
    # added, removed or changed (0 when only settings, the first step or the order changed).
    unpublished_steps = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Steps added, removed or changed since the latest version; "
        "null when the draft is that version or nothing is published.",
    )
    created_by = person_field()
    updated_by = person_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["team", "is_archived", "name"], name="editor_flow_team_id_4b7719_idx")]

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
    created_by = person_field()
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


def empty_inputs() -> dict:
    return {"digits": {}, "http": {}}


class FlowScenario(models.Model):
    flow = models.ForeignKey("flows.Flow", on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(max_length=200)
    inputs = models.JSONField(default=empty_inputs)
    expectations = models.JSONField(default=dict)
    # Made by "Generate scenarios" and not yet looked at: shown apart until someone names or keeps it.
    generated = models.BooleanField(default=False)
    created_by = person_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["flow", "generated", "name", "id"]
        indexes = [models.Index(fields=["flow", "generated"], name="editor_flow_flow_id_efc4a0_idx")]

    def __str__(self) -> str:
        return self.name

    def as_scenario(self) -> dict:
        """The plain JSON form the flow core runs."""
        return {"name": self.name, "inputs": self.inputs, "expectations": self.expectations}


class FlowTestSettings(models.Model):
    """Per-flow settings of the flow tests. A flow without a row uses the defaults."""

    flow = models.OneToOneField("flows.Flow", on_delete=models.CASCADE, related_name="test_settings")
    # True: publishing is refused while a scenario fails. False: failures are shown as a warning.
    scenario_failures_block_publish = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "flow test settings"

    def __str__(self) -> str:
        return f"Test settings of flow {self.flow_id}"
