"""Writes to Samespace credentials. The token goes in encrypted and never comes back out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from editor.accounts.models import Team
from editor.calls import crypto
from editor.calls.models import Credential
from editor.calls.samespace import check_base_url
from editor.common.errors import InvalidFields

MAX_TOKEN_LENGTH = 4000


def _check(*, name: Any = None, cloud_id: Any = None, auth_token: Any = None, base_url: Any = None,
           send_events: Any = None, creating: bool) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if send_events is not None and not isinstance(send_events, bool):
        problems["send_events"] = ["Answer true or false."]
    elif send_events and not settings.PUBLIC_BASE_URL:
        problems["send_events"] = ["Set PUBLIC_BASE_URL (where Samespace can reach FlowStudio) to receive call events."]
    if creating or name is not None:
        if not isinstance(name, str) or not name.strip():
            problems["name"] = ["Give the credential a name."]
        elif len(name.strip()) > 120:
            problems["name"] = ["Keep the name under 120 characters."]
    if creating or cloud_id is not None:
        if not isinstance(cloud_id, str) or not cloud_id.strip():
            problems["cloud_id"] = ["Enter the Samespace cloud id."]
        elif len(cloud_id.strip()) > 200:
            problems["cloud_id"] = ["The cloud id is too long."]
    if creating or auth_token is not None:
        if not isinstance(auth_token, str) or not auth_token.strip():
            problems["auth_token"] = ["Enter the Samespace auth token."]
        elif len(auth_token) > MAX_TOKEN_LENGTH:
            problems["auth_token"] = ["The auth token is too long."]
    if base_url is not None:
        reason = check_base_url(base_url) if isinstance(base_url, str) else "Enter a URL."
        if reason:
            problems["base_url"] = [reason]
    return problems


def _save(credential: Credential) -> Credential:
    try:
        with transaction.atomic():
            credential.save()
    except IntegrityError:
        raise InvalidFields({"name": ["This team already has a credential with that name."]})
    return credential


def credential_create(
    *,
    team: Team,
    user: AbstractBaseUser | None,
    name: str,
    cloud_id: str,
    auth_token: str,
    base_url: str | None = None,
    send_events: bool = False,
) -> Credential:
    credential = Credential(team=team, created_by=user)
    if base_url in (None, ""):
        base_url = credential.base_url  # SAMESPACE_BASE_URL
    problems = _check(name=name, cloud_id=cloud_id, auth_token=auth_token, base_url=base_url,
                      send_events=send_events, creating=True)
    if problems:
        raise InvalidFields(problems)
    credential.name = name.strip()
    credential.cloud_id = cloud_id.strip()
    credential.base_url = base_url
    credential.send_events = send_events
    credential.set_token(auth_token.strip())
    return _save(credential)


def credential_update(
    *,
    credential: Credential,
    name: str | None = None,
    cloud_id: str | None = None,
    auth_token: str | None = None,
    base_url: str | None = None,
    send_events: bool | None = None,
) -> Credential:
    """Change what is given; an empty or absent token keeps the stored one, except with a new base URL:
    the stored token is only ever sent where it was entered for, so moving it takes the token again."""
    if auth_token == "":
        auth_token = None
    problems = _check(name=name, cloud_id=cloud_id, auth_token=auth_token, base_url=base_url,
                      send_events=send_events, creating=False)
    moving = isinstance(base_url, str) and base_url.strip().rstrip("/") != credential.base_url.strip().rstrip("/")
    if moving and auth_token is None:
        problems.setdefault("auth_token", []).append("Enter the token again to use it with a new base URL.")
    if problems:
        raise InvalidFields(problems)
    if name is not None:
        credential.name = name.strip()
    if cloud_id is not None:
        credential.cloud_id = cloud_id.strip()
    if base_url is not None:
        credential.base_url = base_url
    if send_events is not None:
        credential.send_events = send_events
    if auth_token is not None:
        credential.set_token(auth_token.strip())
    return _save(credential)


def credential_delete(*, credential: Credential) -> None:
    """Delete a credential. Calls placed with it keep their history (their credential becomes empty)."""
    credential.delete()


def credentials_rotate_keys() -> tuple[int, int]:
    """Re-encrypt every stored token with the newest key. Returns (rotated, already current)."""
    rotated = current = 0
    for pk, ciphertext in Credential.objects.values_list("pk", "token_ciphertext").iterator():
        if not crypto.needs_rotation(ciphertext):
            current += 1
            continue
        Credential.objects.filter(pk=pk, token_ciphertext=ciphertext).update(token_ciphertext=crypto.rotate(ciphertext))
        rotated += 1
    return rotated, current
