"""The names of the FlowStudio apps that the benchmarks use, in one place. Import it once Django is set up.

(The sandbox's ``SandboxRequest`` is imported where it is used: that app is installed only with
``SANDBOX_ENABLED``, which flowstudio/bench_settings.py turns on for the launch and campaign benchmarks.)
"""

from _harness import ROOT

from editor.accounts.models import Membership, Team
from editor.calls.models import Call, CallStatus, WorkerHeartbeat
from editor.calls.samespace import build_payload, endpoint
from editor.calls.services.calls import call_create
from editor.calls.services.credentials import credential_create
from editor.campaigns.models import Campaign, CampaignContact, CampaignStatus
from editor.campaigns.services.campaigns import campaign_create, campaign_start
from editor.campaigns.services.imports import contacts_import
from editor.flows.models import Flow
from editor.flows.services.flows import flow_create, flow_publish

# A Samespace example flow (a call, then a play step) that the launch benchmark places.
SAMESPACE_EXAMPLE = ROOT / "editor" / "flows" / "demo" / "samespace_example_fixed.json"

__all__ = [
    "SAMESPACE_EXAMPLE", "Call", "CallStatus", "Campaign", "CampaignContact", "CampaignStatus", "Flow", "Membership",
    "Team", "WorkerHeartbeat", "build_payload", "call_create", "campaign_create", "campaign_start",
    "contacts_import", "credential_create", "endpoint", "flow_create", "flow_publish",
]
