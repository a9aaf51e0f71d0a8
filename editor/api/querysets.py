"""Annotated flow querysets for the API, built on the team-scoped selectors.

The annotations give each row what its representation needs (the user's role, the latest
version number, the step count) in the same single query, whatever the size of the page or
of the flows.
"""

from __future__ import annotations

from django.db.models import Func, IntegerField, OuterRef, QuerySet, Subquery

from editor.models import Flow, FlowVersion, Membership
from editor.selectors import flows_for_user


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
        user_role=Subquery(Membership.objects.filter(team_id=OuterRef("team_id"), user=user).values("role")[:1]),
        latest_version_number=Subquery(
            FlowVersion.objects.filter(flow_id=OuterRef("pk")).order_by("-number").values("number")[:1]
        ),
    )
    if not with_document:
        qs = qs.defer("document", "diagnostics").annotate(steps_total=StepCount("document"))
    return qs
