"""The link from a campaign contact to each call placed for it, kept on the campaigns side.

It used to be a column of the calls table (``campaign_contact_id``); its values are copied here
before calls' migration 0004 drops that column.
"""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 5000


def copy_links(apps, schema_editor):
    Call = apps.get_model("calls", "Call")
    CampaignCall = apps.get_model("campaigns", "CampaignCall")
    rows = (Call.objects.filter(legacy_campaign_contact__isnull=False)
            .values_list("pk", "legacy_campaign_contact").order_by("pk").iterator(chunk_size=BATCH))
    batch = []
    for call_id, contact_id in rows:
        batch.append(CampaignCall(call_id=call_id, contact_id=contact_id))
        if len(batch) >= BATCH:
            CampaignCall.objects.bulk_create(batch)
            batch = []
    CampaignCall.objects.bulk_create(batch)
    # Such calls run campaigns' last checks before each POST (editor/campaigns/services/hooks.py).
    Call.objects.filter(legacy_campaign_contact__isnull=False).update(precheck="campaign")


def copy_back(apps, schema_editor):
    Call = apps.get_model("calls", "Call")
    CampaignCall = apps.get_model("campaigns", "CampaignCall")
    for link in CampaignCall.objects.all().iterator(chunk_size=BATCH):
        Call.objects.filter(pk=link.call_id).update(legacy_campaign_contact=link.contact_id)


class Migration(migrations.Migration):

    dependencies = [
        ("calls", "0003_call_precheck"),
        ("campaigns", "0002_rename_tables"),
    ]
    run_before = [
        ("calls", "0004_drop_campaign_contact_column"),
    ]

    operations = [
        migrations.CreateModel(
            name='CampaignCall',
            fields=[
                ('call', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='campaign_link', serialize=False, to='calls.call')),
                ('contact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='call_links', to='campaigns.campaigncontact')),
            ],
        ),
        migrations.RunPython(copy_links, copy_back),
    ]
