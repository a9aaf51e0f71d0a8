from .calls import AttemptOutcome, Call, CallAttempt, CallStatus, WorkerHeartbeat
from .campaigns import (
    Campaign,
    CampaignContact,
    CampaignPacing,
    CampaignStatus,
    ClockOffset,
    ContactImport,
    ContactStatus,
    DoNotCall,
)
from .credentials import Credential
from .flows import Flow, FlowVersion
from .scenarios import FlowScenario, FlowTestSettings
from .teams import Membership, Role, Team

__all__ = [
    "AttemptOutcome", "Call", "CallAttempt", "CallStatus", "Credential", "WorkerHeartbeat",
    "Flow", "FlowVersion", "Membership", "Role", "Team"]
__all__ += ["FlowScenario", "FlowTestSettings"]
__all__ += ["Campaign", "CampaignContact", "CampaignPacing", "CampaignStatus", "ClockOffset", "ContactImport",
            "ContactStatus", "DoNotCall"]
