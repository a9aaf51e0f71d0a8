"""Adopt the flow, version, scenario and test-settings tables of the single-app layout: state only.

The operations come from editor/legacy/adopt.py, with this app's own default functions.
"""

from django.db import migrations

from editor.flows.models import empty_document, empty_inputs
from editor.legacy.adopt import adopt


class Migration(migrations.Migration):
    initial = True

    dependencies = [("editor", "0004_campaigns"), ("accounts", "0001_initial")]

    operations = [migrations.SeparateDatabaseAndState(state_operations=adopt("flows", defaults={"flow.document": empty_document, "flowscenario.inputs": empty_inputs}))]
