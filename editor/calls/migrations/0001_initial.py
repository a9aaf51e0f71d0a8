"""Take over the credential, call, attempt and heartbeat tables that the single-app layout made.

Nothing changes in the database (editor/legacy/adopt.py builds the state).
"""

from django.db import migrations

from editor.calls.models import default_base_url
from editor.legacy.adopt import adopt


class Migration(migrations.Migration):
    initial = True

    dependencies = [("editor", "0004_campaigns"), ("flows", "0001_initial")]

    operations = [migrations.SeparateDatabaseAndState(state_operations=adopt("calls", defaults={"credential.base_url": default_base_url}))]
