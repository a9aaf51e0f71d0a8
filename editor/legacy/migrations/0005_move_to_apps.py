"""Hand every model over to the app that now owns it (editor/accounts, flows, calls, campaigns).

State only: the tables stay where they are, with their rows; each app's 0001 migration adopts
them and its 0002 renames them. Content types (and so permissions and admin history) follow
their models to the new app labels.
"""

from django.db import migrations

from editor.legacy.adopt import OWNERS as NEW_LABELS

# Models that others point at come last.
DELETE_ORDER = [
    "ClockOffset", "DoNotCall", "ContactImport", "CampaignPacing", "CampaignContact", "Campaign",
    "WorkerHeartbeat", "CallAttempt", "Call", "Credential",
    "FlowTestSettings", "FlowScenario", "FlowVersion", "Flow",
    "Membership", "Team",
]


def relabel_content_types(apps, schema_editor, *, forward=True):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, label in NEW_LABELS.items():
        old, new = ("editor", label) if forward else (label, "editor")
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def relabel_back(apps, schema_editor):
    relabel_content_types(apps, schema_editor, forward=False)


class Migration(migrations.Migration):

    dependencies = [
        ("editor", "0004_campaigns"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in DELETE_ORDER],
        ),
        migrations.RunPython(relabel_content_types, relabel_back),
    ]
