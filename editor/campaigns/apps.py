from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    """Campaigns over contact lists: pacing, calling windows, retries, do-not-call, the clock."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "editor.campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        from editor.campaigns.services import hooks

        # Calls knows nothing of campaigns: campaigns plugs its last-moment checks and its reaction
        # to a refused credential into the hooks that editor/calls/hooks.py offers.
        hooks.connect()
