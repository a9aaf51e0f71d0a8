"""What other apps plug into events processing (connected from their ``AppConfig.ready()``).

Events knows nothing of campaigns (the apps depend one way: events <- campaigns), yet the counts
can be read for one campaign: campaigns connects a function that says which campaign each call was
placed for, and processing adds each call's share to its campaign's counts as well
(editor/events/processing.py).
"""

from __future__ import annotations

from collections.abc import Callable

CampaignsOf = Callable[[list[int]], dict[int, int]]
_campaigns_of: list[CampaignsOf] = []


def connect_campaigns_of(function: CampaignsOf) -> None:
    """``function(call ids) -> {call id: campaign id}`` for the calls placed for a campaign (one query)."""
    if function not in _campaigns_of:
        _campaigns_of.append(function)


def campaigns_of(call_ids: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for function in _campaigns_of:
        found.update(function(call_ids))
    return found
