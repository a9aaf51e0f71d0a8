"""The names of the editor app that the benchmarks use, in one place. Import it once Django is set up.

(The sandbox's ``SandboxRequest`` is imported where it is used: that app is installed only with
``SANDBOX_ENABLED``, which the launch and campaign benchmarks set.)
"""

from _harness import ROOT

from editor.models import (
    Call,
    CallStatus,
    Campaign,
    CampaignContact,
    CampaignStatus,
    Flow,
    Membership,
    Team,
    WorkerHeartbeat,
)
from editor.samespace import build_payload, endpoint
from editor.services.calls import call_create
from editor.services.campaigns import campaign_create, campaign_start
from editor.services.contacts import contacts_import
from editor.services.credentials import credential_create
from editor.services.flows import flow_create, flow_publish

# A Samespace example flow (a call, then a play step) that the launch benchmark places.
SAMESPACE_EXAMPLE = ROOT / "editor" / "demo" / "samespace_example_fixed.json"

__all__ = [
    "SAMESPACE_EXAMPLE", "Call", "CallStatus", "Campaign", "CampaignContact", "CampaignStatus", "Flow", "Membership",
    "Team", "WorkerHeartbeat", "build_payload", "call_create", "campaign_create", "campaign_start",
    "contacts_import", "credential_create", "endpoint", "flow_create", "flow_publish",
]
