"""Give the adopted tables this app's names (rows, indexes and keys go with them)."""

from django.db import migrations

from editor.legacy.adopt import adopted_models


class Migration(migrations.Migration):

    dependencies = [
        ('calls', '0002_rename_tables'),
        ('campaigns', '0001_initial'),
    ]

    operations = [migrations.AlterModelTable(name=name, table=None) for name in adopted_models("campaigns")]
