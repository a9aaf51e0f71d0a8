from django.apps import AppConfig


class FlowsConfig(AppConfig):
    """Flows, their published versions, saved tests (scenarios) and the simulator."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "editor.flows"
    verbose_name = "Flows"
