"""Campaigns plugs into calls and events here (connected once, from ``CampaignsConfig.ready()``)."""

from __future__ import annotations

from editor.calls import hooks as call_hooks
from editor.campaigns.models import CampaignCall
from editor.campaigns.services.campaigns import on_credential_rejected
from editor.campaigns.services.dispatch import PRECHECK, campaign_precheck
from editor.events import hooks as event_hooks


def campaigns_of_calls(call_ids: list[int]) -> dict[int, int]:
    """The campaign each of these calls was placed for (calls placed by hand have none)."""
    return dict(CampaignCall.objects.filter(call_id__in=call_ids).values_list("call_id", "contact__campaign_id"))


def connect() -> None:
    call_hooks.add_precheck(PRECHECK, campaign_precheck)
    call_hooks.credential_rejected.connect(on_credential_rejected, dispatch_uid="campaigns.pause_on_401")
    event_hooks.connect_campaigns_of(campaigns_of_calls)
