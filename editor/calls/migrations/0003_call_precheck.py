"""Calls carry the name of the last-moment check their app registered (editor/calls/hooks.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('calls', '0002_rename_tables'),
    ]

    operations = [migrations.AddField("call", "precheck", models.CharField(blank=True, default="", max_length=40))]
