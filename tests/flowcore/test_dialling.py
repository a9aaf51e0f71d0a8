"""What a flow's Call step dials (editor/flowcore/dialling.py): the one answer the launch service, the
campaigns, the pages, the simulator and the canvas (through the generated registry) share."""

from __future__ import annotations

import re

import pytest

from editor.flowcore import CONTACT_NUMBER, campaign_refusal, dialling, dials_other, launch_refusal
from editor.flowcore.interpret import Run
from editor.flowcore.registry_json import registry


def flow(number: object, caller_id: str = "+14155550100") -> dict:
    return {"steps": [{"id": "0", "type": "call", "number": number, "caller_id": caller_id, "next_step": "1"},
                      {"id": "1", "type": "play", "text": "Hello."}]}


@pytest.mark.parametrize(("number", "kind", "words"), [
    ("{{contact.number}}", "contact", "Calls the contact's number"),
    ("{{ contact.number }}", "contact", "Calls the contact's number"),
    ("917507161643", "fixed", "Calls 917507161643"),
    ("+14155550100", "fixed", "Calls +14155550100"),
    ("{{contact.mobile}}", "template", "Calls {{contact.mobile}}"),
    ("+1{{contact.number}}", "template", "Calls +1{{contact.number}}"),
    ("", "none", "Calls no number yet"),
    (5263, "none", "Calls no number yet"),
])
def test_it_tells_what_the_call_step_dials(number, kind, words) -> None:
    found = dialling(flow(number))
    assert (found.kind, found.words()) == (kind, words)
    assert found.calls_contact is (kind == "contact")


def test_it_reads_every_accepted_form_and_never_raises() -> None:
    steps = flow("917507161643")["steps"]
    for form in (steps, {"flow": steps, "cloud_id": "C"}, {"steps": steps}):
        assert dialling(form).number == "917507161643"
    for odd in (None, "text", [], {"flow": "x"}, [{"type": "play"}], [1, 2]):
        assert dialling(odd).kind == "none"


def test_a_launch_dials_the_number_given_only_when_the_call_step_says_so() -> None:
    assert dials_other(flow(CONTACT_NUMBER), "+15550100", {}) is None
    assert dials_other(flow("917507161643"), "917507161643", {}) is None
    assert dials_other(flow("917507161643"), "+15550100", {}) == "917507161643"
    # A template dials what it becomes with the contact's values.
    assert dials_other(flow("{{contact.mobile}}"), "+15550100", {"mobile": "+15550100"}) is None
    assert dials_other(flow("{{contact.mobile}}"), "+15550100", {"mobile": "+15550199"}) == "+15550199"
    assert dials_other(flow("+1{{contact.number}}"), "5550100", {}) == "+15550100"


def test_the_refusals_name_what_is_dialled_and_both_fixes() -> None:
    message = launch_refusal(flow("917507161643"), "+15550100", "917507161643")
    assert message == ("This flow's Call step dials 917507161643, not +15550100. Launch it with 917507161643, or put "
                       "{{contact.number}} in its Call step and publish again to call the number you give.")
    templated = launch_refusal(flow("{{contact.mobile}}"), "+15550100", "+15550199")
    assert templated.startswith("This flow's Call step dials {{contact.mobile}} (here +15550199), not +15550100.")
    assert campaign_refusal(flow(CONTACT_NUMBER)) is None
    assert campaign_refusal(flow("917507161643")) == (
        "This version's Call step dials 917507161643, not each contact's number. Open the flow, put "
        "{{contact.number}} in its Call step, publish, then choose the new version.")


def test_the_simulator_says_what_is_dialled() -> None:
    contact = Run(flow(CONTACT_NUMBER)).transcript[0]["message"]
    assert contact == "Calls the contact's number from +14155550100."
    given = Run(flow(CONTACT_NUMBER), contact={"number": "+15550100"}).transcript[0]["message"]
    assert given == "Calls the contact's number (+15550100) from +14155550100."
    fixed = Run(flow("917507161643")).transcript[0]["message"]
    assert fixed == ("Calls 917507161643 from +14155550100. This number is fixed in the Call step: every call of "
                     "this flow dials it.")


def test_the_canvas_gets_the_same_words_and_pattern() -> None:
    exported = registry()
    assert exported["dialling"] == {"contact_number": "{{contact.number}}",
                                    "calls_contact": "Calls the contact's number"}
    pattern = re.compile(exported["patterns"]["contact_number"])
    assert pattern.match("{{contact.number}}") and pattern.match("{{ contact.number }}")
    assert not pattern.match("{{contact.mobile}}") and not pattern.match("+1{{contact.number}}")
    call = next(block for block in exported["blocks"] if block["type"] == "call")
    assert call["new_step"] == {"number": "{{contact.number}}"}  # a new Call step calls the contact's number
