"""Typed helpers that read settings from the environment and fail loudly.

A misspelt or malformed value stops the process at start-up with a message that
names the variable, instead of silently falling back to a default.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_UNSET = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ImproperlyConfiguredEnv(Exception):
    """Raised when an environment variable is missing or malformed."""


def _get(name: str, default: object, parse: Callable[[str], T]) -> T:
    raw = os.environ.get(name)
    if raw is None:
        if default is _UNSET:
            raise ImproperlyConfiguredEnv(f"The environment variable {name} must be set.")
        return default  # type: ignore[return-value]
    try:
        return parse(raw)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfiguredEnv(f"The environment variable {name}={raw!r} is invalid: {exc}") from exc


def env_str(name: str, default: object = _UNSET) -> str:
    return _get(name, default, str)


def env_bool(name: str, default: object = _UNSET) -> bool:
    def parse(raw: str) -> bool:
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError("expected one of 1/0, true/false, yes/no, on/off")

    return _get(name, default, parse)


def env_int(name: str, default: object = _UNSET) -> int:
    return _get(name, default, lambda raw: int(raw.strip()))


def env_float(name: str, default: object = _UNSET) -> float:
    return _get(name, default, lambda raw: float(raw.strip()))


def env_list(name: str, default: object = _UNSET) -> list[str]:
    return _get(name, default, lambda raw: [item.strip() for item in raw.split(",") if item.strip()])
