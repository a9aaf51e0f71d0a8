"""parse, export_payload, render_contact_variables, contact_variables_used and step_label."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from editor.flowcore import (
    BLOCKS,
    contact_variables_used,
    export_payload,
    parse,
    render_contact_variables,
    step_label,
    validate,
)
from tests.flowcore.flows import call, digits, http, load_fixture, play


def as_strings(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The steps with whole-number ids and next_step targets written as strings."""
    result = copy.deepcopy(steps)
    for step in result:
        if isinstance(step.get("id"), int):
            step["id"] = str(step["id"])
        target = step.get("next_step")
        if isinstance(target, int):
            step["next_step"] = str(target)
        elif isinstance(target, dict):
            step["next_step"] = {k: str(v) if isinstance(v, int) else v for k, v in target.items()}
    return result


STEPS = [
    call("0", 1, custom={"keep": [1, {"me": True}]}),
    play(1, 2, voice="alice"),
    digits(2, {"*": 5, "1": None}, variable="account_id", timeout=7),
    http(5, {"success": "6", "fail": 6}, url="https://crm.example.com/{{account_id}}", method="POST"),
    play("6", None, text="Bye {{contact.name}}."),
]


def forms() -> list[Any]:
    return [
        {"cloud_id": "C", "auth_token": "secret", "record": True, "flow": copy.deepcopy(STEPS)},
        copy.deepcopy(STEPS),
        {"steps": copy.deepcopy(STEPS), "layout": {"1": {"x": 1, "y": 2, "label": "Hi"}}, "settings": {"record": True}},
    ]


@pytest.mark.parametrize("form", [0, 1, 2])
def test_it_round_trips_every_form_through_parse_and_export(form: int) -> None:
    payload = forms()[form]
    before = copy.deepcopy(payload)
    document = parse(payload).document
    assert document is not None
    assert payload == before  # the input is not changed
    assert set(document) == {"steps", "layout", "settings"}
    assert document["steps"] == as_strings(STEPS)
    exported = export_payload(document, cloud_id="CLOUD", auth_token="token")
    assert exported["flow"] == as_strings(STEPS)
    assert exported["cloud_id"] == "CLOUD" and exported["auth_token"] == "token"
    assert exported["record"] is (form != 1)
    assert export_payload(payload)["flow"] == as_strings(STEPS)  # any form exports directly
    assert parse(exported).document["steps"] == document["steps"]  # type: ignore[index]
    assert validate(document) == validate(payload) == []


def test_it_drops_credentials_and_keeps_record_in_settings() -> None:
    document = parse({"cloud_id": "C", "auth_token": "secret", "record": True, "flow": []}).document
    assert document == {"steps": [], "layout": {}, "settings": {"record": True}}
    assert "secret" not in repr(document)
    assert parse([]).document == {"steps": [], "layout": {}, "settings": {"record": False}}


def test_it_keeps_layout_and_other_settings_of_a_document() -> None:
    document = {"steps": [call("0", None)], "layout": {"0": {"x": 5, "label": "Dial"}}, "settings": {"tz": "UTC"}}
    parsed = parse(document).document
    assert parsed == {"steps": [call("0", None)], "layout": {"0": {"x": 5, "label": "Dial"}},
                      "settings": {"tz": "UTC", "record": False}}  # fmt: skip
    parsed["layout"]["0"]["x"] = 99  # type: ignore[index]
    assert document["layout"]["0"]["x"] == 5  # nothing shared with the input


def test_it_exports_without_layout_and_with_the_record_override() -> None:
    document = parse({"steps": [call(0, None)], "layout": {"0": {"label": "Dial"}}, "settings": {"record": True}})
    exported = export_payload(document.document, record=False)
    assert exported == {"cloud_id": "", "auth_token": "", "record": False, "flow": [call("0", None)]}
    assert list(exported) == ["cloud_id", "auth_token", "record", "flow"]


def test_it_keeps_invalid_ids_as_they_are_so_validation_still_sees_them() -> None:
    steps = [call("0", 1), play(1, None), play("1", None), play(True, 1.5)]
    document = parse(steps).document
    assert document is not None
    assert [step["id"] for step in document["steps"]] == ["0", "1", "1", True]
    assert document["steps"][3]["next_step"] == 1.5
    assert validate(document) == validate(steps)


def test_it_reports_invalid_payload_from_parse_and_export() -> None:
    result = parse({"nope": 1})
    assert result.document is None
    assert [d["code"] for d in result.diagnostics] == ["invalid_payload"]
    document, diagnostics = parse([call("0", None)])  # unpacks like a tuple
    assert document is not None and diagnostics == []
    with pytest.raises(ValueError):
        export_payload("not a flow")


def test_it_renders_contact_variables_and_leaves_run_time_ones_alone() -> None:
    payload = load_fixture("samespace_example_fixed.json")
    payload["flow"][0]["number"] = "{{contact.number}}"
    payload["flow"][1]["text"] = "Hi {{ contact.name }}, {{contact.missing}}!"
    payload["flow"][3]["body"] = "{{contact.name}}:{{account_id}}"
    payload["flow"][1]["extra"] = {"nested": ["{{contact.name}}", 5, {"deeper": "{{contact.number}}"}]}
    before = copy.deepcopy(payload)
    rendered = render_contact_variables(payload, {"number": 14155550100, "name": "Ada", "unused": "x"})
    assert payload == before  # never mutated
    assert set(rendered) == set(payload)
    assert rendered["flow"][0]["number"] == "14155550100"
    assert rendered["flow"][1]["text"] == "Hi Ada, !"
    assert rendered["flow"][3]["body"] == "Ada:{{account_id}}"
    assert rendered["flow"][1]["extra"] == {"nested": ["Ada", 5, {"deeper": "14155550100"}]}
    assert rendered["flow"][3]["url"] == payload["flow"][3]["url"]  # {{account_id}} untouched
    assert validate(rendered) == []


def test_it_renders_every_form_and_never_ids() -> None:
    steps = [call("{{contact.x}}", "{{contact.x}}", number="5263", text="{{contact.x}}")]
    rendered = render_contact_variables(steps, {"x": "1"})
    assert rendered == [call("{{contact.x}}", "{{contact.x}}", number="5263", text="1")]
    document = {"steps": steps, "layout": {}, "settings": {"record": False}}
    assert render_contact_variables(document, {"x": None})["steps"][0]["text"] == ""
    with pytest.raises(ValueError):
        render_contact_variables({"flow": "x"}, {})


def test_it_lists_the_contact_variables_used() -> None:
    steps = [
        call("0", "1", number="{{contact.number}}"),
        play("1", None, text="Hi {{contact.first_name}} {{ contact.last_name }} {{run_time}}",
             extra=[{"a": "{{contact.deep}}"}]),
    ]  # fmt: skip
    expected = {"number", "first_name", "last_name", "deep"}
    assert contact_variables_used(steps) == expected
    assert contact_variables_used({"flow": steps}) == expected
    assert contact_variables_used({"steps": steps}) == expected
    assert contact_variables_used(load_fixture("samespace_example.json")) == set()


def test_it_names_steps_by_label_or_id() -> None:
    document = {"steps": [], "layout": {"2": {"label": "Ask for account"}, "3": {"label": "  "}}}
    assert step_label(document, "5") == "Step 5"
    assert step_label(document, 5) == "Step 5"
    assert step_label(document, "2") == 'step "Ask for account"'
    assert step_label(document, "2", capital=True) == 'Step "Ask for account"'
    assert step_label(document, "5", capital=False) == "step 5"
    assert step_label(document, "3") == "Step 3"  # a blank label does not count
    assert step_label([call("0", None)], "0") == "Step 0"


def test_it_has_a_registry_entry_for_each_block() -> None:
    assert set(BLOCKS) == {"call", "play", "digits", "http", "connect"}
    assert BLOCKS["digits"].sets_variable == "variable"
    assert BLOCKS["http"].defaults == {"method": "GET"}
