"""Campaigns, contacts, pacing, imports, do-not-call and the clock offset: their tables, as the
single-app layout made them, now belong to this app (editor/legacy/adopt.py; state only).
"""

from django.db import migrations

from editor.campaigns.models import default_weekdays
from editor.legacy.adopt import adopt


class Migration(migrations.Migration):
    initial = True

    dependencies = [("editor", "0004_campaigns"), ("calls", "0001_initial")]

    operations = [migrations.SeparateDatabaseAndState(state_operations=adopt("campaigns", defaults={"campaign.weekdays": default_weekdays}))]
