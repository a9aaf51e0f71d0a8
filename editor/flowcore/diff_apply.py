"""Using a diff from editor/flowcore/diff.py: apply it to its ``before``, or turn it around.

``apply_diff(before, diff)`` gives ``after`` back, except for the canvas positions of steps present on
both sides (a diff does not carry them, since moving a step is not a change). ``mirror_diff(diff)``
is the diff from ``after`` to ``before``. Unchanged values are shared with the inputs, not copied.
"""

from __future__ import annotations

from typing import Any

from .diff import RefRule, StepKey, parts, step_keys


def apply_fields(value: Any, changes: list[dict[str, Any]]) -> Any:
    """``value`` with field changes applied (a change of ``field`` None replaces the whole value)."""
    for change in changes:
        if change["field"] is None:
            return change["new"]
    if not changes:
        return value
    result = dict(value)
    for change in changes:
        field = change["field"]
        if "branch" in change:
            branches = dict(result[field])
            if "new" in change:
                branches[change["branch"]] = change["new"]
            else:
                del branches[change["branch"]]
            result[field] = branches
        elif "new" in change:
            result[field] = change["new"]
        else:
            del result[field]
    return result


def _key(entry: dict[str, Any]) -> StepKey:
    return (entry["id"], entry["nth"])


def apply_diff(before: Any, diff: dict[str, Any]) -> dict[str, Any]:
    """The document ``diff`` leads to from ``before`` (ValueError when ``before`` is not a flow)."""
    old = parts(before)
    removed = {_key(e) for e in diff["steps"] if e["change"] == "removed"}
    changed = {_key(e): e for e in diff["steps"] if e["change"] == "changed"}
    added = sorted((e for e in diff["steps"] if e["change"] == "added"), key=lambda e: e["position"])
    refs = RefRule({e["id"]: e["new_id"] for e in changed.values() if "new_id" in e})

    kept: list[tuple[StepKey, Any]] = []
    for key, step in zip(step_keys(old.steps), old.steps, strict=True):
        if key in removed:
            continue
        entry = changed.get(key)
        step = refs.follow(step)
        if entry is not None:
            step = apply_fields(step, entry["fields"])
            key = (entry.get("new_id", key[0]), key[1])
        kept.append((key, step))
    if diff["order"] is not None:
        rank = {(sid, nth): index for index, (sid, nth) in enumerate(diff["order"]["new"])}
        kept.sort(key=lambda item: rank[item[0]])

    steps: list[Any] = []
    waiting = iter(kept)
    for entry in added:  # each added step goes back to its index; the kept ones fill the gaps in order
        while len(steps) < entry["position"]:
            steps.append(next(waiting)[1])
        steps.append(entry["step"])
    steps.extend(step for _, step in waiting)

    layout = dict(old.layout)
    for entry in diff["layout"]:
        if entry["change"] == "removed":
            del layout[entry["id"]]
        elif entry["change"] == "added":
            layout[entry["id"]] = entry["entry"]
        else:
            value = layout.pop(entry["id"])
            layout[entry.get("new_id", entry["id"])] = apply_fields(value, entry["fields"])
    settings = apply_fields(old.settings, diff["settings"])
    return {"steps": steps, "layout": layout, "settings": settings}


def _mirror_fields(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    mirrored = []
    for change in changes:
        turned = {key: value for key, value in change.items() if key not in ("old", "new")}
        if "new" in change:
            turned["old"] = change["new"]
        if "old" in change:
            turned["new"] = change["old"]
        mirrored.append(turned)
    return mirrored


def _mirror_entry(entry: dict[str, Any]) -> dict[str, Any]:
    if entry["change"] != "changed":
        return {**entry, "change": "added" if entry["change"] == "removed" else "removed"}
    turned = {key: value for key, value in entry.items() if key not in ("id", "new_id", "fields")}
    turned["id"] = entry.get("new_id", entry["id"])
    if "new_id" in entry:
        turned["new_id"] = entry["id"]
    turned["fields"] = _mirror_fields(entry["fields"])
    return turned


def mirror_diff(diff: dict[str, Any]) -> dict[str, Any]:
    """The diff from ``after`` back to ``before`` (entries in the same order as in ``diff``)."""
    summary = dict(diff["summary"])
    summary["added"], summary["removed"] = summary["removed"], summary["added"]
    start, order = diff["start"], diff["order"]
    return {
        "steps": [_mirror_entry(entry) for entry in diff["steps"]],
        "layout": [_mirror_entry(entry) for entry in diff["layout"]],
        "settings": _mirror_fields(diff["settings"]),
        "start": None if start is None else {"old": start["new"], "new": start["old"]},
        "order": None if order is None else {"old": order["new"], "new": order["old"]},
        "summary": summary,
    }
