"""flows 0003 fills Flow.unpublished_steps for the flows that exist
(editor/flows/migrations/0003_flow_unpublished_steps.py)."""

from __future__ import annotations

import pytest

from tests.support.migrations import latest, migrate

BEFORE = [("flows", "0002_rename_tables")]


@pytest.mark.django_db(transaction=True)
def test_it_counts_the_unpublished_steps_of_existing_flows():
    step = {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+15550100"}
    published = {"steps": [step], "layout": {"0": {"x": 0, "y": 0}}, "settings": {"record": False}}
    changed = {**published, "steps": [{**step, "next_step": "1"}, {"id": "1", "type": "play", "text": "Hi"}]}
    moved = {**published, "layout": {"0": {"x": 90, "y": 0}}}
    try:
        apps = migrate(BEFORE)
        team = apps.get_model("accounts", "Team").objects.create(name="Team", slug="team")
        Flow, FlowVersion = apps.get_model("flows", "Flow"), apps.get_model("flows", "FlowVersion")
        ids = {}
        for name, draft in (("changed", changed), ("moved", moved), ("never published", changed)):
            flow = Flow.objects.create(team=team, name=name, document=draft)
            if name != "never published":
                FlowVersion.objects.create(flow=flow, number=1, document=published)
            ids[name] = flow.pk
        apps = migrate(latest())
        Flow = apps.get_model("flows", "Flow")
        counts = {name: Flow.objects.get(pk=pk).unpublished_steps for name, pk in ids.items()}
        assert counts == {"changed": 2, "moved": None, "never published": None}
    finally:
        migrate(latest())
