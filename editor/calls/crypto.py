"""Secrets at rest: Fernet encryption with keys from ``settings.FIELD_ENCRYPTION_KEYS``.

The keys are a list, newest first (MultiFernet): the first one encrypts, every one decrypts,
so a key is rotated by prepending a new one, running ``manage.py rotate_encryption_keys``
(which re-encrypts every stored secret with the newest key), then dropping the old one.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "decrypt", "encrypt", "needs_rotation", "rotate"]


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must hold at least one Fernet key.")
    try:
        return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])
    except ValueError as exc:
        # Never echo the key itself.
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes; make one with Fernet.generate_key())."
        ) from exc


def _fernet() -> MultiFernet:
    # Keyed by the current setting so that tests (and key rotation) can change it at run time.
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    """The Fernet token of ``plaintext`` under the newest key, as text for a database column."""
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    """The plaintext of a stored token; raises ``InvalidToken`` when no configured key opens it."""
    return _fernet().decrypt(ciphertext.encode()).decode()


def rotate(ciphertext: str) -> str:
    """The same secret re-encrypted under the newest key (MultiFernet.rotate keeps the timestamp)."""
    return _fernet().rotate(ciphertext.encode()).decode()


def needs_rotation(ciphertext: str) -> bool:
    """True when the newest key cannot open ``ciphertext`` (an older key encrypted it)."""
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    try:
        _fernet_for(keys[:1]).decrypt(ciphertext.encode())
    except InvalidToken:
        return True
    return False
