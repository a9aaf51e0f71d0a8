from django.apps import AppConfig


class LegacyConfig(AppConfig):
    """The migration history of the single ``editor`` app that FlowStudio once was.

    It holds no models. Its migrations built the tables that the apps under ``editor/`` now own
    (``0005_move_to_apps`` hands them over), so a database created before the split migrates forward
    with every row kept. Keep it installed and below the other apps.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "editor.legacy"
    label = "editor"
    verbose_name = "FlowStudio (migration history)"
