"""The block registry: what each step type needs and how its ``next_step`` is shaped.

This is the one place that says what a block is: its fields, which are required, its defaults, its
branch keys and the words people see (titles, help, examples). Adding a block type is one new entry
in ``BLOCKS``: the validator, the messages, the graph checks and the interpreter read everything they
need from its ``BlockSpec``, and the canvas reads it from ``frontend/src/generated/registry.json``,
which ``registry_json.py`` writes (``make frontend``).

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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# The value checks and patterns live in checks.py; the names below are imported from here too.
from .checks import (
    HTTP_METHOD_SET,
    HTTP_METHODS,
    PHONE_NUMBER_PATTERN,
    PHONE_NUMBER_RE,
    URL_RE,
    check_count,
    check_method,
    check_phone,
    check_text,
    check_url,
    check_variable,
    kind_of,
    show,
)

__all__ = [
    "BLOCKS",
    "HTTP_METHODS",
    "NEXT",
    "PHONE_NUMBER_PATTERN",
    "PHONE_NUMBER_RE",
    "BlockSpec",
    "Check",
    "FieldSpec",
    "NextStepSpec",
    "check_count",
    "check_method",
    "check_phone",
    "check_text",
    "check_url",
    "check_variable",
    "kind_of",
    "show",
]

# A check returns None when the value is fine, else the end of a sentence (see checks.py).
Check = Callable[[Any], "str | None"]

# The branch key of a plain next_step, as the canvas names that output of a step.
NEXT = "next"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a block: how it is checked, named in messages and shown in the editor."""

    name: str
    check: Check
    label: str  # noun used in messages: 'Step 3 has the <label> "12X", which …'
    missing: str  # 'Step 3 <missing>.' when a required field is absent or empty
    required: bool = False
    # Optional quick test for string values: a true result means the value is fine and ``check`` is
    # skipped (a compiled regex's fullmatch, say). It only saves time; ``check`` has the last word.
    accept: Callable[[str], object] | None = None
    # What the editor's inspector shows: the field's heading, a line of help and an example.
    title: str = ""
    help: str = ""
    placeholder: str = ""
    # The input the editor draws: text, textarea, phone, url, count, variable or method.
    input: str = "text"
    variables: bool = False  # the editor offers its {{variable}} picker on this field


@dataclass(frozen=True, slots=True)
class NextStepSpec:
    """How a block's ``next_step`` is shaped.

    ``keys`` is empty for a single next step (an id, or null to end the call). Otherwise
    ``next_step`` is an object from branch key to id, and ``branches`` is the set of ``keys``. The call
    can end on some outcome unless one of the ``covering`` key sets is fully present with non-null
    targets (digits: ``*`` covers every key; http: ``success`` and ``fail`` together cover both outcomes).
    """

    keys: tuple[str, ...] = ()  # the branch keys, in the order the editor draws them
    covering: tuple[frozenset[str], ...] = ()
    required: bool = False
    missing: str = ""
    allowed_keys: str = ""  # plain-words list of the allowed keys, for messages
    describe: Callable[[str, Mapping[Any, Any]], str] | None = None  # "when the request succeeds"
    # The editor: the outputs every step of this type shows; with ``adds_keys`` another output
    # appears for each further key the step uses (digits: "*" always, "1" once a branch for 1 exists).
    drawn: tuple[str, ...] = (NEXT,)
    adds_keys: bool = False
    titles: Mapping[str, str] = field(default_factory=dict)  # each output's title on the canvas
    key_title: str = ""  # the title of an output without one in ``titles``; "{key}" is the key
    # The short words written on each output and its connection ("any other key", "if it works");
    # an output without one in ``labels`` shows ``key_label`` with "{key}" replaced by the key.
    labels: Mapping[str, str] = field(default_factory=dict)
    key_label: str = "{key}"
    branches: frozenset[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "branches", frozenset(self.keys) if self.keys else None)

    def phrase(self, key: str | None, branches: Any) -> str:
        """When this step takes the branch ``key`` (None: the single next step), in plain words."""
        if key is None or self.describe is None or not isinstance(branches, Mapping):
            return "next"
        return self.describe(key, branches)


@dataclass(frozen=True, slots=True)
class BlockSpec:
    """Everything the flow core and the editor know about one step type."""

    type: str
    title: str  # shown to people: "Collect keypresses"
    fields: tuple[FieldSpec, ...]
    next_step: NextStepSpec
    one_of: tuple[tuple[str, ...], ...] = ()  # at least one field of each group must be given
    one_of_missing: tuple[str, ...] = ()  # the message tail for each group in one_of
    sets_variable: str | None = None  # the field naming the run-time variable this step sets
    defaults: Mapping[str, Any] = field(default_factory=dict)  # documented defaults of optional fields
    blurb: str = ""  # one line in the editor's palette
    icon: str = ""  # one character on the palette and the node
    starter: Mapping[str, Any] = field(default_factory=dict)  # values a new step gets, beyond defaults
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


HTTP_BRANCH_TITLES = {"success": "When the request succeeds", "fail": "When the request fails"}


def _http_phrase(key: str, branches: Mapping[Any, Any]) -> str:
    title = HTTP_BRANCH_TITLES.get(key)
    return title[0].lower() + title[1:] if title else f'on the outcome "{key}"'


SINGLE_NEXT_STEP = NextStepSpec(titles={NEXT: "Next step"}, labels={NEXT: "next"})


def _phone(name: str, label: str, missing: str, *, title: str, help: str, placeholder: str) -> FieldSpec:
    return FieldSpec(
        name,
        check_phone,
        label,
        missing,
        required=True,
        accept=PHONE_NUMBER_RE.fullmatch,
        title=title,
        help=help,
        placeholder=placeholder,
        input="phone",
        variables=True,
    )


def _caller_id(missing: str) -> FieldSpec:
    return _phone(
        "caller_id",
        "caller ID",
        missing,
        title="Caller ID",
        help="The number the person sees on their phone.",
        placeholder="+14155550100",
    )


BLOCKS: dict[str, BlockSpec] = {
    "call": BlockSpec(
        type="call",
        title="Call",
        blurb="Dial a number. Every flow starts with one.",
        icon="☎",
        fields=(
            _phone(
                "number",
                "number",
                "needs the number to call",
                title="Number to call",
                help="{{contact.number}} calls the number each call is given (a test call, a campaign's contacts). "
                "A fixed number (digits, optional + in front) is called every time.",
                placeholder="{{contact.number}}",
            ),
            _caller_id("needs a caller ID (the number the person being called will see)"),
        ),
        next_step=SINGLE_NEXT_STEP,
        starter={"number": "{{contact.number}}"},
    ),
    "play": BlockSpec(
        type="play",
        title="Play message",
        blurb="Say a text aloud, or play an audio file.",
        icon="♪",
        fields=(
            FieldSpec(
                "text",
                check_text,
                "text",
                "needs some text to say",
                accept=str.strip,
                title="What to say",
                help="Read aloud to the person. You can use variables such as {{contact.name}}.",
                placeholder="Hi, this is a reminder about your appointment tomorrow.",
                input="textarea",
                variables=True,
            ),
            FieldSpec(
                "url",
                check_url,
                "recording address",
                "needs the address of a recording",
                accept=URL_RE.fullmatch,
                title="…or an audio file",
                help="The web address of a recording (https://…). Leave empty to use the text above.",
                placeholder="https://example.com/greeting.mp3",
                input="url",
                variables=True,
            ),
        ),
        one_of=(("text", "url"),),
        one_of_missing=("needs either some text to say or the web address of a recording to play",),
        next_step=SINGLE_NEXT_STEP,
    ),
    "digits": BlockSpec(
        type="digits",
        title="Collect keypresses",
        blurb="Wait for keys on the phone's keypad.",
        icon="#",
        fields=(
            FieldSpec(
                "count",
                check_count,
                "digit count",
                "needs to know how many digits to collect",
                True,
                title="How many keys",
                help="The call moves on once this many keys are pressed.",
                placeholder="1",
                input="count",
            ),
            FieldSpec(
                "variable",
                check_variable,
                "variable name",
                "needs a variable name to keep the digits in",
                True,
                title="Save the keys as",
                help="A name such as account_id (letters, digits, _). Later steps can use {{account_id}}.",
                placeholder="choice",
                input="variable",
            ),
        ),
        next_step=NextStepSpec(
            keys=("*", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0"),
            covering=(frozenset({"*"}),),
            required=True,
            missing="needs to know where to go after the caller types the digits",
            allowed_keys="the keys 0 to 9, or * for any other input",
            describe=_digits_phrase,
            drawn=("*",),
            adds_keys=True,
            titles={"*": "Any other key (or no key)"},
            key_title="When they press {key}",
            labels={"*": "any other key"},
        ),
        sets_variable="variable",
    ),
    "http": BlockSpec(
        type="http",
        title="Web request",
        blurb="Call your system, then branch on success or failure.",
        icon="⇄",
        fields=(
            FieldSpec(
                "url",
                check_url,
                "web address",
                "needs the web address to send the request to",
                True,
                accept=URL_RE.fullmatch,
                title="Web address",
                help="Starts with https://. Variables are filled in during the call.",
                placeholder="https://example.com/api/orders/{{account_id}}",
                input="url",
                variables=True,
            ),
            FieldSpec(
                "method",
                check_method,
                "method",
                "needs a method",
                accept=HTTP_METHOD_SET.__contains__,
                title="Method",
                help="GET reads data; POST sends it. Ask whoever built the address if unsure.",
                input="method",
            ),
        ),
        next_step=NextStepSpec(
            keys=("success", "fail"),
            covering=(frozenset({"success", "fail"}),),
            required=True,
            missing="needs to know where to go when the request succeeds or fails",
            allowed_keys='"success" and "fail"',
            describe=_http_phrase,
            drawn=("success", "fail"),
            titles=HTTP_BRANCH_TITLES,
            labels={"success": "if it works", "fail": "if it fails"},
        ),
        defaults={"method": "GET"},
    ),
    "connect": BlockSpec(
        type="connect",
        title="Connect",
        blurb="Transfer the person to another number.",
        icon="↪",
        fields=(
            _phone(
                "number",
                "number",
                "needs the number to connect the caller to",
                title="Transfer to",
                help="The number or extension to connect the call to.",
                placeholder="+14155550123",
            ),
            _caller_id("needs a caller ID (the number the connected person will see)"),
        ),
        next_step=SINGLE_NEXT_STEP,
    ),
}
