"""Adopt the teams and memberships tables of the single-app layout, rows and all: state only.

The operations are built by editor/legacy/adopt.py; 0002 renames the tables.
"""

from django.db import migrations

from editor.legacy.adopt import adopt


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("editor", "0004_campaigns"),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=adopt("accounts"))]
