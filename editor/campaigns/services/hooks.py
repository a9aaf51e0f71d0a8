"""Campaigns plugs into calls here (connected once, from ``CampaignsConfig.ready()``)."""

from __future__ import annotations

from editor.calls import hooks as call_hooks
from editor.campaigns.services.campaigns import on_credential_rejected
from editor.campaigns.services.dispatch import PRECHECK, campaign_precheck


def connect() -> None:
    call_hooks.add_precheck(PRECHECK, campaign_precheck)
    call_hooks.credential_rejected.connect(on_credential_rejected, dispatch_uid="campaigns.pause_on_401")
