"""The block registry: what each step type needs and how its ``next_step`` is shaped.

Adding a block type is one new entry in ``BLOCKS``: the validator, the messages and the graph
checks read everything they need from its ``BlockSpec``.

Decisions where the Samespace description is silent (see also ``editor/flowcore/__init__.py``):

* HTTP methods must be written in capitals (``GET``, ``POST``…). HTTP methods are case-sensitive and
  Samespace's own example uses ``"GET"``; a lower-case method gets a message that names the fix.
* A digits ``next_step`` accepts the keys ``0``–``9`` and ``*`` ("any other input"). ``#`` is not
  accepted: Samespace documents no ``#`` key and ``*`` is already the wildcard, so a ``#`` branch would
  be a guess about their behaviour.
* An http ``next_step`` may leave out ``success`` or ``fail`` (or set it to null): the call then ends on
  that outcome, just as a step without ``next_step`` ends it.
* Numbers and caller ids must be text (``"5263"``, not ``5263``), as in every Samespace example.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from editor.flowcore.templates import CONTACT, PLACEHOLDER_PATTERN

# A check returns None when the value is fine, else the end of a sentence that starts
# 'Step 3 has the number "12X", which …' and explains what to write instead.
Check = Callable[[Any], "str | None"]

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_HTTP_METHOD_SET = frozenset(HTTP_METHODS)
_PHONE_RE = re.compile(r"\+?[0-9]{2,15}")
_PHONE_TEMPLATE_RE = re.compile(r"\+?[0-9]*(?:" + PLACEHOLDER_PATTERN + r"[0-9]*)+")
_IDENTIFIER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_URL_RE = re.compile(r"https?://[^\s/?#@]+(?:[/?#]\S*)?", re.IGNORECASE)
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


def check_phone(value: Any) -> str | None:
    if not isinstance(value, str):
        return f'is {kind_of(value)}, not text. Write the number as text, for example "+14155550100"'
    if _PHONE_RE.fullmatch(value) or _PHONE_TEMPLATE_RE.fullmatch(value):
        return None
    return (
        "is not a phone number. Use 2 to 15 digits, optionally with a + in front, "
        "or a contact field such as {{contact.number}}"
    )


def check_url(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"is {kind_of(value)}, not a web address. Write an address starting with https://"
    plain = _ANY_BRACES_RE.sub("x", value) if "{{" in value else value
    if _URL_RE.fullmatch(plain):
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
    if _IDENTIFIER_RE.fullmatch(value):
        return None
    return "is not a usable name. Use letters, digits and underscores only, starting with a letter, such as account_id"


def check_method(value: Any) -> str | None:
    if isinstance(value, str) and value in _HTTP_METHOD_SET:
        return None
    if isinstance(value, str) and value.upper() in _HTTP_METHOD_SET:
        return f'is not written in capitals. Write "{value.upper()}"'
    return "is not an HTTP method. Use one of " + ", ".join(HTTP_METHODS)


def check_text(value: Any) -> str | None:
    if isinstance(value, str):
        return None
    return f"is {kind_of(value)}, not text. Write the words to say"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a block."""

    name: str
    check: Check
    label: str  # noun used in messages: 'Step 3 has the <label> "12X", which …'
    missing: str  # 'Step 3 <missing>.' when a required field is absent or empty
    required: bool = False
    # Optional quick test for string values: a true result means the value is fine and ``check`` is
    # skipped (a compiled regex's fullmatch, say). It only saves time; ``check`` has the last word.
    accept: Callable[[str], object] | None = None


@dataclass(frozen=True, slots=True)
class NextStepSpec:
    """How a block's ``next_step`` is shaped.

    ``branches`` is None for a single next step (an id, or null to end the call). Otherwise
    ``next_step`` is an object from branch key to id. The call can end on some outcome unless one
    of the ``covering`` key sets is fully present with non-null targets (digits: ``*`` covers every
    key; http: ``success`` and ``fail`` together cover both outcomes).
    """

    branches: frozenset[str] | None = None
    covering: tuple[frozenset[str], ...] = ()
    required: bool = False
    missing: str = ""
    allowed_keys: str = ""  # plain-words list of the allowed keys, for messages
    describe: Callable[[str, Mapping[Any, Any]], str] | None = None  # "when the request succeeds"

    def phrase(self, key: str | None, branches: Any) -> str:
        """When this step takes the branch ``key`` (None: the single next step), in plain words."""
        if key is None or self.describe is None or not isinstance(branches, Mapping):
            return "next"
        return self.describe(key, branches)


@dataclass(frozen=True, slots=True)
class BlockSpec:
    """Everything the flow core knows about one step type."""

    type: str
    title: str  # shown to people: "Get digits"
    fields: tuple[FieldSpec, ...]
    next_step: NextStepSpec
    one_of: tuple[tuple[str, ...], ...] = ()  # at least one field of each group must be given
    one_of_missing: tuple[str, ...] = ()  # the message tail for each group in one_of
    sets_variable: str | None = None  # the field naming the run-time variable this step sets
    defaults: Mapping[str, Any] = field(default_factory=dict)  # documented defaults of optional fields
    # Derived, for the validator's hot loop: (name, accept, check, required, group bit, spec) per field,
    # where the group bit marks the field's one_of group; ``groups`` has the bits of all groups.
    checks: tuple[tuple[str, Callable[[str], object] | None, Check, bool, int, FieldSpec], ...] = field(
        init=False, repr=False, compare=False
    )
    groups: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        bits = {name: 1 << index for index, group in enumerate(self.one_of) for name in group}
        checks = tuple((f.name, f.accept, f.check, f.required, bits.get(f.name, 0), f) for f in self.fields)
        object.__setattr__(self, "checks", checks)
        object.__setattr__(self, "groups", (1 << len(self.one_of)) - 1)


def _digits_phrase(key: str, branches: Mapping[Any, Any]) -> str:
    if key == "*":
        only = all(str(other) == "*" for other in branches)
        return "after the caller types" if only else "when the caller types anything else"
    return f"when the caller presses {key}"


def _http_phrase(key: str, branches: Mapping[Any, Any]) -> str:
    return {"success": "when the request succeeds", "fail": "when the request fails"}.get(
        key, f'on the outcome "{key}"'
    )


SINGLE_NEXT_STEP = NextStepSpec()


def _phone(name: str, label: str, missing: str) -> FieldSpec:
    return FieldSpec(name, check_phone, label, missing, required=True, accept=_PHONE_RE.fullmatch)


BLOCKS: dict[str, BlockSpec] = {
    "call": BlockSpec(
        type="call",
        title="Call",
        fields=(
            _phone("number", "number", "needs the number to call"),
            _phone("caller_id", "caller ID", "needs a caller ID (the number the person being called will see)"),
        ),
        next_step=SINGLE_NEXT_STEP,
    ),
    "play": BlockSpec(
        type="play",
        title="Play",
        fields=(
            FieldSpec("text", check_text, "text", "needs some text to say", accept=str.strip),
            FieldSpec(
                "url", check_url, "recording address", "needs the address of a recording", accept=_URL_RE.fullmatch
            ),
        ),
        one_of=(("text", "url"),),
        one_of_missing=("needs either some text to say or the web address of a recording to play",),
        next_step=SINGLE_NEXT_STEP,
    ),
    "digits": BlockSpec(
        type="digits",
        title="Get digits",
        fields=(
            FieldSpec("count", check_count, "digit count", "needs to know how many digits to collect", True),
            FieldSpec(
                "variable",
                check_variable,
                "variable name",
                "needs a variable name to keep the digits in",
                True,
            ),
        ),
        next_step=NextStepSpec(
            branches=frozenset("0123456789*"),
            covering=(frozenset({"*"}),),
            required=True,
            missing="needs to know where to go after the caller types the digits",
            allowed_keys="the keys 0 to 9, or * for any other input",
            describe=_digits_phrase,
        ),
        sets_variable="variable",
    ),
    "http": BlockSpec(
        type="http",
        title="HTTP request",
        fields=(
            FieldSpec(
                "url",
                check_url,
                "web address",
                "needs the web address to send the request to",
                True,
                accept=_URL_RE.fullmatch,
            ),
            FieldSpec("method", check_method, "method", "needs a method", accept=_HTTP_METHOD_SET.__contains__),
        ),
        next_step=NextStepSpec(
            branches=frozenset({"success", "fail"}),
            covering=(frozenset({"success", "fail"}),),
            required=True,
            missing="needs to know where to go when the request succeeds or fails",
            allowed_keys='"success" and "fail"',
            describe=_http_phrase,
        ),
        defaults={"method": "GET"},
    ),
    "connect": BlockSpec(
        type="connect",
        title="Connect",
        fields=(
            _phone("number", "number", "needs the number to connect the caller to"),
            _phone("caller_id", "caller ID", "needs a caller ID (the number the connected person will see)"),
        ),
        next_step=SINGLE_NEXT_STEP,
    ),
}
