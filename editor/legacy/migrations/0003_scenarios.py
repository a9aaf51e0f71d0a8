# Flow tests: saved scenarios and per-flow test settings. Only these two models.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models



# Defaults as they were when this migration was written (kept here so the history imports no app).


def empty_inputs():
    return {"digits": {}, "http": {}}


class Migration(migrations.Migration):
    dependencies = [
        ("editor", "0002_calls"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FlowScenario",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200)),
                ("inputs", models.JSONField(default=empty_inputs)),
                ("expectations", models.JSONField(default=dict)),
                ("generated", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "flow",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="scenarios", to="editor.flow"
                    ),
                ),
            ],
            options={
                "ordering": ["flow", "generated", "name", "id"],
                "indexes": [models.Index(fields=["flow", "generated"], name="editor_flow_flow_id_efc4a0_idx")],
            },
        ),
        migrations.CreateModel(
            name="FlowTestSettings",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("scenario_failures_block_publish", models.BooleanField(default=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "flow",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="test_settings", to="editor.flow"
                    ),
                ),
            ],
            options={"verbose_name_plural": "flow test settings"},
        ),
    ]
