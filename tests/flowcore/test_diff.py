"""The flow diff on small flows a person would draw."""

from __future__ import annotations

import copy

from editor.flowcore.diff import diff_documents, summary_line
from tests.flowcore.flows import call, http, play


def flow() -> dict:
    return {
        "steps": [call("0", "5"), http("5", {"success": "10", "fail": "11"}), play("10"), play("11", text="Sorry.")],
        "layout": {"0": {"x": 0, "y": 0, "label": "Dial"}, "5": {"x": 0, "y": 100}, "10": {"x": 0, "y": 200}},
        "settings": {"record": False},
    }


def test_it_reports_a_connection_change_per_branch() -> None:
    before = flow()
    after = copy.deepcopy(before)
    after["steps"][1]["next_step"]["success"] = "11"
    diff = diff_documents(before, after)
    assert diff["steps"] == [
        {"change": "changed", "id": "5", "nth": 0,
         "fields": [{"field": "next_step", "branch": "success", "old": "10", "new": "11"}]},
    ]  # fmt: skip
    assert summary_line(diff) == "1 changed"


def test_it_lists_added_removed_and_changed_steps_with_their_fields() -> None:
    before = flow()
    after = copy.deepcopy(before)
    after["steps"][3]["text"] = "Goodbye."
    after["steps"].append(play("12", text="New"))
    after["steps"].append(play("13", text="Newer"))
    after["steps"].pop(2)
    after["steps"][1]["next_step"]["success"] = "12"
    diff = diff_documents(before, after)
    kinds = [(e["change"], e["id"]) for e in diff["steps"]]
    assert kinds == [("changed", "5"), ("changed", "11"), ("added", "12"), ("added", "13"), ("removed", "10")]
    assert diff["steps"][1]["fields"] == [{"field": "text", "old": "Sorry.", "new": "Goodbye."}]
    assert diff["summary"] == {"added": 2, "removed": 1, "changed": 2, "renamed": 0, "steps": 5}
    assert summary_line(diff) == "+2 steps, -1 step, 2 changed"


def test_moving_a_step_is_not_a_change_but_a_new_label_is() -> None:
    before = flow()
    after = copy.deepcopy(before)
    after["layout"]["5"] = {"x": 300, "y": 40}
    assert diff_documents(before, after)["layout"] == []
    after["layout"]["0"]["label"] = "Call the customer"
    diff = diff_documents(before, after)
    assert diff["layout"] == [
        {"change": "changed", "id": "0", "fields": [{"field": "label", "old": "Dial", "new": "Call the customer"}]}
    ]
    assert diff["summary"]["changed"] == 1 and diff["steps"] == []


def test_a_renamed_step_is_one_rename_not_a_removal_and_an_addition() -> None:
    before = flow()
    after = copy.deepcopy(before)
    after["steps"][2]["id"] = "thanks"
    after["steps"][1]["next_step"]["success"] = "thanks"
    after["layout"]["thanks"] = after["layout"].pop("10")
    diff = diff_documents(before, after)
    assert {"change": "changed", "id": "10", "nth": 0, "new_id": "thanks",
            "fields": [{"field": "id", "old": "10", "new": "thanks"}]} in diff["steps"]  # fmt: skip
    assert len(diff["steps"]) == 1  # step 5 going to "thanks" only followed the rename: not a change
    assert diff["layout"] == [{"change": "changed", "id": "10", "new_id": "thanks", "fields": []}]
    assert summary_line(diff) == "1 renamed"
    after["steps"][1]["next_step"]["fail"] = "thanks"  # a connection to the renamed step that is new
    diff = diff_documents(before, after)
    fail = {"field": "next_step", "branch": "fail", "old": "11", "new": "thanks"}
    assert {"change": "changed", "id": "5", "nth": 0, "fields": [fail]} in diff["steps"]
    assert summary_line(diff) == "1 changed, 1 renamed"


def test_a_renamed_step_whose_label_stays_behind_counts_as_changed_both_ways() -> None:
    """Step 0 is renamed to r2 and the steps after it are removed; its layout entry keeps the id "0"
    (no step holds it afterwards) and loses its label. Read either way, step 0/r2 is renamed and its
    label changed: the summaries mirror each other (found by the property test in
    tests/flowcore/test_diff_properties.py)."""
    body = {"text": False, "extra": {"b": "", "x": ""}}
    before = {"steps": [{**body, "id": "0", "next_step": True}, {"id": "1"}, {**body, "id": "2"}],
              "layout": {"0": {"x": 0, "y": 0, "label": "A"}}, "settings": {}}  # fmt: skip
    after = {"steps": [{**body, "id": "r2", "next_step": True}],
             "layout": {"0": {"x": 0, "y": 0, "label": ""}}, "settings": {}}  # fmt: skip
    there, back = diff_documents(before, after), diff_documents(after, before)
    assert there["summary"] == {"added": 0, "removed": 2, "changed": 1, "renamed": 1, "steps": 3}
    assert back["summary"] == {"added": 2, "removed": 0, "changed": 1, "renamed": 1, "steps": 3}
    assert summary_line(there) == "-2 steps, 1 changed, 1 renamed"


def test_it_tells_a_count_of_1_from_true_and_reports_a_new_start() -> None:
    before = flow()
    before["steps"].append({"id": "9", "type": "digits", "count": 1, "variable": "x", "next_step": {}})
    after = copy.deepcopy(before)
    after["steps"][4]["count"] = True
    after["steps"].insert(0, after["steps"].pop(3))
    diff = diff_documents(before, after)
    assert diff["steps"] == [
        {"change": "changed", "id": "9", "nth": 0, "fields": [{"field": "count", "old": 1, "new": True}]}
    ]
    assert diff["start"] == {"old": "0", "new": "11"}
    assert diff["order"] == {"old": [["0", 0], ["5", 0], ["10", 0], ["11", 0], ["9", 0]],
                             "new": [["11", 0], ["0", 0], ["5", 0], ["10", 0], ["9", 0]]}  # fmt: skip
    assert summary_line(diff) == "1 changed, new first step"


def test_settings_and_no_changes() -> None:
    before = flow()
    assert summary_line(diff_documents(before, before)) == "No changes"
    after = copy.deepcopy(before)
    after["settings"]["record"] = True
    diff = diff_documents(before, after)
    assert diff["settings"] == [{"field": "record", "old": False, "new": True}]
    assert summary_line(diff) == "settings changed"
