"""The interpreter: every block, every branch, the bounds, and step-by-step use."""

from __future__ import annotations

import itertools

import pytest

from editor.flowcore.interpret import FlowNotRunnable, HttpResult, InputError, Limits, Program, Run, render
from editor.flowcore.scenario import run_scenario
from tests.flowcore.flows import call, connect, digits, http, load_fixture, play


def kinds(run: Run) -> list[tuple[str | None, str]]:
    return [(event["step"], event["kind"]) for event in run.transcript]


def test_it_runs_the_samespace_example_to_the_success_branch() -> None:
    run = Run(load_fixture("samespace_example_fixed.json"))
    assert run.status == "waiting"
    assert run.waiting is not None and run.waiting["kind"] == "digits" and run.waiting["step"] == "2"
    assert run.waiting["count"] == 4 and run.waiting["variable"] == "account_id"
    run.provide_digits("1234")
    assert run.waiting is not None and run.waiting["kind"] == "http"
    assert run.waiting["request"] == {"method": "GET", "url": "https://subdomain.domain.com/api/test/1234"}
    run.provide_http("success")
    assert run.status == "ended"
    assert run.path == ["0", "1", "2", "5", "3"]
    assert run.end == {"step": "3", "reason": "completed", "message": "The call ends after step 3."}
    assert run.variables == {"account_id": "1234"}
    assert kinds(run) == [("0", "call"), ("1", "play"), ("2", "digits"), ("5", "http"), ("3", "connect"), ("3", "end")]


def test_it_takes_the_fail_branch_of_an_http_step() -> None:
    run = Run(load_fixture("samespace_example_fixed.json"))
    run.provide_digits("9999")
    run.provide_http("fail")
    assert run.path[-1] == "4" and run.ends_at == "4"
    event = run.transcript[3]
    assert event["request"]["url"].endswith("/9999")
    assert event["response"] == {"outcome": "fail", "status": None, "error": None, "sent": False}
    assert event["branch"] == "fail"


def test_it_records_what_each_event_says_and_a_variables_snapshot() -> None:
    doc = [
        call("0", "1"),
        play("1", "2", text="Welcome."),
        digits("2", {"*": "3"}, variable="pin", count=4),
        play("3", None, text="You typed {{pin}}."),
    ]
    run = Run(doc)
    run.provide_digits("42")
    said = [event.get("say") for event in run.transcript if event["kind"] == "play"]
    assert said == ["Welcome.", "You typed 42."]
    assert run.transcript[1]["variables"] == {}
    assert run.transcript[2]["entered"] == "42" and run.transcript[2]["variables"] == {"pin": "42"}
    assert [event["index"] for event in run.transcript] == list(range(len(run.transcript)))
    assert all(event["message"] for event in run.transcript)


def test_it_plays_a_recording_url_with_variables_filled_in() -> None:
    doc = [
        call("0", "1"),
        digits("1", {"*": "2"}, variable="lang"),
        play("2", text="", url="https://x.test/{{lang}}.mp3"),
    ]
    run = Run(doc)
    run.provide_digits("2")
    assert run.transcript[2]["url"] == "https://x.test/2.mp3"
    assert "say" not in run.transcript[2]


def test_it_follows_the_exact_key_before_the_wildcard() -> None:
    doc = [call("0", "1"), digits("1", {"1": "2", "2": "3", "*": "4"}), play("2"), play("3"), play("4")]
    for key, end in (("1", "2"), ("2", "3"), ("7", "4"), ("*", "4"), ("#", "4"), ("", "4")):
        run = Run(doc)
        run.provide_digits(key)
        assert run.ends_at == end, key
        assert run.transcript[1]["branch"] == ("*" if end == "4" else key)


def test_it_ends_the_call_when_no_key_matches_and_there_is_no_wildcard() -> None:
    doc = [call("0", "1"), digits("1", {"1": "2"}), play("2")]
    run = Run(doc)
    run.provide_digits("5")
    assert run.status == "ended"
    assert run.end is not None and run.end["reason"] == "no_matching_branch" and run.end["step"] == "1"
    assert run.variables == {"choice": "5"}
    assert run.edges == [("0", "next", "1")]  # no edge out of step 1


def test_it_accepts_fewer_keys_than_the_count_and_refuses_more() -> None:
    doc = [call("0", "1"), digits("1", {"*": "2"}, count=4), play("2")]
    run = Run(doc)
    with pytest.raises(InputError, match="at most 4 keys"):
        run.provide_digits("12345")
    with pytest.raises(InputError, match="0-9"):
        run.provide_digits("12a")
    assert run.status == "waiting"  # a refused input changes nothing
    run.provide_digits("12")
    assert run.variables == {"choice": "12"}


def test_it_refuses_the_wrong_kind_of_input() -> None:
    run = Run(load_fixture("samespace_example_fixed.json"))
    with pytest.raises(InputError, match="keys from the caller"):
        run.provide_http("success")
    run.provide_digits("1111")
    with pytest.raises(InputError, match="outcome of a request"):
        run.provide_digits("1")
    with pytest.raises(InputError):
        run.provide_http("maybe")
    run.provide_http("fail")
    with pytest.raises(InputError, match="ended"):
        run.provide_http("fail")


def test_it_ends_on_an_http_outcome_without_a_branch() -> None:
    for branches, outcome in (({"success": "2"}, "fail"), ({"success": "2", "fail": None}, "fail")):
        run = Run([call("0", "1"), http("1", branches), play("2")])
        run.provide_http(outcome)
        assert run.end is not None and run.end["reason"] == "completed" and run.end["step"] == "1"
        assert run.edges[-1] == ("1", "fail", None)


def test_it_uses_the_http_method_and_shows_a_really_sent_answer() -> None:
    run = Run([call("0", "1"), http("1", {"success": None, "fail": None}, method="POST")])
    assert run.waiting is not None and run.waiting["request"]["method"] == "POST"
    run.provide_http(HttpResult("fail", status=503, sent=True))
    event = run.transcript[1]
    assert event["response"]["status"] == 503 and event["response"]["sent"] is True
    assert "HTTP 503" in event["message"]


def test_it_connects_the_caller_and_goes_on_when_that_leg_ends() -> None:
    doc = [call("0", "1"), connect("1", "2"), play("2", text="Thanks for waiting.")]
    run = Run(doc)
    assert run.status == "ended"
    assert kinds(run) == [("0", "call"), ("1", "connect"), ("2", "play"), ("2", "end")]
    assert run.transcript[1]["number"] == "5263"
    assert "the flow goes on" in run.transcript[1]["message"]


def test_it_ends_after_a_connect_without_a_next_step() -> None:
    run = Run([call("0", "1"), connect("1")])
    assert run.end is not None and run.end["step"] == "1" and run.end["reason"] == "completed"
    assert "the call ends" in run.transcript[1]["message"]


def test_it_fills_contact_variables_only_when_a_contact_is_given() -> None:
    doc = [call("0", "1"), play("1", text="Hello {{contact.name}}, your code is {{ contact.code }}.")]
    assert Run(doc).transcript[0]["number"] == "{{contact.number}}"
    assert Run(doc).transcript[1]["say"] == "Hello {{contact.name}}, your code is {{ contact.code }}."
    run = Run(doc, contact={"number": "+15550100", "name": "Ada"})
    assert run.transcript[0]["number"] == "+15550100"
    assert run.transcript[1]["say"] == "Hello Ada, your code is ."


def test_it_fills_an_unset_variable_as_empty_and_says_so() -> None:
    run = Run([call("0", "1"), http("1", {"success": None}, url="https://x.test/{{account}}")])
    assert run.waiting is not None and run.waiting["request"]["url"] == "https://x.test/"
    assert "account" in run.waiting["message"]
    assert render("{{a}}-{{b}}", {"a": "1"}, None) == ("1-", ["b"])


def test_it_stops_a_loop_after_the_step_limit() -> None:
    run = Run([call("0", "1"), play("1", "2"), play("2", "1")], limits=Limits(max_steps=50))
    assert run.status == "ended"
    assert run.end is not None and run.end["reason"] == "step_limit"
    assert len(run.path) == 50


def test_it_stops_a_loop_after_the_time_limit() -> None:
    ticks = itertools.count()
    run = Run(
        [call("0", "1"), play("1", "1")], limits=Limits(max_steps=10**9, max_seconds=100), clock=lambda: next(ticks)
    )
    assert run.end is not None and run.end["reason"] == "time_limit"
    assert 0 < len(run.path) < 200


def test_it_counts_steps_across_inputs_so_an_input_loop_is_bounded_too() -> None:
    doc = [call("0", "1"), digits("1", {"*": "1"})]
    run = Run(doc, limits=Limits(max_steps=5))
    for _ in range(4):
        run.provide_digits("1")
    assert run.end is not None and run.end["reason"] == "step_limit"
    assert run.waiting is None


def test_it_counts_the_visits_of_a_step_it_waits_at() -> None:
    run = Run([call("0", "1"), digits("1", {"1": "1", "*": "2"}), play("2")])
    assert run.waiting is not None and run.waiting["visit"] == 0
    run.provide_digits("1")
    assert run.waiting is not None and run.waiting["visit"] == 1
    run.provide_digits("2")
    assert run.path == ["0", "1", "1", "2"]


@pytest.mark.parametrize(
    ("steps", "why"),
    [
        ([call("0", "1"), {"id": "1", "type": "fax"}], "not one FlowStudio knows"),
        ([call("0", "1"), {"id": "1", "type": "play"}], "neither text"),
        ([call("0", "1"), digits("1", {"*": "2"}, count="4"), play("2")], "digit count"),
        ([call("0", "1"), {"id": "1", "type": "digits", "count": 1, "next_step": {"*": "2"}}, play("2")], "variable"),
        ([call("0", "1"), digits("1", "2"), play("2")], "where to go"),
        ([call("0", "1"), {"id": "1", "type": "http", "next_step": {"success": None}}], "web address"),
        ([call("0", "1"), http("1", "2"), play("2")], "succeeds or fails"),
        ([call("0", "1"), play("1", {"x": "2"}), play("2")], "one next step"),
        ([call("0", "1"), {"id": "1", "type": "connect"}], "no number"),
    ],
)
def test_it_stops_at_a_step_that_cannot_run(steps: list, why: str) -> None:
    run = Run(steps)
    assert run.end is not None and run.end["reason"] == "broken_step" and run.end["step"] == "1"
    assert why in run.end["message"]


def test_it_stops_at_a_next_step_that_does_not_exist() -> None:
    run = Run([call("0", "9")])
    assert run.end is not None and run.end["reason"] == "missing_step" and run.end["step"] == "0"
    assert "step 9" in run.end["message"]


def test_it_names_steps_by_their_labels() -> None:
    doc = {"steps": [call("0", "1"), connect("1")], "layout": {"1": {"x": 0, "y": 0, "label": "Agent"}}}
    assert Run(doc).end == {"step": "1", "reason": "completed", "message": 'The call ends after step "Agent".'}


def test_it_compares_ids_as_strings_and_runs_the_first_of_duplicates() -> None:
    run = Run([call(0, 1), play(1, None, text="first"), play("1", None, text="second")])
    assert run.path == ["0", "1"]
    assert run.transcript[1]["say"] == "first"


def test_it_refuses_what_is_not_a_flow() -> None:
    for payload in ({"nothing": 1}, [], [{"type": "call"}], "text"):
        with pytest.raises(FlowNotRunnable):
            Program(payload)


def test_it_runs_a_flow_whose_start_is_not_a_call() -> None:
    run = Run([play("a", None, text="Hi")])
    assert run.path == ["a"] and run.end is not None and run.end["reason"] == "completed"


def test_it_runs_a_long_chain_without_recursion() -> None:
    steps = [call("0", "1")] + [play(str(i), str(i + 1) if i < 29_999 else None) for i in range(1, 30_000)]
    run = Run(steps)  # the default step limit grows with the flow
    assert run.status == "ended" and len(run.path) == 30_000
    looping = Run([call("0", "1"), play("1", "2"), play("2", "1")])
    assert looping.end is not None and looping.end["reason"] == "step_limit" and len(looping.path) == 1000


def test_it_runs_a_scenario_as_a_batch_and_stops_where_inputs_run_out() -> None:
    doc = load_fixture("samespace_example_fixed.json")
    run, used = run_scenario(doc, {"digits": {"2": "1234"}, "http": {"5": ["success"]}})
    assert run.ends_at == "3" and used == {"digits": {"2": ["1234"]}, "http": {"5": ["success"]}}
    run, _ = run_scenario(doc, {"digits": {"2": ["1234"]}})
    assert run.status == "waiting" and run.waiting is not None and run.waiting["step"] == "5"


def test_it_asks_the_http_callback_to_really_send_and_records_the_answer() -> None:
    asked: list[tuple[str, str]] = []

    def sender(method: str, url: str) -> HttpResult:
        asked.append((method, url))
        return HttpResult("success", status=204, sent=True)

    doc = load_fixture("samespace_example_fixed.json")
    run, used = run_scenario(doc, {"digits": {"2": ["4321"]}, "http": {"5": ["send"]}}, http=sender)
    assert asked == [("GET", "https://subdomain.domain.com/api/test/4321")]
    assert run.ends_at == "3"
    assert used["http"]["5"] == [{"outcome": "success", "status": 204, "error": None, "sent": True}]
    # Replaying the recorded answer does not send again.
    again, _ = run_scenario(doc, used, http=sender)
    assert len(asked) == 1 and again.ends_at == "3"


def test_it_fails_a_send_when_no_callback_is_given() -> None:
    run, used = run_scenario(
        load_fixture("samespace_example_fixed.json"), {"digits": {"2": ["1"]}, "http": {"5": "send"}}
    )
    assert run.ends_at == "4"
    assert used["http"]["5"][0]["error"]


def test_it_feeds_loop_visits_in_order() -> None:
    doc = [call("0", "1"), digits("1", {"9": "1", "1": "2"}), play("2")]
    run, _ = run_scenario(doc, {"digits": {"1": ["9", "9", "1"]}})
    assert run.path == ["0", "1", "1", "1", "2"]
