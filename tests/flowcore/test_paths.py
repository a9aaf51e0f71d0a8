"""Path-sensitive checks: variables set on every path, loops with and without a way out, long flows."""

from __future__ import annotations

import sys

from editor.flowcore import validate
from tests.flowcore.flows import call, chain, connect, digits, http, only, play, summary


def test_it_reports_a_variable_set_on_one_branch_only() -> None:
    steps = [
        call("0", "1"),
        digits("1", {"1": "2", "2": "3"}, variable="choice"),
        digits("2", {"*": "4"}, variable="account"),  # sets account
        play("3", "4"),  # does not
        http("4", {"success": None, "fail": None}, url="https://example.com/{{account}}"),
    ]
    assert summary(validate(steps)) == [("undefined_variable", "4", "url")]
    assert "without passing" in validate(steps)[0]["message"]


def test_it_accepts_a_variable_set_on_both_branches() -> None:
    steps = [
        call("0", "1"),
        digits("1", {"1": "2", "2": "3"}, variable="choice"),
        digits("2", {"*": "4"}, variable="account"),
        digits("3", {"*": "4"}, variable="account"),
        http("4", {"success": None, "fail": None}, url="https://example.com/{{account}}/{{choice}}"),
    ]
    assert validate(steps) == []


def test_it_treats_a_variable_as_unset_inside_the_digits_step_that_sets_it() -> None:
    steps = [call("0", "1"), digits("1", {"*": "2"}, variable="pin", prompt="Last time: {{pin}}"), play("2")]
    assert summary(validate(steps)) == [("undefined_variable", "1", "prompt")]


def test_it_makes_a_variable_available_after_its_digits_step() -> None:
    steps = [call("0", "1"), digits("1", {"*": "2"}, variable="pin"), play("2", text="You typed {{pin}}.")]
    assert validate(steps) == []


def test_it_requires_the_variable_on_the_path_that_skips_a_loop() -> None:
    # 1 -> 2 (sets x) -> 3 uses x; but 1 can also go straight to 3 on "2".
    steps = [
        call("0", "1"),
        digits("1", {"1": "2", "2": "3"}),
        digits("2", {"*": "3"}, variable="x"),
        play("3", None, text="{{x}}"),
    ]
    assert summary(validate(steps)) == [("undefined_variable", "3", "text")]


def test_it_sees_a_variable_set_before_a_loop_inside_the_loop() -> None:
    steps = [
        call("0", "1"),
        digits("1", {"*": "2"}, variable="x"),
        play("2", "3", text="You typed {{x}}. Press 1 to hear it again."),
        digits("3", {"1": "2"}, variable="again"),  # other keys end the call
    ]
    assert validate(steps) == []


def test_it_reports_a_variable_only_set_later_in_a_loop() -> None:
    # the first time round, 2 runs before 3 has set x
    steps = [
        call("0", "2"),
        play("2", "3", text="{{x}}"),
        digits("3", {"1": "2"}, variable="x"),
    ]
    assert summary(validate(steps)) == [("undefined_variable", "2", "text")]


def test_it_accepts_a_menu_that_loops_back_through_digits_with_a_way_out() -> None:
    steps = [
        call("0", "1"),
        play("1", "2", text="Press 1 for sales, 2 to hear this again."),
        digits("2", {"1": "3", "*": "1"}),  # any other key: hear the menu again
        connect("3"),  # ends the call after the connection
    ]
    assert validate(steps) == []


def test_it_reports_a_menu_loop_through_digits_with_no_way_out() -> None:
    steps = [
        call("0", "1"),
        play("1", "2"),
        digits("2", {"1": "1", "*": "1"}),  # every key goes back to the menu
    ]
    result = validate(steps)
    assert summary(result) == [("infinite_loop", "1", "next_step")]
    assert "Step 1 and step 2" in result[0]["message"]


def test_it_accepts_a_loop_left_through_an_http_branch() -> None:
    steps = [call("0", "1"), http("1", {"success": "2", "fail": "1"}), play("2")]
    assert validate(steps) == []


def test_it_counts_a_missing_http_branch_as_a_way_out() -> None:
    assert validate([call("0", "1"), http("1", {"fail": "1"})]) == []
    assert validate([call("0", "1"), http("1", {"fail": "1", "success": None})]) == []
    assert summary(validate([call("0", "1"), http("1", {"fail": "1", "success": "1"})])) == [
        ("infinite_loop", "1", "next_step")
    ]


def test_it_does_not_count_a_dangling_branch_as_a_way_out() -> None:
    result = validate([call("0", "1"), http("1", {"fail": "1", "success": "404"})])
    assert summary(result) == [("dangling_next_step", "1", "next_step.success"), ("infinite_loop", "1", "next_step")]


def test_it_reports_a_closed_cycle_exactly_once() -> None:
    steps = [call("0", "1")] + [play(str(i), str(i + 1 if i < 5 else 1)) for i in range(1, 6)]
    result = validate(steps)
    assert summary(result) == [("infinite_loop", "1", "next_step")]
    assert result[0]["message"].startswith("Step 1, step 2, step 3, step 4 and step 5 keep sending")
    longer = [call("0", "1")] + [play(str(i), str(i + 1 if i < 6 else 1)) for i in range(1, 7)]
    assert "step 4 and 2 other steps keep" in validate(longer)[0]["message"]


def test_it_reports_each_closed_cycle_but_not_the_steps_leading_into_it() -> None:
    steps = [
        call("0", "1"),
        digits("1", {"1": "2", "2": "4", "*": None}),
        play("2", "3"),
        play("3", "2"),  # closed: 2 <-> 3
        play("4", "5"),
        play("5", "6"),
        play("6", "5"),  # closed: 5 <-> 6, and 4 only leads into it
    ]
    assert summary(validate(steps)) == [("infinite_loop", "2", "next_step"), ("infinite_loop", "5", "next_step")]


def test_it_reports_a_loop_whose_only_exit_is_into_another_closed_loop_once() -> None:
    steps = [call("0", "1"), digits("1", {"1": "1", "*": "2"}), play("2", "2")]
    assert summary(validate(steps)) == [("infinite_loop", "2", "next_step")]


def test_it_ignores_loops_the_start_cannot_reach() -> None:
    steps = [call("0", None), play("1", "2"), play("2", "1")]
    assert summary(validate(steps)) == [("unreachable_step", "1", None), ("unreachable_step", "2", None)]


def test_it_reports_a_loop_back_to_the_start() -> None:
    assert summary(validate([call("0", "1"), play("1", "0")])) == [("infinite_loop", "0", "next_step")]


def test_it_checks_counts_by_type_not_by_value() -> None:
    for count in (True, 4.0, "4"):
        result = validate([call("0", "1"), digits("1", {"*": None}, count=count)])
        assert summary(result) == [("invalid_value", "1", "count")], count
    assert validate([call("0", "1"), digits("1", {"*": None}, count=4)]) == []


def test_it_validates_a_30000_step_chain_without_recursion() -> None:
    steps = chain(30_000)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # any recursion over the chain would fail at once
    try:
        result = validate(steps)
    finally:
        sys.setrecursionlimit(limit)
    assert result == []


def test_it_follows_a_variable_along_a_30000_step_chain() -> None:
    steps = chain(30_000, variable="account")
    assert steps[-1]["text"] == "{{account}}"
    assert validate(steps) == []
    del steps[1]["variable"]  # now nothing sets it
    steps[1]["variable"] = "other"
    assert summary(validate(steps)) == [("undefined_variable", "29999", "text")]


def test_it_validates_a_30000_step_loop_and_deep_nesting() -> None:
    steps = chain(30_000)
    steps[-1]["next_step"] = "1"
    assert summary(validate(steps)) == [("infinite_loop", "1", "next_step")]
    deep: object = "{{deep}}"
    for _ in range(20_000):
        deep = [deep]
    result = validate([call("0", None, extra=deep)])
    assert summary(result) == [("undefined_variable", "0", "extra" + ".0" * 20_000)]


def test_it_reports_unreachable_steps_in_a_long_flow() -> None:
    steps = chain(1000)
    steps[499]["next_step"] = None
    result = validate(steps)
    assert len(only(result, "unreachable_step")) == 500
