"""Reads about flows and their versions, always scoped to the teams a user belongs to."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Func, IntegerField, OuterRef, QuerySet, Subquery

from editor.accounts.selectors import role_subquery
from editor.flows.models import Flow, FlowVersion


def flows_for_user(*, user: AbstractBaseUser, include_archived: bool = False) -> QuerySet[Flow]:
    qs = Flow.objects.filter(team__memberships__user=user)
    if not include_archived:
        qs = qs.filter(is_archived=False)
    return qs


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
