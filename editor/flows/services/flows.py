"""Writes to flows and their published versions."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import router, transaction
from django.db.models import F, Max
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

from editor.accounts.models import Team
from editor.flowcore import diff_documents, export_payload, is_valid, parse, validate
from editor.flowcore.diff import is_empty
from editor.flows.errors import FlowHasErrors, InvalidDocument, StaleRevision, VersionNotFound
from editor.flows.models import Flow, FlowVersion
from editor.flows.services.scenarios import scenarios_follow_renames, scenarios_publish_check


def _normalise(payload: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Parse any accepted form into the FlowStudio document and validate it.

    Raises InvalidDocument when the payload is none of the accepted forms.
    """
    result = parse(payload)
    if result.document is None:
        message = result.diagnostics[0]["message"] if result.diagnostics else "This is not a call flow."
        raise InvalidDocument(message, extra={"diagnostics": result.diagnostics})
    return result.document, validate(result.document)


def _counts(diagnostics: list[dict[str, Any]]) -> dict[str, int]:
    errors = sum(1 for d in diagnostics if d["severity"] == "error")
    return {"error_count": errors, "warning_count": len(diagnostics) - errors}


def _unpublished_steps(*, flow_id: int, document: Any) -> int | None:
    """``Flow.unpublished_steps`` for this draft: None when it is the latest version or nothing is published."""
    latest = FlowVersion.objects.filter(flow_id=flow_id).order_by("-number").values_list("document", flat=True).first()
    if latest is None:
        return None
    diff = diff_documents(latest, document)
    return None if is_empty(diff) else diff["summary"]["steps"]


def flow_create(
    *,
    team: Team,
    user: AbstractBaseUser | None,
    name: str,
    description: str = "",
    document: Any = None,
) -> Flow:
    if document is None:
        document = {"steps": [], "layout": {}, "settings": {"record": False}}
    doc, diagnostics = _normalise(document)
    return Flow.objects.create(
        team=team,
        name=name,
        description=description,
        document=doc,
        diagnostics=diagnostics,
        created_by=user,
        updated_by=user,
        **_counts(diagnostics),
    )


def flow_import(*, team: Team, user: AbstractBaseUser | None, name: str, payload: Any, description: str = "") -> Flow:
    """Import a Samespace payload, a step list or a FlowStudio document.

    Invalid flows are imported all the same so they can be fixed in the editor.
    """
    return flow_create(team=team, user=user, name=name, description=description, document=payload)


def flow_update(
    *,
    flow: Flow,
    user: AbstractBaseUser | None,
    base_revision: int,
    name: str | None = None,
    description: str | None = None,
    document: Any = None,
) -> Flow:
    """Save a draft in one conditional UPDATE; a stale base revision raises StaleRevision."""
    changes: dict[str, Any] = {"updated_by": user, "updated_at": timezone.now(), "revision": F("revision") + 1}
    if name is not None:
        changes["name"] = name
    if description is not None:
        changes["description"] = description
    if document is not None:
        doc, diagnostics = _normalise(document)
        changes.update(document=doc, diagnostics=diagnostics, **_counts(diagnostics))
        changes["unpublished_steps"] = _unpublished_steps(flow_id=flow.pk, document=doc)
    # Saved flow tests follow renamed step ids; the draft read before this save is the base.
    before = flow.document if document is not None and flow.revision == base_revision else None
    updated = Flow.objects.filter(pk=flow.pk, revision=base_revision, is_archived=False).update(**changes)
    if updated != 1:
        current = Flow.objects.filter(pk=flow.pk).values_list("revision", flat=True).first()
        raise StaleRevision(current_revision=current or 0)
    for field, value in changes.items():
        if field != "revision":
            setattr(flow, field, value)
    flow.revision = base_revision + 1
    if before is not None:
        scenarios_follow_renames(flow=flow, before=before, after=changes["document"])
    return flow


@transaction.atomic
def flow_publish(*, flow: Flow, user: AbstractBaseUser | None, note: str = "") -> FlowVersion:
    """Freeze the current draft as the next immutable version. Refused while it has errors."""
    locked = Flow.objects.select_for_update().get(pk=flow.pk)
    diagnostics = validate(locked.document)
    if not is_valid(diagnostics):
        raise FlowHasErrors(diagnostics=diagnostics)
    tests = scenarios_publish_check(flow=locked)  # flow tests: refuses, or reports a warning
    last = locked.versions.aggregate(last=Max("number"))["last"] or 0
    version = FlowVersion.objects.create(
        flow=locked, number=last + 1, document=locked.document, note=note, created_by=user
    )
    Flow.objects.filter(pk=locked.pk).update(unpublished_steps=None)  # the draft is the new version
    flow.unpublished_steps = None
    version.test_results = tests  # type: ignore[attr-defined]
    return version


def flow_restore_version(
    *, flow: Flow, version: FlowVersion, user: AbstractBaseUser | None, base_revision: int
) -> Flow:
    """Copy a published version back into the draft (a normal, revision-checked save)."""
    return flow_update(flow=flow, user=user, base_revision=base_revision, document=version.document)


def flow_discard_changes(*, flow: Flow, user: AbstractBaseUser | None, base_revision: int) -> Flow:
    """Put the latest version back into the draft (a normal, revision-checked save, so the editor can undo it)."""
    latest = flow.versions.order_by("-number").first()
    if latest is None:
        raise VersionNotFound(number=None, message="This flow has no published version to go back to.")
    return flow_update(flow=flow, user=user, base_revision=base_revision, document=latest.document)


def flow_duplicate(*, flow: Flow, user: AbstractBaseUser | None, name: str | None = None) -> Flow:
    return Flow.objects.create(
        team=flow.team,
        name=name or f"Copy of {flow.name}",
        description=flow.description,
        document=flow.document,
        diagnostics=flow.diagnostics,
        error_count=flow.error_count,
        warning_count=flow.warning_count,
        created_by=user,
        updated_by=user,
    )


def flow_uses(*, flow: Flow) -> list[str]:
    """What keeps this flow's history, in words ("2 calls", "1 campaign"): the rows of other apps
    that protect its versions from deletion (``on_delete=PROTECT``). Flows knows none of them by name.
    """
    collector = Collector(using=router.db_for_write(Flow))
    try:
        collector.collect([flow])
    except (ProtectedError, RestrictedError) as exc:
        protected = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        counts = Counter(type(obj)._meta for obj in protected)
        return [f"{n} {meta.verbose_name if n == 1 else meta.verbose_name_plural}" for meta, n in counts.items()]
    return []


def flow_delete(*, flow: Flow) -> bool:
    """Delete a flow, or archive it when calls or campaigns use its versions (their history must
    survive; an archived flow is read-only and leaves the list).

    Returns True when the flow was deleted, False when it was archived.
    """
    try:
        with transaction.atomic():
            flow.delete()
    except (ProtectedError, RestrictedError):
        Flow.objects.filter(pk=flow.pk).update(is_archived=True, updated_at=timezone.now())
        flow.is_archived = True
        return False
    return True


def flow_export(*, document: dict[str, Any]) -> dict[str, Any]:
    """The Samespace payload for a document, with the secrets left blank."""
    return export_payload(document, cloud_id="", auth_token="")
