"""Calls carry the token of their events hook; credentials say whether Samespace sends events."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('calls', '0004_drop_campaign_contact_column'),
    ]

    operations = [
        migrations.AddField(
            "call", "events_key", models.CharField(blank=True, editable=False, max_length=16, null=True, unique=True)
        ),
        migrations.AddField("call", "events_secret", models.CharField(blank=True, default="", editable=False, max_length=64)),
        migrations.AddField(
            "credential", "send_events", models.BooleanField(default=False, verbose_name="Samespace sends call events")
        ),
    ]
