from django.apps import AppConfig


class CallsConfig(AppConfig):
    """Credentials, calls and their attempts, the Samespace client, workers' heartbeats."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "editor.calls"
    verbose_name = "Calls"

    def ready(self) -> None:
        from editor.calls import heartbeat

        # Worker processes start beating when Celery says they are ready (a no-op elsewhere).
        heartbeat.connect_worker_signals()
