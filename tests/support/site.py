"""A team with something on every page, for the tests that walk the whole site (accessibility, screenshots).

``populated_site()`` makes, through the services, a published flow, a credential, a finished call with
answers that carry non-ASCII text, a running campaign, a draft campaign, a do-not-call entry, and
returns the address of each main page by name.
"""

from __future__ import annotations

import io
import json
from datetime import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

# The documented Samespace example, fixed (what a new user builds first).
EXAMPLE = Path(__file__).resolve().parents[2] / "editor" / "flows" / "demo" / "samespace_example_fixed.json"


def populated_site(*, team, owner) -> dict[str, str]:
    from editor.calls.models import AttemptOutcome, Call, CallAttempt
    from editor.calls.services.calls import call_launch
    from editor.calls.services.credentials import credential_create
    from editor.campaigns.services.campaigns import campaign_create, campaign_start
    from editor.campaigns.services.dnc import dnc_add
    from editor.campaigns.services.imports import contacts_import
    from editor.flows.services.flows import flow_import, flow_publish

    flow = flow_import(team=team, user=owner, name="Appointment reminder", payload=json.loads(EXAMPLE.read_text()))
    version = flow_publish(flow=flow, user=owner, note="first")
    credential = credential_create(team=team, user=owner, name="Main line", cloud_id="CLOUD-1",
                                   auth_token=settings.SANDBOX_AUTH_TOKEN,
                                   base_url="http://127.0.0.1:9/sandbox/api/public/v1")
    # The call is finished in the transaction that creates it: its message goes out on commit, and a
    # worker running for the session then finds no queued call to claim (it would otherwise record
    # its own attempt 1 against the unreachable credential).
    with transaction.atomic():
        call = call_launch(flow=flow, user=owner, number="+14155550100", credential=credential,
                           variables={"name": "Zoë 👋"})
        body = json.dumps({"status": "queued", "call_id": "ss-123"})
        Call.objects.filter(pk=call.pk).update(status="accepted", response_status=200, response_body=body,
                                               attempt_count=1, finished_at=timezone.now(),
                                               samespace_call_id="ss-123")
        CallAttempt.objects.create(call_id=call.pk, number=1, started_at=timezone.now(), duration_ms=84,
                                   outcome=AttemptOutcome.ACCEPTED, status_code=200, body_excerpt=body)

    csv = "number,name\n" + "".join(f"+1212555{n:04d},Person {n}\n" for n in range(1000, 1012))
    running = campaign_create(team=team, user=owner, name="December check-ups", flow_version=version,
                              credential=credential, timezone="America/New_York", window_start=time(9),
                              window_end=time(20), calls_per_minute=30)
    contacts_import(campaign=running, upload=io.BytesIO(csv.encode()))
    running = campaign_start(campaign=running)
    draft = campaign_create(team=team, user=owner, name="January follow-up", flow_version=version,
                            credential=credential)
    contacts_import(campaign=draft, upload=io.BytesIO(csv.encode()))
    dnc_add(team=team, number="+12125559999", note="Asked us to stop")

    return {
        "flows": "/flows/",
        "editor": f"/flows/{flow.pk}/edit",
        "calls": "/calls/",
        "call": f"/calls/{call.pk}/",
        "credentials": "/credentials/",
        "credential": f"/credentials/{credential.pk}/edit",
        "campaigns": "/campaigns/",
        "campaign": f"/campaigns/{running.pk}/",
        "campaign-new": "/campaigns/new",
        "campaign-contacts": f"/campaigns/{draft.pk}/contacts",
        "campaign-schedule": f"/campaigns/{draft.pk}/schedule",
        "campaign-review": f"/campaigns/{draft.pk}/review",
        "do-not-call": "/do-not-call/",
        "teams": "/teams/",
        "team": f"/teams/{team.slug}/",
        "settings": "/accounts/settings/",
        "password": "/accounts/password/change/",
        "flow-delete": f"/flows/{flow.pk}/delete",
    }
