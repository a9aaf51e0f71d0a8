"""Settings of the benchmarks (bench/_harness.py): production settings (DEBUG=0) with the development
sandbox mounted, which the environment alone cannot do (flowstudio/settings.py stops start-up for
SANDBOX_ENABLED=1 with DEBUG=0). Never deploy with this module: ``check --deploy`` flags the sandbox
and its plain-http hosts (editor/common/checks.py)."""

from flowstudio.settings import *  # noqa: F403
from flowstudio.settings import INSTALLED_APPS

SANDBOX_ENABLED = True
INSTALLED_APPS = [*INSTALLED_APPS, "sandbox"]
SAMESPACE_INSECURE_HOSTS = ["127.0.0.1", "localhost"]
