"""Create the demo user, team and flows for `make run` (idempotent)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from editor.accounts.models import Membership, Role, Team
from editor.flowcore import CONTACT_NUMBER, parse
from editor.flows.models import Flow
from editor.flows.services.flows import flow_import, flow_publish, flow_update

DEMO_DIR = Path(__file__).resolve().parents[3] / "flows" / "demo"
DEMO_FLOWS = [
    ("Samespace example (as documented)", "samespace_example.json",
     "The example from Samespace's documentation, unchanged. It has four problems to find."),
    ("Samespace example (fixed)", "samespace_example_fixed.json",
     "The same flow with its problems fixed, calling each contact's number ({{contact.number}}) instead of "
     "the documented fixed number: it validates clean, and a test call or a campaign dials the number given."),
]

# What the fixed demo's Call step dialled before it dialled {{contact.number}} (Samespace's documented number).
OLD_FIXED_NUMBER = "917507161643"


def _steps(payload: dict[str, Any], number: str) -> list[Any]:
    flow = [{**payload["flow"][0], "number": number}, *payload["flow"][1:]]
    document = parse({**payload, "flow": flow}).document
    return document["steps"] if document else []


def refresh_fixed_demo(flow: Flow, user: Any, payload: dict[str, Any]) -> bool:
    """A demo database made before: its fixed demo flow, if nobody changed it, dialled one fixed number.
    Put {{contact.number}} in its Call step (and publish that when it was published), so that a test call
    dials the number typed. A flow someone changed is left alone. True when it was refreshed."""
    if flow.document.get("steps") != _steps(payload, OLD_FIXED_NUMBER):
        return False
    flow = flow_update(flow=flow, user=user, base_revision=flow.revision,
                       document={**flow.document, "steps": _steps(payload, CONTACT_NUMBER)})
    if flow.versions.exists():
        flow_publish(flow=flow, user=user, note="The demo calls each contact's number")
    return True


class Command(BaseCommand):
    help = "Create (or refresh) the demo user, team and example flows, and print how to sign in."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="demo")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        password_file = Path(settings.VAR_DIR) / "demo-password.txt"
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com", "is_staff": True, "is_superuser": True}
        )
        if created or not password_file.exists():
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save()
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n")
        password = password_file.read_text().strip()

        team, _ = Team.objects.get_or_create(slug="demo", defaults={"name": "Demo team"})
        Membership.objects.get_or_create(team=team, user=user, defaults={"role": Role.OWNER})
        for name, filename, description in DEMO_FLOWS:
            payload = json.loads((DEMO_DIR / filename).read_text())
            existing = Flow.objects.filter(team=team, name=name).first()
            if existing is None:
                flow_import(team=team, user=user, name=name, payload=payload, description=description)
            elif filename == "samespace_example_fixed.json":
                refresh_fixed_demo(existing, user, payload)
        if settings.SANDBOX_ENABLED:
            from editor.calls.services.demo import demo_sandbox_setup

            demo_sandbox_setup(team=team, user=user, flow_name=DEMO_FLOWS[1][0])

        self.stdout.write(self.style.SUCCESS(
            f"Demo ready: sign in at http://127.0.0.1:{settings.SITE_PORT}/ as {username!r} "
            f"with password {password!r}"
        ))
