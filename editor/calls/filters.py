"""The query parameters of the calls list (``GET /api/calls/`` and the calls page), typed by
editor/common/params.py; editor/calls/selectors.py applies the cleaned values."""

from __future__ import annotations

from editor.calls.models import CallStatus
from editor.common.params import ChoiceListField, DayField, IdField, IdListField, MomentField, QueryForm, TextField


class CallFilters(QueryForm):
    status = ChoiceListField(choices=CallStatus.values)
    flow = IdField()
    credential = IdField()
    ids = IdListField(max_items=200)
    number = TextField(max_length=40)
    date = DayField()
    created_after = MomentField()
    created_before = MomentField()

