"""Scenarios in the flow core: comparing runs, coverage, generating paths and following renames."""

from __future__ import annotations

import pytest

from editor.flowcore.coverage import coverage
from editor.flowcore.interpret import InputError, Program
from editor.flowcore.paths import generate, other_input
from editor.flowcore.renames import detect_renames, rename_in_scenario
from editor.flowcore.scenario import check_scenario, first_difference, normalise_inputs, run_scenario, saved_inputs
from tests.flowcore.flows import call, connect, digits, http, load_fixture, play

MENU = [
    call("0", "1"),
    digits("1", {"1": "2", "2": "3", "*": "1"}, variable="choice"),
    http("2", {"success": "4", "fail": None}, url="https://x.test/{{choice}}"),
    play("3", None, text="Bye."),
    connect("4"),
]


def scenario(inputs: dict, **expectations: object) -> dict:
    return {"name": "s", "inputs": inputs, "expectations": expectations}


def test_it_passes_a_scenario_that_matches() -> None:
    result = check_scenario(
        MENU,
        scenario(
            {"digits": {"1": ["1"]}, "http": {"2": ["success"]}},
            steps=["0", "1", "2", "4"],
            ends_at="4",
            variables={"choice": "1"},
        ),
    )
    assert result["passed"] and result["difference"] is None
    assert result["run"]["ends_at"] == "4"


@pytest.mark.parametrize(
    ("inputs", "expectations", "difference"),
    [
        (
            {"digits": {"1": "2"}},
            {"steps": ["0", "1", "2"]},
            "Expected step 2 after step 1, but the run went to step 3.",
        ),
        ({"digits": {"1": "2"}}, {"steps": ["0", "1"]}, "Expected the call to end after step 1, but the run went on"),
        ({}, {"steps": ["0", "1", "3"]}, "the run waits for keys from the caller at step 1 and the test gives none"),
        ({"digits": {"1": "2"}}, {"ends_at": "4"}, "Expected the call to end at step 4, but the call ended at step 3."),
        ({"digits": {"1": "1"}, "http": {"2": "fail"}}, {"end_reason": "no_matching_branch"}, "ended at step 2"),
        ({"digits": {"1": "2"}}, {"variables": {"choice": "1"}}, 'Expected {{choice}} to be "1", but it is "2".'),
        ({"digits": {"1": "2"}}, {"variables": {"pin": "1"}}, 'Expected {{pin}} to be "1", but it was never set.'),
        ({"digits": {"1": "22"}}, {}, "This test cannot run: step 1 takes at most 1 keys"),
        ({"digits": {"1": "2"}}, {"steps": ["9"]}, "Expected step 9 at the start, but the run went to step 0."),
    ],
)
def test_it_reports_the_first_difference(inputs: dict, expectations: dict, difference: str) -> None:
    result = check_scenario(MENU, scenario(inputs, **expectations))
    assert not result["passed"]
    assert difference.lower() in result["difference"].lower(), result["difference"]


def test_it_checks_the_path_before_the_end_and_the_variables() -> None:
    run, _ = run_scenario(MENU, {"digits": {"1": ["2"]}})
    difference = first_difference({"steps": ["0", "1", "2"], "ends_at": "9", "variables": {"choice": "7"}}, run)
    assert difference is not None and difference.startswith("Expected step 2")


def test_it_refuses_inputs_of_the_wrong_shape() -> None:
    for raw in ([], {"digits": []}, {"keys": {}}, {"digits": {"1": [1]}}, {"http": {"2": ["maybe"]}}):
        with pytest.raises(InputError):
            normalise_inputs(raw)
    with pytest.raises(InputError, match="send"):
        normalise_inputs({"http": {"2": ["send"]}}, allow_send=False)
    assert normalise_inputs({"digits": {1: "5"}}) == {"digits": {"1": ["5"]}, "http": {}}


def test_it_keeps_only_outcomes_when_saving_recorded_answers() -> None:
    recorded = {"outcome": "fail", "status": 500, "error": None, "sent": True}
    assert saved_inputs({"digits": {"1": ["1"]}, "http": {"2": [recorded]}}) == {
        "digits": {"1": ["1"]},
        "http": {"2": ["fail"]},
    }


def test_it_reports_the_branches_no_scenario_takes() -> None:
    runs = []
    for name, inputs in (
        ("one", {"digits": {"1": ["1"]}, "http": {"2": ["success"]}}),
        ("two", {"digits": {"1": "2"}}),
    ):
        result = check_scenario(MENU, scenario(inputs))
        runs.append({"name": name, **result["run"]})
    found = coverage(MENU, runs)
    taken = {(b["step"], b["key"]): b["scenarios"] for b in found["branches"] if b["taken"]}
    assert taken == {("0", "next"): ["one", "two"], ("1", "1"): ["one"], ("1", "2"): ["two"], ("2", "success"): ["one"]}
    assert found["untaken"] == [{"step": "1", "key": "*", "to": "1"}, {"step": "2", "key": "fail", "to": None}]
    assert (found["total"], found["taken"]) == (6, 4)
    assert found["untested_steps"] == []
    assert coverage(MENU, [])["untested_steps"] == ["0", "1", "2", "3", "4"]


def test_it_generates_every_distinct_path_with_loops_bounded() -> None:
    found = generate(MENU)
    assert not found["truncated"]
    paths = [tuple(s["expectations"]["steps"]) for s in found["scenarios"]]
    assert len(paths) == len(set(paths))
    assert ("0", "1", "2", "4") in paths and ("0", "1", "2") in paths and ("0", "1", "3") in paths
    assert ("0", "1", "1", "3") in paths  # the * loop, walked once
    assert all(path.count("1") <= 2 for path in paths)
    # Every generated scenario passes, and together they cover every branch.
    runs = []
    for generated in found["scenarios"]:
        result = check_scenario(MENU, generated)
        assert result["passed"], (generated["name"], result["difference"])
        runs.append({"name": generated["name"], **result["run"]})
    assert coverage(MENU, runs)["untaken"] == []
    assert found["scenarios"][0]["name"].startswith("Path 1: ")


def test_it_generates_the_end_of_a_call_on_an_unmatched_key() -> None:
    found = generate([call("0", "1"), digits("1", {"1": "2"}), play("2")])
    ends = sorted((s["expectations"]["ends_at"], s["expectations"]["end_reason"]) for s in found["scenarios"])
    assert ends == [("1", "no_matching_branch"), ("2", "completed")]


def test_it_stops_generating_at_the_path_limit() -> None:
    steps = [call("0", "1")]
    for i in range(1, 12):  # 2**11 paths
        steps.append(http(str(i), {"success": str(i + 1), "fail": str(i + 1)}))
    steps.append(play("12"))
    found = generate(steps, max_paths=50)
    assert len(found["scenarios"]) == 50 and found["truncated"]


def test_it_picks_keys_that_match_no_branch() -> None:
    assert other_input(1, ["1", "2"]) == "0"
    assert other_input(1, list("0123456789")) == "#"
    assert other_input(4, ["1"]) == "1234"


def test_it_generates_one_path_for_the_samespace_example_per_outcome() -> None:
    found = generate(load_fixture("samespace_example_fixed.json"))
    assert [s["expectations"]["ends_at"] for s in found["scenarios"]] == ["3", "4"]
    assert found["scenarios"][0]["inputs"] == {"digits": {"2": ["1234"]}, "http": {"5": ["success"]}}


def test_it_detects_a_renamed_step_and_rewrites_scenarios() -> None:
    before = {"steps": [call("0", "1"), digits("1", {"*": "2"}), play("2")], "layout": {"2": {"x": 1, "y": 2}}}
    after = {"steps": [call("0", "1"), digits("1", {"*": "bye"}), play("bye")], "layout": {"bye": {"x": 1, "y": 2}}}
    renames = detect_renames(before, after)
    assert renames == {"2": "bye"}
    saved = scenario({"digits": {"1": ["5"]}}, steps=["0", "1", "2"], ends_at="2")
    changed = rename_in_scenario(saved, renames)
    assert changed == {
        "inputs": {"digits": {"1": ["5"]}},
        "expectations": {"steps": ["0", "1", "bye"], "ends_at": "bye"},
    }
    assert rename_in_scenario(scenario({}, steps=["0"]), renames) is None


def test_it_renames_input_keys_too() -> None:
    before = [call("0", "1"), digits("1", {"*": None})]
    after = [call("0", "ask"), digits("ask", {"*": None})]
    assert detect_renames(before, after) == {"1": "ask"}
    changed = rename_in_scenario(scenario({"digits": {"1": ["4"]}}), {"1": "ask"})
    assert changed is not None and changed["inputs"] == {"digits": {"ask": ["4"]}}


def test_it_does_not_guess_a_rename_when_a_step_was_replaced() -> None:
    spot = {"x": 1, "y": 2}
    before = {"steps": [call("0", None), play("1", None, text="Hello")], "layout": {"1": spot}}
    after = {
        "steps": [call("0", None), play("x"), play("2", None, text="Hello"), play("3", None, text="Hello")],
        "layout": {"2": spot, "3": spot},
    }
    assert detect_renames(before, after) == {}  # "2" and "3" are equally likely: leave them alone
    assert detect_renames([call("0", "1"), play("1")], [call("0", "1"), play("1")]) == {}
    assert detect_renames([call("0", "1"), play("1")], [call("0", "2"), digits("2", {"*": None})]) == {}


def test_it_detects_a_rename_with_an_edit_in_the_same_save() -> None:
    before = [call("0", "1"), play("1", "2", text="Hi"), play("2")]
    after = [call("0", "greet"), play("greet", "2", text="Hello there"), play("2")]
    assert detect_renames(before, after) == {"1": "greet"}  # same place, and step 0 now points at it


def test_it_prepares_a_program_once_for_many_runs() -> None:
    program = Program(MENU)
    for key in "12":
        run, _ = run_scenario(program, {"digits": {"1": [key]}})
        assert run.path[:2] == ["0", "1"]
