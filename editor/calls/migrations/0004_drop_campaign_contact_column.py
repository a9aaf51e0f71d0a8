"""Drop the column that tied a call to a campaign contact.

Calls knows nothing of campaigns: that link now lives in campaigns' own table, filled from this
column by campaigns' migration 0003 (which runs before this one, see its ``run_before``).
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("calls", "0003_call_precheck"),
    ]

    operations = [
        migrations.RemoveField(model_name="call", name="legacy_campaign_contact"),
    ]
