"""Re-encrypt every stored secret with the newest key of FIELD_ENCRYPTION_KEYS.

Rotation: prepend a new key to FIELD_ENCRYPTION_KEYS (newest first), restart, run this command,
then drop the old key once it reports nothing left to rotate.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from editor.calls import crypto
from editor.calls.models import Credential
from editor.calls.services.credentials import credentials_rotate_keys


class Command(BaseCommand):
    help = "Re-encrypt every Samespace token with the newest key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true",
                            help="Only report how many tokens still use an older key (exit 1 if any).")

    def handle(self, *args: Any, **options: Any) -> None:
        unreadable = []
        stale = 0
        for pk, ciphertext in Credential.objects.values_list("pk", "token_ciphertext"):
            try:
                crypto.decrypt(ciphertext)
            except crypto.InvalidToken:
                unreadable.append(pk)
                continue
            stale += crypto.needs_rotation(ciphertext)
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} credential(s) cannot be decrypted with any configured key "
                f"(ids {', '.join(map(str, unreadable[:20]))}). Add the missing old key to FIELD_ENCRYPTION_KEYS."
            )
        if options["check"]:
            self.stdout.write(f"{stale} credential(s) use an older key.")
            if stale:
                raise CommandError("Run rotate_encryption_keys without --check to re-encrypt them.")
            return
        rotated, current = credentials_rotate_keys()
        self.stdout.write(self.style.SUCCESS(
            f"Re-encrypted {rotated} credential(s) with the newest key; {current} already used it."
        ))
