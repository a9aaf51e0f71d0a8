"""The query parameters of campaigns, their contacts and the do-not-call list (API and pages), typed by
editor/common/params.py; editor/campaigns/selectors.py applies the cleaned values."""

from __future__ import annotations

from editor.campaigns.models import CampaignStatus, ContactStatus
from editor.common.params import ChoiceListField, IdField, QueryForm, TextField


class CampaignFilters(QueryForm):
    status = ChoiceListField(choices=CampaignStatus.values)
    team = IdField()


class ContactFilters(QueryForm):
    status = ChoiceListField(choices=ContactStatus.values)
    number = TextField(max_length=40)


class DoNotCallFilters(QueryForm):
    search = TextField(max_length=40)
    team = IdField()


class DoNotCallRemoval(QueryForm):
    """The "remove" button of the do-not-call page: which entry."""

    entry = IdField(required=True)
