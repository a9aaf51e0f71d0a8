"""A database made by the single-app layout (the ``editor`` app, migrations up to 0004) migrates to
the apps under editor/ with every row kept (editor/legacy/migrations/0005_move_to_apps.py and each
app's 0001-0002; campaigns' 0003 moves the call → contact link to its own table)."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

OLD_LAYOUT = [("editor", "0004_campaigns"), ("accounts", None), ("flows", None), ("calls", None), ("campaigns", None)]


def migrate(targets):
    """Migrate to ``targets``; the models as they are then (every applied migration)."""
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def build_old_rows(apps) -> dict:
    """One of every kind of row, through the models as they were."""
    user = apps.get_model("auth", "User").objects.create(username="ada")
    team = apps.get_model("editor", "Team").objects.create(name="Old team", slug="old")
    apps.get_model("editor", "Membership").objects.create(team=team, user=user, role="owner")
    document = {"steps": [{"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+15550100"}],
                "layout": {}, "settings": {"record": False}}
    flow = apps.get_model("editor", "Flow").objects.create(team=team, name="Reminder", document=document)
    version = apps.get_model("editor", "FlowVersion").objects.create(flow=flow, number=1, document=document)
    apps.get_model("editor", "FlowScenario").objects.create(flow=flow, name="Happy path",
                                                            inputs={"digits": {}, "http": {}})
    apps.get_model("editor", "FlowTestSettings").objects.create(flow=flow, scenario_failures_block_publish=False)
    credential = apps.get_model("editor", "Credential").objects.create(
        team=team, name="Samespace", cloud_id="C1", token_ciphertext="gAAAA-cipher", base_url="https://x.test/v1")
    now = timezone.now()
    one_off = apps.get_model("editor", "Call").objects.create(
        team=team, flow_version=version, credential=credential, number="+15550101", not_before=now,
        status="accepted", idempotency_key=uuid.uuid4())
    campaign = apps.get_model("editor", "Campaign").objects.create(
        team=team, flow_version=version, credential=credential, name="Autumn", timezone="UTC",
        window_start=time(9), window_end=time(17), status="running")
    contact = apps.get_model("editor", "CampaignContact").objects.create(
        campaign=campaign, number="+15550102", status="calling", attempts=1)
    campaign_call = apps.get_model("editor", "Call").objects.create(
        team=team, flow_version=version, credential=credential, number="+15550102", not_before=now,
        idempotency_key=uuid.uuid4(), campaign_contact=contact)
    apps.get_model("editor", "CampaignContact").objects.filter(pk=contact.pk).update(last_call=campaign_call)
    apps.get_model("editor", "CallAttempt").objects.create(call=one_off, number=1, started_at=now, outcome="accepted",
                                                           status_code=200)
    apps.get_model("editor", "WorkerHeartbeat").objects.create(hostname="w1", pid=1, last_seen=now)
    apps.get_model("editor", "ContactImport").objects.create(campaign=campaign, filename="list.csv", imported=1)
    apps.get_model("editor", "DoNotCall").objects.create(team=team, number="+15550199")
    apps.get_model("editor", "CampaignPacing").objects.create(campaign=campaign, next_slot_at=now)
    apps.get_model("editor", "ClockOffset").objects.create(pk=1, seconds=0.0)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    flow_type, _ = ContentType.objects.get_or_create(app_label="editor", model="flow")
    change_flow, _ = Permission.objects.get_or_create(content_type=flow_type, codename="change_flow",
                                                      defaults={"name": "Can change flow"})
    user.user_permissions.add(change_flow)
    schedule = apps.get_model("django_celery_beat", "IntervalSchedule").objects.create(every=5, period="seconds")
    apps.get_model("django_celery_beat", "PeriodicTask").objects.create(
        name="campaigns-tick", task="editor.tasks.campaigns_tick", interval=schedule)
    return {"user": user.pk, "flow": flow.pk, "version": version.pk, "credential": credential.pk,
            "one_off": one_off.pk, "campaign_call": campaign_call.pk, "contact": contact.pk, "campaign": campaign.pk}


@pytest.mark.django_db(transaction=True)
def test_it_migrates_a_database_of_the_single_app_layout_with_every_row_kept():
    try:
        ids = build_old_rows(migrate(OLD_LAYOUT))
        migrate(latest())
        from django.contrib.auth.models import User
        from django.contrib.contenttypes.models import ContentType
        from django_celery_beat.models import PeriodicTask

        from editor.accounts.models import Membership, Team
        from editor.calls.models import Call, CallAttempt, Credential, WorkerHeartbeat
        from editor.campaigns.models import (
            Campaign,
            CampaignCall,
            CampaignContact,
            CampaignPacing,
            ClockOffset,
            ContactImport,
            DoNotCall,
        )
        from editor.flows.models import Flow, FlowScenario, FlowTestSettings, FlowVersion
        from flowstudio.celery import app as celery_app

        for model in (Team, Membership, Flow, FlowVersion, FlowScenario, FlowTestSettings, Credential, CallAttempt,
                      Campaign, CampaignContact, ContactImport, DoNotCall, CampaignPacing, ClockOffset):
            assert model.objects.count() == 1, model
        # (A test session's own worker may beat into the same table meanwhile.)
        assert WorkerHeartbeat.objects.filter(hostname="w1", pid=1).count() == 1
        assert Call.objects.count() == 2
        assert Flow.objects.get().document["steps"][0]["caller_id"] == "+15550100"
        assert Credential.objects.get().token_ciphertext == "gAAAA-cipher"
        assert FlowTestSettings.objects.get().scenario_failures_block_publish is False
        # The call that a campaign placed keeps its contact (now on the campaigns side) and its checks.
        link = CampaignCall.objects.get()
        assert (link.call_id, link.contact_id) == (ids["campaign_call"], ids["contact"])
        assert Call.objects.get(pk=ids["campaign_call"]).precheck == "campaign"
        assert Call.objects.get(pk=ids["one_off"]).precheck == ""
        assert CampaignContact.objects.get().last_call_id == ids["campaign_call"]
        # Permissions and admin history follow their models to the new app labels.
        assert not ContentType.objects.filter(app_label="editor").exists()
        assert User.objects.get(pk=ids["user"]).has_perm("flows.change_flow")
        # django-celery-beat's stored schedule still names a task the workers run.
        task = PeriodicTask.objects.get(name="campaigns-tick").task
        celery_app.loader.import_default_modules()
        assert task in celery_app.tasks
        # New rows get fresh ids after the copied ones (sequences moved with their tables).
        team = Team.objects.create(name="New team", slug="new")
        assert team.pk > Team.objects.exclude(pk=team.pk).get().pk
        Call.objects.create(team=team, flow_version_id=ids["version"], number="+15550103",
                            not_before=timezone.now() + timedelta(seconds=1))
    finally:
        migrate(latest())
