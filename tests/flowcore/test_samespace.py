"""The example payload from the Samespace API description, as documented, and a corrected copy."""

from __future__ import annotations

from editor.flowcore import is_valid, parse, validate
from tests.flowcore.flows import load_fixture, summary


def test_it_finds_exactly_the_four_problems_of_the_samespace_example() -> None:
    result = validate(load_fixture("samespace_example.json"))
    assert sorted(summary(result)) == sorted(
        [
            ("dangling_next_step", "5", "next_step.success"),
            ("unreachable_step", "3", None),
            ("invalid_value", "3", "number"),
            ("invalid_value", "4", "caller_id"),
        ]
    )
    by_code = {(d["code"], d["step"]): d for d in result}
    assert by_code[("unreachable_step", "3")]["severity"] == "warning"
    assert "16468107XXX" in by_code[("invalid_value", "3")]["message"]
    assert "917507XXXXX" in by_code[("invalid_value", "4")]["message"]
    assert by_code[("dangling_next_step", "5")]["message"] == (
        "Step 5 goes to step 10 when the request succeeds, but there is no step 10."
    )
    assert not is_valid(result)


def test_it_sorts_the_samespace_example_by_step_order() -> None:
    result = validate(load_fixture("samespace_example.json"))
    assert summary(result) == [
        ("dangling_next_step", "5", "next_step.success"),
        ("invalid_value", "3", "number"),
        ("unreachable_step", "3", None),
        ("invalid_value", "4", "caller_id"),
    ]


def test_it_gives_the_same_diagnostics_for_the_parsed_example() -> None:
    payload = load_fixture("samespace_example.json")
    document = parse(payload).document
    assert validate(document) == validate(payload)
    assert validate(payload["flow"]) == validate(payload)


def test_it_accepts_the_fixed_example() -> None:
    payload = load_fixture("samespace_example_fixed.json")
    assert validate(payload) == []
    assert validate(parse(payload).document) == []
