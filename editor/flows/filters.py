"""The query parameters of the flow lists (``GET /api/flows/`` and the flows page), typed by
editor/common/params.py."""

from __future__ import annotations

from editor.common.params import FlagField, IdField, QueryForm, TextField


class FlowFilters(QueryForm):
    archived = FlagField()
    team = IdField()


class FlowPageFilters(QueryForm):
    q = TextField()
