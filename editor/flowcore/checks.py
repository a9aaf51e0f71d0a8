"""The patterns and value checks behind the block registry (``blocks.py``).

Every rule about what a field may hold is written once, here: the validator uses the checks, the
canvas gets the patterns through the generated ``frontend/src/generated/registry.json``
(``registry_json.py``), and Django code imports the patterns (``PHONE_NUMBER_RE``) instead of
writing its own.

Patterns are plain strings without anchors, in the syntax Python and JavaScript share, so that the
canvas can build the same regular expressions from them; use them with ``fullmatch``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .templates import CONTACT, NAME_PATTERN, PLACEHOLDER_PATTERN

# 2 to 15 digits with an optional leading +: an E.164 number, or an extension such as 5263.
PHONE_NUMBER_PATTERN = r"\+?[0-9]{2,15}"
PHONE_NUMBER_RE = re.compile(PHONE_NUMBER_PATTERN)
# Digits, an optional leading + and at least one placeholder: "{{contact.number}}", "+1{{contact.x}}".
PHONE_TEMPLATE_PATTERN = r"\+?[0-9]*(?:" + PLACEHOLDER_PATTERN + r"[0-9]*)+"
# The name of a run-time variable (what a digits step stores its keys in).
VARIABLE_NAME_PATTERN = NAME_PATTERN
# A web address once its placeholders are replaced; compared case-insensitively.
URL_PATTERN = r"https?://[^\s/?#@]+(?:[/?#]\S*)?"
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
HTTP_METHOD_SET = frozenset(HTTP_METHODS)

_PHONE_TEMPLATE_RE = re.compile(PHONE_TEMPLATE_PATTERN)
_VARIABLE_NAME_RE = re.compile(VARIABLE_NAME_PATTERN)
URL_RE = re.compile(URL_PATTERN, re.IGNORECASE)
_ANY_BRACES_RE = re.compile(r"\{\{[^{}]*\}\}")


def show(value: Any, limit: int = 60) -> str:
    """A value as a person would type it: strings in quotes, ``true``/``false``/``null``, cut when long."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def kind_of(value: Any) -> str:
    """What kind of value this is, in plain words (shared by every message that names one)."""
    if isinstance(value, bool):
        return "a yes/no value"
    if value is None:
        return "empty"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return "an unexpected value"


# A check returns None when the value is fine, else the end of a sentence that starts
# 'Step 3 has the number "12X", which …' and explains what to write instead.


def check_phone(value: Any) -> str | None:
    if not isinstance(value, str):
        return f'is {kind_of(value)}, not text. Write the number as text, for example "+14155550100"'
    if PHONE_NUMBER_RE.fullmatch(value) or _PHONE_TEMPLATE_RE.fullmatch(value):
        return None
    return (
        "is not a phone number. Use 2 to 15 digits, optionally with a + in front, "
        "or a contact field such as {{contact.number}}"
    )


def check_url(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"is {kind_of(value)}, not a web address. Write an address starting with https://"
    plain = _ANY_BRACES_RE.sub("x", value) if "{{" in value else value
    if URL_RE.fullmatch(plain):
        return None
    return "is not a web address. Use a full address starting with https:// or http://, without spaces"


def check_count(value: Any) -> str | None:
    # bool is a subclass of int and 4.0 == 4: both are wrong here, so compare the exact type.
    if type(value) is int:
        return None if value > 0 else "is not a positive number. Use a whole number of 1 or more, such as 4"
    if isinstance(value, str):
        return "is text, not a number. Write it as a plain whole number, such as 4"
    return f"is {kind_of(value)}, not a whole number. Use a whole number of 1 or more, such as 4"


def check_variable(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"is {kind_of(value)}, not a name. Use a name such as account_id"
    if value == CONTACT:
        return "is reserved for contact fields ({{contact.…}}). Choose another name, such as account_id"
    if _VARIABLE_NAME_RE.fullmatch(value):
        return None
    return "is not a usable name. Use letters, digits and underscores only, starting with a letter, such as account_id"


def check_method(value: Any) -> str | None:
    if isinstance(value, str) and value in HTTP_METHOD_SET:
        return None
    if isinstance(value, str) and value.upper() in HTTP_METHOD_SET:
        return f'is not written in capitals. Write "{value.upper()}"'
    return "is not an HTTP method. Use one of " + ", ".join(HTTP_METHODS)


def check_text(value: Any) -> str | None:
    if isinstance(value, str):
        return None
    return f"is {kind_of(value)}, not text. Write the words to say"
