from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "editor.events"
    label = "events"
    verbose_name = "Call events"

    def ready(self) -> None:
        # The call page shows the call's outcome through the hook calls offers (editor/calls/hooks.py).
        from editor.calls import hooks
        from editor.events.panel import outcome_panel

        hooks.add_call_panel("events", outcome_panel)
