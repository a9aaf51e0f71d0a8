"""The flow core: pure Python, no Django. Block registry, parse, validate, export and templates.

Public API (the document and diagnostic shapes are in docs/api-contract.md)::

    BLOCKS                     registry of step types ("call", "play", "digits", "http", "connect")
    PHONE_NUMBER_RE            the one phone-number rule (2-15 digits, optional leading +), use fullmatch
    parse(payload)             -> ParseResult(document | None, diagnostics)
    validate(payload)          -> list of diagnostic dicts, sorted by step order, code, field
    is_valid(diagnostics)      -> True when there is no error (warnings allowed)
    export_payload(document, *, cloud_id="", auth_token="", record=None) -> Samespace payload
    render_contact_variables(document, contact) -> new flow with {{contact.x}} filled in
    contact_variables_used(document) -> {"x", ...}
    step_label(document, step_id) -> "Step 5" or 'step "Ask for account"'
    dialling(document)         -> Dialling(kind, number): what the Call step dials (dialling.py)
    dials_other(document, number, contact) -> what it dials instead of number, or None
    diff_documents(before, after) -> steps added, removed and changed between two documents (diff.py)
    summary_line(diff)         -> "+2 steps, 1 changed"

Decisions where the contract is silent:

* HTTP methods are accepted in capitals only ("GET"); "get" is an invalid_value whose message says
  to write "GET". Absent or null method means GET.
* Digits branch keys are "0"-"9" and "*" (any other input). "#" is rejected (invalid_value).
* An http step may leave out "success" or "fail", or set one to null: the call ends on that outcome.
  The same holds for any null branch. Such a step counts as a way out of a loop.
* A branch naming a missing step is not a way out (it is already a dangling_next_step error). A step
  of an unknown type, or whose next_step has the wrong shape, counts as a possible way out, so one
  mistake does not also produce a loop error.
* A reference to a missing step is reported (dangling_next_step) whatever the shape of next_step.
* An item of the step list that is not an object is an invalid_value with no field; an id that is
  neither text nor a whole number is an invalid_value on "id"; an absent or blank id is missing_id;
  an absent type is missing_field on "type".
* Numbers and caller ids must be text; a template such as "{{contact.number}}" or "+1{{contact.x}}"
  (digits, "+" and placeholders only) is accepted.
* Placeholders allow spaces inside the braces ("{{ x }}"); variable names are identifiers.
* ``render_contact_variables`` renders every string of every step except ids (id, next_step); a
  missing contact field becomes an empty string. It returns the same form it was given.
"""

from __future__ import annotations

from .blocks import BLOCKS, PHONE_NUMBER_PATTERN, PHONE_NUMBER_RE, BlockSpec, FieldSpec, NextStepSpec
from .diagnostics import CODES, Diagnostic, is_valid
from .dialling import (
    CONTACT_NUMBER,
    Dialling,
    campaign_refusal,
    campaign_stop_reason,
    dialling,
    dials_other,
    launch_refusal,
)
from .diff import diff_documents, summary_line
from .export import contact_variables_used, export_payload, render_contact_variables, step_label
from .parse import ParseResult, parse
from .validate import validate

__all__ = [
    "BLOCKS",
    "CODES",
    "CONTACT_NUMBER",
    "PHONE_NUMBER_PATTERN",
    "PHONE_NUMBER_RE",
    "BlockSpec",
    "Diagnostic",
    "Dialling",
    "FieldSpec",
    "NextStepSpec",
    "ParseResult",
    "campaign_refusal",
    "campaign_stop_reason",
    "contact_variables_used",
    "dialling",
    "dials_other",
    "diff_documents",
    "export_payload",
    "is_valid",
    "launch_refusal",
    "parse",
    "render_contact_variables",
    "step_label",
    "summary_line",
    "validate",
]
