"""Flow tests: saved scenarios of a flow and the flow's test settings (issue 7).

A scenario stores what the caller does (``inputs``) and what should happen (``expectations``), in
the JSON shape described in ``editor/flowcore/scenario.py``. Scenarios name steps by id; saving a
flow that renames step ids renames them here too (``services.scenarios``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


def empty_inputs() -> dict:
    return {"digits": {}, "http": {}}


class FlowScenario(models.Model):
    flow = models.ForeignKey("editor.Flow", on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(max_length=200)
    inputs = models.JSONField(default=empty_inputs)
    expectations = models.JSONField(default=dict)
    # Made by "Generate scenarios" and not yet looked at: shown apart until someone names or keeps it.
    generated = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["flow", "generated", "name", "id"]
        indexes = [models.Index(fields=["flow", "generated"])]

    def __str__(self) -> str:
        return self.name

    def as_scenario(self) -> dict:
        """The plain JSON form the flow core runs."""
        return {"name": self.name, "inputs": self.inputs, "expectations": self.expectations}


class FlowTestSettings(models.Model):
    """Per-flow settings of the flow tests. A flow without a row uses the defaults."""

    flow = models.OneToOneField("editor.Flow", on_delete=models.CASCADE, related_name="test_settings")
    # True: publishing is refused while a scenario fails. False: failures are shown as a warning.
    scenario_failures_block_publish = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "flow test settings"

    def __str__(self) -> str:
        return f"Test settings of flow {self.flow_id}"
