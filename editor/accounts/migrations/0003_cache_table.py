"""The database cache's table (CACHE_URL=db://, the `make run` default; flowstudio/settings.py), so
that `migrate` alone readies a shared cache for throttles and limits. Nothing for other caches."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_rename_tables")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True)]
