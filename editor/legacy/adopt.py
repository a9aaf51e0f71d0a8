"""The models of the single-app layout, handed to the apps that own them now.

Each app's ``0001_initial`` migration adopts its tables with state-only ``CreateModel`` operations
built here from this package's migrations (replayed, not rendered), so the fields, indexes and
constraints it adopts are exactly those the tables were made with. ``0005_move_to_apps`` removes them
from this app's state; each app's ``0002_rename_tables`` then gives the tables the app's names.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.db import migrations, models
from django.db.migrations.state import ProjectState

HISTORY = ("0001_initial", "0002_calls", "0003_scenarios", "0004_campaigns")
OWNERS = {
    "team": "accounts", "membership": "accounts",
    "flow": "flows", "flowversion": "flows", "flowscenario": "flows", "flowtestsettings": "flows",
    "credential": "calls", "call": "calls", "callattempt": "calls", "workerheartbeat": "calls",
    "campaign": "campaigns", "campaigncontact": "campaigns", "campaignpacing": "campaigns",
    "contactimport": "campaigns", "donotcall": "campaigns", "clockoffset": "campaigns",
}


def _legacy_state() -> ProjectState:
    state = ProjectState()
    for name in HISTORY:
        for operation in import_module(f"editor.legacy.migrations.{name}").Migration.operations:
            operation.state_forwards("editor", state)
    return state


def _relabel(field: models.Field) -> models.Field:
    for attr in ("model", "through"):
        target = getattr(field.remote_field, attr, None) if field.remote_field else None
        if isinstance(target, str) and target.lower().startswith("editor."):
            name = target.split(".", 1)[1]
            setattr(field.remote_field, attr, f"{OWNERS[name.lower()]}.{name}")
    return field


def _adopted_field(model: str, name: str, field: models.Field, defaults: dict[str, Any]) -> tuple[str, models.Field]:
    if (model, name) == ("call", "campaign_contact"):
        # Calls keeps the column's values for campaigns' migration 0003, which moves them to its own
        # link table, as a plain indexed number (an index, so SQLite rebuilds the table to drop it).
        return "legacy_campaign_contact", models.BigIntegerField(
            null=True, blank=True, editable=False, db_index=True, db_column="campaign_contact_id")
    field = _relabel(field.clone())
    if f"{model}.{name}" in defaults:
        field.default = defaults[f"{model}.{name}"]
    return name, field


def adopt(app_label: str, *, defaults: dict[str, Any] | None = None) -> list[migrations.operations.base.Operation]:
    """State-only operations that give ``app_label`` its models as the legacy tables hold them.

    ``defaults`` ({"model.field": callable}) names the app's own default functions where the legacy
    migrations kept copies of them (a default is Python-side only: the tables do not change).
    """
    state = _legacy_state()
    operations: list[migrations.operations.base.Operation] = []
    for name, owner in OWNERS.items():
        if owner != app_label:
            continue
        model = state.models["editor", name]
        options = {k: v for k, v in model.options.items() if k not in ("indexes", "constraints")}
        options["db_table"] = f"editor_{name}"
        fields = [_adopted_field(name, field_name, field, defaults or {}) for field_name, field in model.fields.items()]
        operations.append(migrations.CreateModel(name=model.name, fields=fields, options=options,
                                                 bases=model.bases, managers=model.managers))
        operations += [migrations.AddIndex(model_name=name, index=index) for index in model.options.get("indexes", [])]
        operations += [migrations.AddConstraint(model_name=name, constraint=constraint)
                       for constraint in model.options.get("constraints", [])]
    return operations


def adopted_models(app_label: str) -> list[str]:
    return [name for name, owner in OWNERS.items() if owner == app_label]
