# Campaigns: campaigns, contacts, send-slot pacing, imports, do-not-call, the test clock,
# and Call.campaign_contact. Only these models.

import datetime
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# Defaults as they were when this migration was written (kept here so the history imports no app).


def default_weekdays():
    return [0, 1, 2, 3, 4]


class Migration(migrations.Migration):

    dependencies = [
        ('editor', '0003_scenarios'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Campaign',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('timezone', models.CharField(default='UTC', help_text='IANA zone for numbers whose time zone phonenumbers cannot tell (and for start/end shown).', max_length=64)),
                ('starts_at', models.DateTimeField(blank=True, help_text='Empty: as soon as it is started.', null=True)),
                ('ends_at', models.DateTimeField(blank=True, help_text='Empty: until every contact is done.', null=True)),
                ('window_start', models.TimeField(default=datetime.time(9, 0))),
                ('window_end', models.TimeField(default=datetime.time(20, 0))),
                ('weekdays', models.JSONField(default=default_weekdays, help_text='0 = Monday … 6 = Sunday.')),
                ('calls_per_minute', models.PositiveIntegerField(default=60, help_text='0: no limit.')),
                ('max_attempts', models.PositiveSmallIntegerField(default=3, help_text='Calls per contact; only failed calls retry.')),
                ('retry_delay_seconds', models.PositiveIntegerField(default=3600)),
                ('default_region', models.CharField(default='US', help_text='For numbers without a +country code.', max_length=2)),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('scheduled', 'Scheduled'), ('running', 'Running'), ('paused', 'Paused'), ('completed', 'Completed'), ('cancelled', 'Cancelled')], default='draft', max_length=10)),
                ('status_reason', models.TextField(blank=True, default='')),
                ('status_changed_at', models.DateTimeField(blank=True, null=True)),
                ('columns', models.JSONField(blank=True, default=list)),
                ('zones', models.JSONField(blank=True, default=list)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('credential', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='campaigns', to='editor.credential')),
                ('flow_version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='campaigns', to='editor.flowversion')),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='campaigns', to='editor.team')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ClockOffset',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seconds', models.FloatField(default=0.0)),
            ],
        ),
        migrations.CreateModel(
            name='CampaignPacing',
            fields=[
                ('campaign', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='pacing', serialize=False, to='editor.campaign')),
                ('next_slot_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name='CampaignContact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=20)),
                ('variables', models.JSONField(blank=True, default=dict)),
                ('timezone', models.CharField(blank=True, default='', max_length=64)),
                ('line', models.PositiveIntegerField(blank=True, null=True)),
                ('status', models.CharField(choices=[('pending', 'Waiting'), ('calling', 'Calling'), ('accepted', 'Accepted'), ('failed', 'Failed'), ('unknown', 'Unknown'), ('do_not_call', 'Do not call'), ('cancelled', 'Cancelled'), ('not_called', 'Not called')], default='pending', max_length=12)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True)),
                ('note', models.CharField(blank=True, default='', max_length=300)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='editor.campaign')),
                ('last_call', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='editor.call')),
            ],
            options={
                'ordering': ['campaign', 'id'],
            },
        ),
        migrations.AddField(
            model_name='call',
            name='campaign_contact',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='calls', to='editor.campaigncontact'),
        ),
        migrations.CreateModel(
            name='ContactImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('filename', models.CharField(blank=True, default='', max_length=255)),
                ('number_column', models.CharField(blank=True, default='', max_length=200)),
                ('columns', models.JSONField(blank=True, default=list)),
                ('rows', models.PositiveIntegerField(default=0)),
                ('imported', models.PositiveIntegerField(default=0)),
                ('duplicates', models.PositiveIntegerField(default=0)),
                ('do_not_call', models.PositiveIntegerField(default=0)),
                ('rejected', models.PositiveIntegerField(default=0)),
                ('empty', models.PositiveIntegerField(default=0)),
                ('dnc_rows', models.JSONField(blank=True, default=list)),
                ('duplicate_rows', models.JSONField(blank=True, default=list)),
                ('rejected_rows', models.JSONField(blank=True, default=list)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='imports', to='editor.campaign')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='DoNotCall',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=20)),
                ('note', models.CharField(blank=True, default='', max_length=300)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='do_not_call', to='editor.team')),
            ],
            options={
                'verbose_name': 'do-not-call number',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddIndex(
            model_name='campaign',
            index=models.Index(fields=['status'], name='campaign_status'),
        ),
        migrations.AddIndex(
            model_name='campaign',
            index=models.Index(fields=['team', '-created_at'], name='campaign_team_created'),
        ),
        migrations.AddIndex(
            model_name='campaigncontact',
            index=models.Index(fields=['campaign', 'status', 'next_attempt_at'], name='contact_due'),
        ),
        migrations.AddIndex(
            model_name='campaigncontact',
            index=models.Index(condition=models.Q(('status', 'calling')), fields=['last_call'], name='contact_calling'),
        ),
        migrations.AddConstraint(
            model_name='campaigncontact',
            constraint=models.UniqueConstraint(fields=('campaign', 'number'), name='one_contact_number_per_campaign'),
        ),
        migrations.AddConstraint(
            model_name='donotcall',
            constraint=models.UniqueConstraint(fields=('team', 'number'), name='one_dnc_number_per_team'),
        ),
    ]
