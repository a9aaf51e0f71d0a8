"""Reads about flows and their versions, always scoped to the teams a user belongs to."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Func, IntegerField, OuterRef, QuerySet, Subquery, TextField
from django.db.models.functions import Cast

from editor.accounts.selectors import role_subquery
from editor.flowcore import diff_documents, summary_line
from editor.flows.errors import VersionNotFound
from editor.flows.models import Flow, FlowVersion, empty_document

DRAFT = "draft"


def flows_for_user(*, user: AbstractBaseUser, include_archived: bool = False) -> QuerySet[Flow]:
    qs = Flow.objects.filter(team__memberships__user=user)
    if not include_archived:
        qs = qs.filter(is_archived=False)
    return qs


def flow_with_document_text(*, user: AbstractBaseUser, pk: int) -> Flow | None:
    """The flow with its document as the stored JSON text (``document_text``), never decoded: the
    editor's page embeds it as it is (decoding a 50,000-step document took 0.26 s, encoding it again
    0.3 to 0.7 s)."""
    text = Cast("document", output_field=TextField())
    return flows_for_user(user=user).defer("document").annotate(document_text=text).filter(pk=pk).first()


def versions_for_flow(*, flow: Flow) -> QuerySet[FlowVersion]:
    return flow.versions.order_by("-number")


def latest_version(*, flow: Flow) -> FlowVersion | None:
    return flow.versions.order_by("-number").first()


def published_versions_in(*, team_ids: list[int]) -> QuerySet[FlowVersion]:
    """Every published version of the live flows of these teams, by flow name then newest first."""
    return (FlowVersion.objects.filter(flow__team_id__in=team_ids, flow__is_archived=False)
            .select_related("flow").order_by("flow__name", "-number"))


def published_version(*, flow_id: int, team_id: int, number: int | None = None) -> FlowVersion | None:
    """Version ``number`` of a flow of this team (the newest when ``number`` is None)."""
    versions = FlowVersion.objects.filter(flow_id=flow_id, flow__team_id=team_id).select_related("flow")
    return (versions.filter(number=number) if number else versions.order_by("-number")).first()


class StepCount(Func):
    """Number of items in ``document.steps`` computed by the database (0 when it is not a list).

    Lists show the step count without loading each flow's whole document.
    """

    output_field = IntegerField()
    arity = 1

    def as_postgresql(self, compiler, connection, **extra_context):
        template = (
            "CASE WHEN jsonb_typeof(%(expressions)s -> 'steps') = 'array' "
            "THEN jsonb_array_length(%(expressions)s -> 'steps') ELSE 0 END"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        template = (
            "COALESCE(CASE WHEN json_type(%(expressions)s, '$.steps') = 'array' "
            "THEN json_array_length(%(expressions)s, '$.steps') END, 0)"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sql(self, compiler, connection, function=None, template=None, **extra_context):
        if template is None:
            raise NotImplementedError(f"StepCount is not implemented for {connection.vendor}.")
        return super().as_sql(compiler, connection, function=function, template=template, **extra_context)


def flows_for_api(*, user, include_archived: bool = False, with_document: bool = True) -> QuerySet[Flow]:
    qs = flows_for_user(user=user, include_archived=include_archived).annotate(
        user_role=role_subquery(user=user),
        latest_version_number=Subquery(
            FlowVersion.objects.filter(flow_id=OuterRef("pk")).order_by("-number").values("number")[:1]
        ),
    )
    if not with_document:
        qs = qs.defer("document", "diagnostics").annotate(steps_total=StepCount("document"))
    return qs


def flow_side(*, flow: Flow, side: str | None) -> tuple[str, Any]:
    """``(name, document)`` of one side of a comparison: "draft", a version number, or None for the latest version."""
    if side == DRAFT:
        return DRAFT, flow.document
    number = int(side) if side is not None else None
    versions = flow.versions.order_by("-number")
    row = (versions.filter(number=number) if number is not None else versions).values_list("number", "document").first()
    if row is None:
        raise VersionNotFound(number=number)
    return str(row[0]), row[1]


def flow_compare(*, flow: Flow, old: str | None = None, new: str | None = DRAFT) -> dict[str, Any]:
    """What changed from ``old`` to ``new`` (each "draft" or a version number; ``old`` None: the latest version)."""
    old_name, old_document = flow_side(flow=flow, side=old)
    new_name, new_document = flow_side(flow=flow, side=new)
    diff = diff_documents(old_document, new_document)
    return {"from": old_name, "to": new_name, "summary_line": summary_line(diff), **diff}


def draft_changes(*, flow: Flow) -> dict[str, Any] | None:
    """How the draft differs from the latest version: ``{"version", "steps", "summary_line"}``, or None
    when nothing is published yet or the draft is the latest version."""
    row = flow.versions.order_by("-number").values_list("number", "document").first()
    if row is None:
        return None
    diff = diff_documents(row[1], flow.document)
    if not (diff["steps"] or diff["layout"] or diff["settings"] or diff["order"]):
        return None
    return {"version": row[0], "steps": diff["summary"]["steps"], "summary_line": summary_line(diff)}


def versions_with_summaries(*, flow: Flow) -> list[FlowVersion]:
    """The flow's versions, newest first, each with ``change_summary``: one line against the version
    before (the first one: against an empty flow, so its steps count as added). Documents are read one
    at a time, oldest first."""
    versions = list(versions_for_flow(flow=flow).select_related("created_by").defer("document"))
    documents = flow.versions.order_by("number").values_list("number", "document").iterator(chunk_size=2)
    previous: Any = empty_document()
    lines: dict[int, str] = {}
    for number, document in documents:
        lines[number] = summary_line(diff_documents(previous, document))
        previous = document
    for version in versions:
        version.change_summary = lines.get(version.number, "")  # type: ignore[attr-defined]
    return versions
