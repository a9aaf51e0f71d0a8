from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Teams, memberships and roles, API tokens, sign-in and the account and team pages."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "editor.accounts"
    verbose_name = "Teams and accounts"

    def ready(self) -> None:
        # The deploy checks of editor/common/checks.py register themselves when imported.
        from editor.common import checks  # noqa: F401
