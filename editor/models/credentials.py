from __future__ import annotations

from django.conf import settings
from django.db import models

from editor import crypto


def default_base_url() -> str:
    return settings.SAMESPACE_BASE_URL


class Credential(models.Model):
    """A team's Samespace account: cloud id and auth token (encrypted at rest, write-only)."""

    team = models.ForeignKey("editor.Team", on_delete=models.CASCADE, related_name="credentials")
    name = models.CharField(max_length=120)
    cloud_id = models.CharField(max_length=200)
    # Fernet token of the auth token (editor.crypto). The plaintext never touches a column,
    # a form's initial value, a log line or a Celery message.
    token_ciphertext = models.TextField(editable=False)
    # The last characters of a long token so people can tell tokens apart; empty for short ones.
    token_hint = models.CharField(max_length=8, blank=True, default="", editable=False)
    base_url = models.URLField(max_length=500, default=default_base_url)
    # Set when Samespace answered 401 with this token; cleared when the token is replaced.
    rejected_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team", "name"]
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="one_credential_name_per_team")]

    def __str__(self) -> str:
        return self.name

    HINT_MIN_LENGTH = 16

    def set_token(self, token: str) -> None:
        """Encrypt ``token`` into this row (not saved yet)."""
        self.token_ciphertext = crypto.encrypt(token)
        self.token_hint = token[-4:] if len(token) >= self.HINT_MIN_LENGTH else ""
        self.rejected_at = None

    def reveal_token(self) -> str:
        """The plaintext token, for the Samespace client only. Never log or serialise it."""
        return crypto.decrypt(self.token_ciphertext)

    @property
    def masked_token(self) -> str:
        if not self.token_ciphertext:
            return ""
        return "••••••••" + self.token_hint
