"""The query parameters of the campaigns list and the do-not-call list (API and pages), typed by
editor/common/params.py; editor/campaigns/selectors.py applies the cleaned values."""

from __future__ import annotations

from editor.campaigns.models import CampaignStatus
from editor.common.params import ChoiceListField, IdField, QueryForm, TextField


class CampaignFilters(QueryForm):
    status = ChoiceListField(choices=CampaignStatus.values)
    team = IdField()


class DoNotCallFilters(QueryForm):
    search = TextField(max_length=40)
    team = IdField()
