from .flows import Flow, FlowVersion
from .teams import Membership, Role, Team

__all__ = ["Flow", "FlowVersion", "Membership", "Role", "Team"]
