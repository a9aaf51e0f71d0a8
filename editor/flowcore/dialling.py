"""What a flow's Call step dials, said once for every screen and check that needs it.

The first step of a flow is its Call step, and its ``number`` is one of:

* ``{{contact.number}}``: a launch dials the number it is given, a campaign each contact's number;
* a fixed phone number (``917507161643``): every call of the flow dials that number. A launch
  given another number is refused (``editor/calls/services/calls.py``), and campaigns take no such
  version (``editor/campaigns/services/campaigns.py``): every contact would get a call to one phone;
* another template (``{{contact.mobile}}``, ``+1{{contact.local}}``): it dials what the template
  becomes with the launch's contact values, so a launch given another number is refused too.

So nothing is dialled that the person did not see: the canvas, the test-call dialog, the launch page
and the simulator show the same words (``CALLS_CONTACT`` and the pattern reach the canvas through
``registry_json.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from .checks import PHONE_NUMBER_RE
from .parse import Extracted, extract
from .templates import render_contact_text

CONTACT_NUMBER = "{{contact.number}}"
# Spaces just inside the braces are tolerated, as for every placeholder (templates.py).
CONTACT_NUMBER_PATTERN = r"\{\{\s*contact\.number\s*\}\}"
CONTACT_NUMBER_RE = re.compile(CONTACT_NUMBER_PATTERN)
CALLS_CONTACT = "Calls the contact's number"

Kind = Literal["contact", "fixed", "template", "none"]


class Dialling(NamedTuple):
    """What the Call step dials: its ``kind`` and its ``number`` as written ("" when it has none)."""

    kind: Kind
    number: str

    @property
    def calls_contact(self) -> bool:
        return self.kind == "contact"

    def words(self) -> str:
        """One line for people: "Calls the contact's number", "Calls 917507161643"."""
        if self.kind == "contact":
            return CALLS_CONTACT
        if self.kind == "none":
            return "Calls no number yet"
        return f"Calls {self.number}"

    def dialled(self, contact: Mapping[str, Any]) -> str:
        """The number this step dials for a launch with these contact values (``number`` included)."""
        if self.kind == "contact":
            value = contact.get("number")
            return "" if value is None else str(value)
        if self.kind == "template":
            return render_contact_text(self.number, contact)
        return self.number


def dialling(document: Any) -> Dialling:
    """What the Call step (the first step) of ``document`` dials; any accepted form of a flow."""
    found = extract(document)
    steps = found.steps if isinstance(found, Extracted) else []
    first = steps[0] if steps else None
    number = first.get("number") if isinstance(first, dict) and first.get("type") == "call" else None
    if not isinstance(number, str) or not number.strip():
        return Dialling("none", "")
    if CONTACT_NUMBER_RE.fullmatch(number):
        return Dialling("contact", number)
    if PHONE_NUMBER_RE.fullmatch(number):
        return Dialling("fixed", number)
    return Dialling("template", number)


def call_words(written: str, dialled: str, caller_id: str) -> str:
    """What the simulator says of a Call step whose number is ``written`` (``dialled`` once filled in)."""
    source = f" from {caller_id}" if caller_id else ""
    if CONTACT_NUMBER_RE.fullmatch(written):
        shown = "" if dialled == written else f" ({dialled})"
        return f"{CALLS_CONTACT}{shown}{source}."
    if PHONE_NUMBER_RE.fullmatch(written):
        return f"Calls {written}{source}. This number is fixed in the Call step: every call of this flow dials it."
    return f"Calls {dialled}{source}."


def dials_other(document: Any, number: str, contact: Mapping[str, Any]) -> str | None:
    """What the Call step dials instead of ``number`` for a launch with ``contact``, or None when it
    dials ``number`` itself."""
    dialled = dialling(document).dialled({**contact, "number": number})
    return None if dialled == number else dialled


def launch_refusal(document: Any, number: str, dialled: str) -> str:
    """Why a launch with ``number`` is refused when the Call step dials ``dialled``, and the two fixes."""
    written = dialling(document).number
    shown = dialled if dialled == written else f"{written} (here {dialled or 'empty'})"
    return (
        f"This flow's Call step dials {shown}, not {number}. Launch it with {dialled or 'that number'}, or put "
        f"{CONTACT_NUMBER} in its Call step and publish again to call the number you give."
    )


def _dials_what(found: Dialling) -> str:
    return "dials no number" if found.kind == "none" else f"dials {found.number}"


def campaign_refusal(document: Any) -> str | None:
    """Why a campaign cannot call this version (None: it can), with how to fix it."""
    found = dialling(document)
    if found.calls_contact:
        return None
    return (
        f"This version's Call step {_dials_what(found)}, not each contact's number. Open the flow, put "
        f"{CONTACT_NUMBER} in its Call step, publish, then choose the new version."
    )


def campaign_stop_reason(document: Any) -> str | None:
    """Why a campaign already started (made before campaigns refused such versions) may not call with
    this version (None: it may), with how to fix it: a started campaign keeps its version, so the fix is
    a new campaign."""
    found = dialling(document)
    if found.calls_contact:
        return None
    return (
        f"The Call step of this campaign's flow version {_dials_what(found)}, not each contact's number. Put "
        f"{CONTACT_NUMBER} in the flow's Call step and publish it, then make a new campaign with that version "
        "(a started campaign keeps its version)."
    )
