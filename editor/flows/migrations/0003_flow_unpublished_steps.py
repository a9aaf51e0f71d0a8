"""Flow.unpublished_steps: how far each draft is from its latest version (editor/flowcore/diff.py)."""

from django.db import migrations, models

from editor.flowcore.diff import diff_documents, is_empty


def fill(apps, schema_editor):
    Flow = apps.get_model("flows", "Flow")
    FlowVersion = apps.get_model("flows", "FlowVersion")
    for flow in Flow.objects.filter(versions__isnull=False).distinct().only("pk", "document").iterator():
        latest = FlowVersion.objects.filter(flow_id=flow.pk).order_by("-number").values_list("document", flat=True)[0]
        try:
            diff = diff_documents(latest, flow.document)
        except ValueError:  # a draft that is not a flow document: leave it unknown
            continue
        if not is_empty(diff):
            Flow.objects.filter(pk=flow.pk).update(unpublished_steps=diff["summary"]["steps"])


class Migration(migrations.Migration):
    dependencies = [("flows", "0002_rename_tables")]

    operations = [
        migrations.AddField(
            model_name="flow",
            name="unpublished_steps",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                help_text="Steps added, removed or changed since the latest version; "
                "null when the draft is that version or nothing is published.",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
