"""One minimal flow per diagnostic code: code, step, field and severity, and a plain-words message."""

from __future__ import annotations

import re
from typing import Any

import pytest

from editor.flowcore import CODES, is_valid, validate
from tests.flowcore.flows import call, connect, digits, http, only, play, summary

PLAIN_WORDS = re.compile(r"^[A-Z\"'{].*[.?]$", re.DOTALL)


def check_message(diagnostic: dict[str, Any]) -> None:
    message = diagnostic["message"]
    assert isinstance(message, str) and len(message) > 20
    assert PLAIN_WORDS.match(message), message
    for jargon in ("None", "True", "False", "dict", "NoneType", "Traceback", "'str'", "<"):
        assert jargon not in message, message


def single(diagnostics: list[dict[str, Any]], code: str) -> dict[str, Any]:
    found = only(diagnostics, code)
    assert len(found) == 1, diagnostics
    check_message(found[0])
    return found[0]


def test_it_reports_invalid_payload_for_things_that_are_not_flows() -> None:
    junk = (None, 5, "text", {"cloud_id": "x"}, {"flow": {"id": "0"}}, {"steps": "x"}, {"flow": [], "steps": []})
    for payload in junk:
        result = validate(payload)
        assert summary(result) == [("invalid_payload", None, None)], payload
        assert result[0]["severity"] == "error"
        check_message(result[0])


def test_it_reports_invalid_payload_for_a_bad_record_setting() -> None:
    assert summary(validate({"flow": [call("0", None)], "record": "yes"})) == [("invalid_payload", None, None)]
    assert summary(validate({"steps": [call("0", None)], "settings": {"record": 1}})) == [
        ("invalid_payload", None, None)
    ]
    assert summary(validate({"steps": [call("0", None)], "layout": []})) == [("invalid_payload", None, None)]


def test_it_reports_empty_flow() -> None:
    for payload in ([], {"flow": []}, {"steps": [], "layout": {}, "settings": {}}):
        result = validate(payload)
        assert summary(result) == [("empty_flow", None, None)]
        check_message(result[0])
        assert not is_valid(result)


def test_it_accepts_a_minimal_flow() -> None:
    assert validate([call("0", None)]) == []
    assert is_valid([])


def test_it_reports_missing_id() -> None:
    step = play(None, None)
    del step["id"]
    found = single(validate([call("0", None), step]), "missing_id")
    assert (found["step"], found["field"], found["severity"]) == (None, "id", "error")
    assert "2nd step (a Play message step)" in found["message"]
    blank = validate([call("0", None), step, play("", None), play(" ", None)])
    assert summary(blank) == [("missing_id", None, "id")] * 3  # and no unreachable warnings on top


def test_it_reports_an_unusable_id_as_invalid_value() -> None:
    result = validate([call("0", "1"), play(True, None), play(1.5, None)])
    assert summary(only(result, "invalid_value")) == [("invalid_value", None, "id")] * 2
    assert only(result, "dangling_next_step")  # "1" does not exist: True is not the id 1


def test_it_reports_duplicate_ids_comparing_them_as_strings() -> None:
    result = validate([call("0", 1), play(1, None), play("1", None)])
    found = single(result, "duplicate_id")
    assert (found["step"], found["field"], found["severity"]) == ("1", "id", "error")
    assert "2nd" in found["message"] and "3rd" in found["message"]
    assert len(result) == 1  # no unreachable warning on top of the duplicate


def test_it_reports_unknown_type() -> None:
    found = single(validate([call("0", "1"), {"id": "1", "type": "sms", "text": "hi"}]), "unknown_type")
    assert (found["step"], found["field"], found["severity"]) == ("1", "type", "error")
    hinted = single(validate([call("0", "1"), {"id": "1", "type": "Play", "text": "hi"}]), "unknown_type")
    assert 'Did you mean "play"?' in hinted["message"]
    assert summary(validate([call("0", "1"), {"id": "1", "type": 3}])) == [("unknown_type", "1", "type")]


def test_it_reports_a_missing_type_as_missing_field() -> None:
    assert summary(validate([call("0", "1"), {"id": "1", "text": "hi"}])) == [("missing_field", "1", "type")]


@pytest.mark.parametrize(
    ("step", "field"),
    [
        ({"id": "1", "type": "connect", "caller_id": "5263"}, "number"),
        ({"id": "1", "type": "connect", "number": "5263", "caller_id": ""}, "caller_id"),
        ({"id": "1", "type": "play"}, "text"),
        ({"id": "1", "type": "play", "text": "  ", "url": None}, "text"),
        ({"id": "1", "type": "digits", "variable": "x", "next_step": {"*": "9"}}, "count"),
        ({"id": "1", "type": "digits", "count": 2, "next_step": {"*": "9"}}, "variable"),
        ({"id": "1", "type": "digits", "count": 2, "variable": "x"}, "next_step"),
        ({"id": "1", "type": "digits", "count": 2, "variable": "x", "next_step": {}}, "next_step"),
        ({"id": "1", "type": "http", "next_step": {"success": "9"}}, "url"),
        ({"id": "1", "type": "http", "url": "https://example.com", "next_step": None}, "next_step"),
    ],
)
def test_it_reports_missing_field(step: dict[str, Any], field: str) -> None:
    result = validate([call("0", "1"), step, play("9", None)])
    found = single(result, "missing_field")
    assert (found["step"], found["field"], found["severity"]) == ("1", field, "error")


def test_it_reports_missing_fields_of_the_call_step() -> None:
    result = validate([{"id": "0", "type": "call"}])
    assert summary(result) == [("missing_field", "0", "caller_id"), ("missing_field", "0", "number")]


@pytest.mark.parametrize(
    ("step", "field"),
    [
        (digits("1", {"*": "9"}, count=True), "count"),
        (digits("1", {"*": "9"}, count=4.0), "count"),
        (digits("1", {"*": "9"}, count="4"), "count"),
        (digits("1", {"*": "9"}, count=0), "count"),
        (digits("1", {"*": "9"}, count=-2), "count"),
        (digits("1", {"*": "9"}, variable="account id"), "variable"),
        (digits("1", {"*": "9"}, variable="contact"), "variable"),
        (digits("1", {"*": "9"}, variable="1st"), "variable"),
        (digits("1", {"#": "9"}), "next_step.#"),
        (digits("1", {"12": "9"}), "next_step.12"),
        (digits("1", "9"), "next_step"),
        (digits("1", {"*": True}), "next_step.*"),
        (http("1", {"success": "9"}, url="ftp://example.com/x"), "url"),
        (http("1", {"success": "9"}, url="example.com/x"), "url"),
        (http("1", {"success": "9"}, url="https://exa mple.com"), "url"),
        (http("1", {"success": "9"}, method="get"), "method"),
        (http("1", {"success": "9"}, method="FETCH"), "method"),
        (http("1", {"success": "9", "maybe": "9"}), "next_step.maybe"),
        (play("1", "9", url="file:///etc/passwd"), "url"),
        (play("1", "9", text=5), "text"),
        (play("1", {"*": "9"}), "next_step"),
        (play("1", 1.5), "next_step"),
        (connect("1", "9", number="16468107XXX"), "number"),
        (connect("1", "9", caller_id="917507XXXXX"), "caller_id"),
        (connect("1", "9", number="1"), "number"),
        (connect("1", "9", number="+1234567890123456"), "number"),
        (connect("1", "9", number=14155550100), "number"),
        (connect("1", "9", number="tel:{{contact.number}}"), "number"),
        (connect("1", "9", number="١٢٣٤"), "number"),  # digits, but not 0-9
    ],
)
def test_it_reports_invalid_value(step: dict[str, Any], field: str) -> None:
    result = validate([call("0", "1"), step, play("9", None)])
    found = single(result, "invalid_value")
    assert (found["step"], found["field"], found["severity"]) == ("1", field, "error")


def test_it_accepts_good_values() -> None:
    steps = [
        call("0", "1", number="+14155550100", caller_id="5263"),
        connect("1", "2", number="{{contact.number}}", caller_id="+1{{ contact.area }}5550100"),
        play("2", "3", url="HTTPS://example.com/{{contact.id}}/hello.mp3"),
        http("3", {"success": "4", "fail": None}, url="http://example.com/x?q={{contact.id}}", method="OPTIONS"),
        digits("4", {"*": "5", "1": "5", "0": None}, count=12, variable="_x1"),
        play("5", None, text="{{_x1}}"),
    ]
    assert validate(steps) == []


def test_it_reports_a_non_object_step_as_invalid_value() -> None:
    result = validate([call("0", None), 7])
    found = single(result, "invalid_value")
    assert (found["step"], found["field"]) == (None, None)


def test_it_reports_bad_start() -> None:
    found = single(validate([play("0", "1"), call("1", None)]), "bad_start")
    assert (found["step"], found["field"], found["severity"]) == ("0", "type", "error")
    assert "a Play message step" in found["message"]
    assert only(validate(["junk", call("1", None)]), "bad_start")


def test_it_reports_dangling_next_step_with_the_branch_as_field() -> None:
    result = validate([call("0", "1"), http("1", {"success": "10", "fail": "2"}), play("2", "11")])
    assert summary(only(result, "dangling_next_step")) == [
        ("dangling_next_step", "1", "next_step.success"),
        ("dangling_next_step", "2", "next_step"),
    ]
    for found in result:
        check_message(found)
    assert result[0]["message"] == "Step 1 goes to step 10 when the request succeeds, but there is no step 10."


def test_it_reports_undefined_variable() -> None:
    result = validate([call("0", "1"), play("1", None, text="Your code is {{code}}.")])
    found = single(result, "undefined_variable")
    assert (found["step"], found["field"], found["severity"]) == ("1", "text", "error")
    assert "{{code}}" in found["message"]


def test_it_reports_a_bare_contact_placeholder_as_undefined() -> None:
    result = validate([call("0", "1"), play("1", None, text="Hi {{contact}}")])
    found = single(result, "undefined_variable")
    assert "{{contact.name}}" in found["message"]


def test_it_reports_undefined_variables_in_nested_unknown_fields() -> None:
    step = http("1", {"success": None}, headers={"X-Account": ["a", {"deep": "{{acct}}"}]})
    result = validate([call("0", "1"), step])
    assert summary(result) == [("undefined_variable", "1", "headers.X-Account.1.deep")]


def test_it_reports_infinite_loop() -> None:
    result = validate([call("0", "1"), play("1", "2"), play("2", "1")])
    found = single(result, "infinite_loop")
    assert (found["step"], found["severity"]) == ("1", "error")


def test_it_reports_a_self_loop_as_infinite_loop() -> None:
    found = single(validate([call("0", "1"), play("1", "1")]), "infinite_loop")
    assert found["step"] == "1"


def test_it_reports_unreachable_step_as_a_warning() -> None:
    result = validate([call("0", None), play("1", None)])
    assert summary(result) == [("unreachable_step", "1", None)]
    assert result[0]["severity"] == "warning"
    assert is_valid(result)
    check_message(result[0])


def test_it_names_steps_by_their_label() -> None:
    document = {
        "steps": [call("0", "1"), play("1", "2")],
        "layout": {"1": {"x": 0, "y": 0, "label": "Say hello"}},
        "settings": {"record": False},
    }
    result = validate(document)
    assert result[0]["message"] == 'Step "Say hello" goes to step 2 next, but there is no step 2.'


def test_it_only_uses_the_documented_codes() -> None:
    assert CODES == {
        "invalid_payload", "empty_flow", "missing_id", "duplicate_id", "unknown_type", "missing_field",
        "invalid_value", "bad_start", "dangling_next_step", "undefined_variable", "infinite_loop",
        "unreachable_step",
    }  # fmt: skip


def test_it_sorts_by_step_order_then_code_then_field() -> None:
    steps = [
        call("0", "1"),
        {"id": "1", "type": "connect", "number": "x", "caller_id": "y", "next_step": "9"},
        play("2", None),
    ]
    assert summary(validate(steps)) == [
        ("dangling_next_step", "1", "next_step"),
        ("invalid_value", "1", "caller_id"),
        ("invalid_value", "1", "number"),
        ("unreachable_step", "2", None),
    ]
