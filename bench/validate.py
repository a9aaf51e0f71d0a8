"""Benchmark of the flow validator (editor.flowcore.validate).

Run:  .venv/bin/python bench/validate.py [--repeat N]

For flows of 1,000, 10,000 and 20,000 steps (valid; a mix of chains, menus that loop back, http
branches and connects, with run-time and contact variables) it prints, best of N runs each:

* validate time / json.loads time of the same payload's JSON text   (target <= 5)
* validate time / jsonschema time on the same payload               (target <= 0.5)
  (jsonschema: Draft 2020-12 validator, a straightforward schema: oneOf five step object schemas
  with required fields, types and patterns; the validator object is built once, outside the timing)
* time(20k) / time(10k) of validate                                 (target <= 2.2)

Ratios rather than seconds, so the figures mean something on any machine. Times are CPU time of
this process (the best of N runs, the compared runs taking turns), so that other work on a shared
machine does not blur them.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from typing import Any

import _harness  # noqa: F401 - first: it puts the repository on sys.path
from jsonschema import Draft202012Validator

from editor.flowcore import PHONE_NUMBER_PATTERN, validate

SIZES = (1_000, 10_000, 20_000)
ID = {"type": ["string", "integer"]}
REF = {"type": ["string", "integer", "null"]}
# The flow core's phone-number rule, or a {{template}}.
PHONE = {"type": "string", "pattern": "^(" + PHONE_NUMBER_PATTERN + r"|.*\{\{.+\}\}.*)$"}
URL = {"type": "string", "pattern": r"^https?://"}


def _step(kind: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"id": ID, "type": {"const": kind}, **properties},
        "required": ["id", "type", *required],
    }


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["cloud_id", "auth_token", "flow"],
    "properties": {
        "cloud_id": {"type": "string"},
        "auth_token": {"type": "string"},
        "record": {"type": "boolean"},
        "flow": {
            "type": "array",
            "minItems": 1,
            "items": {
                "oneOf": [
                    _step("call", {"number": PHONE, "caller_id": PHONE, "next_step": REF}, ["number", "caller_id"]),
                    _step(
                        "play",
                        {"text": {"type": "string", "minLength": 1}, "url": URL, "next_step": REF},
                        [],
                    )
                    | {"anyOf": [{"required": ["text"]}, {"required": ["url"]}]},
                    _step(
                        "digits",
                        {
                            "count": {"type": "integer", "minimum": 1},
                            "variable": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
                            "next_step": {
                                "type": "object",
                                "minProperties": 1,
                                "propertyNames": {"pattern": r"^[0-9*]$"},
                                "additionalProperties": REF,
                            },
                        },
                        ["count", "variable", "next_step"],
                    ),
                    _step(
                        "http",
                        {
                            "url": URL,
                            "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]},
                            "next_step": {
                                "type": "object",
                                "minProperties": 1,
                                "properties": {"success": REF, "fail": REF},
                                "additionalProperties": False,
                            },
                        },
                        ["url", "next_step"],
                    ),
                    _step("connect", {"number": PHONE, "caller_id": PHONE, "next_step": REF}, ["number", "caller_id"]),
                ]
            },
        },
    },
}

VARIABLES = ("account_id", "pin", "choice", "order_number", "zip_code", "plan", "amount", "date_of_birth")


def make_flow(size: int) -> dict[str, Any]:
    """A valid Samespace payload of exactly ``size`` steps.

    A call, then menu sections until the size is reached. Each section: a greeting chain of play
    steps, a menu prompt, a digits step (1: look the account up, 2: connect to an agent, anything
    else: "sorry" and back to the prompt), an http lookup using the digits (fail: apologise and end),
    and a confirmation reading the value back before the next section.
    """
    steps: list[dict[str, Any]] = [
        {
            "id": "0",
            "type": "call",
            "number": "{{contact.number}}",
            "caller_id": "+14155550100",
            "next_step": "1",
        }
    ]
    section = 0
    while len(steps) < size:
        base = len(steps)
        variable = VARIABLES[section % len(VARIABLES)]
        ids = [str(base + offset) for offset in range(10)]
        after = str(base + 10)
        section_steps = [
            {
                "id": ids[0],
                "type": "play",
                "text": f"Hello {{{{contact.first_name}}}}, this is part {section + 1} of your account review.",
                "next_step": ids[1],
            },
            {
                "id": ids[1],
                "type": "play",
                "url": f"https://media.example.com/prompts/section-{section % 50}.mp3",
                "next_step": ids[2],
            },
            {
                "id": ids[2],
                "type": "play",
                "text": "Press 1 to look up your account, press 2 to speak to an agent.",
                "next_step": ids[3],
            },
            {
                "id": ids[3],
                "type": "digits",
                "count": 1,
                "variable": f"menu_{section % 8}",
                "next_step": {"1": ids[5], "2": ids[4], "*": ids[9]},
            },
            {"id": ids[4], "type": "connect", "number": "5263", "caller_id": "+14155550100"},
            {"id": ids[5], "type": "digits", "count": 6, "variable": variable, "next_step": {"*": ids[6]}},
            {
                "id": ids[6],
                "type": "http",
                "url": f"https://crm.example.com/api/accounts/{{{{{variable}}}}}?campaign=spring",
                "method": "POST",
                "next_step": {"success": ids[8], "fail": ids[7]},
            },
            {
                "id": ids[7],
                "type": "play",
                "text": "Sorry, we could not find that account. Goodbye.",
            },
            {
                "id": ids[8],
                "type": "play",
                "text": f"Thank you. We found account {{{{{variable}}}}}.",
                "next_step": after,
            },
            {
                "id": ids[9],
                "type": "play",
                "text": "Sorry, I did not get that.",
                "next_step": ids[2],
            },
        ]
        room = size - base
        if room < len(section_steps):  # end with a short chain of play steps
            section_steps = [
                {"id": str(base + offset), "type": "play", "text": "Goodbye.", "next_step": str(base + offset + 1)}
                for offset in range(room)
            ]
            section_steps[-1].pop("next_step")
        steps.extend(section_steps)
        section += 1
    if "next_step" in steps[-1] and steps[-1]["next_step"] == str(size):
        del steps[-1]["next_step"]
    return {"cloud_id": "CLOUD_ID", "auth_token": "token", "record": False, "flow": steps}


def timed(run: Callable[[], object]) -> float:
    """CPU time of one run of ``run``, in seconds.

    CPU time of this process (``time.process_time``), not wall time: on a shared machine a busy
    neighbour stretches wall time at random, which would measure the neighbour, not the code.
    """
    gc.collect()
    started = time.process_time()
    run()
    return time.process_time() - started


def best_interleaved(repeat: int, *runs: Callable[[], object]) -> list[float]:
    """Best time of each run over ``repeat`` rounds, the runs taking turns within each round.

    Taking turns means a ratio compares times measured moments apart, so a noisy neighbour on a
    shared machine slows both sides rather than one.
    """
    best = [float("inf")] * len(runs)
    for _ in range(repeat):
        for index, run in enumerate(runs):
            best[index] = min(best[index], timed(run))
    return best


def measure(payload: dict[str, Any], schema: Draft202012Validator, repeat: int, schema_repeat: int) -> None:
    """Print the validate / json.loads and validate / jsonschema ratios for one flow."""
    size = len(payload["flow"])
    problems = validate(payload)
    assert problems == [], problems[:3]
    assert schema.is_valid(payload), next(iter(schema.iter_errors(payload)))
    text = json.dumps(payload)
    took, loads = best_interleaved(repeat, lambda: validate(payload), lambda: json.loads(text))
    (checked,) = best_interleaved(schema_repeat, lambda: schema.validate(payload))
    print(
        f"{size:>6} steps ({len(text) / 1e6:.1f} MB JSON): validate {took * 1e3:6.1f} ms | "
        f"json.loads {loads * 1e3:5.1f} ms, ratio {took / loads:4.2f} (target <= 5) | "
        f"jsonschema {checked * 1e3:7.0f} ms, ratio {took / checked:5.3f} (target <= 0.5)"
    )


def measure_scaling(small_flow: dict[str, Any], large_flow: dict[str, Any], repeat: int) -> None:
    """Print time(20k) / time(10k), with json.loads's own ratio on the same texts for reference.

    The runs take turns so that noise hits every size alike. json.loads is linear, so its ratio shows
    how much this machine's caches alone add when the data doubles.
    """
    small_text, large_text = json.dumps(small_flow), json.dumps(large_flow)
    small, large, small_loads, large_loads = best_interleaved(
        repeat,
        lambda: validate(small_flow),
        lambda: validate(large_flow),
        lambda: json.loads(small_text),
        lambda: json.loads(large_text),
    )
    print(
        f"scaling: validate 10k {small * 1e3:.1f} ms, 20k {large * 1e3:.1f} ms, "
        f"time(20k) / time(10k) = {large / small:.2f} (target <= 2.2); "
        f"json.loads on the same texts: {large_loads / small_loads:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15, help="rounds per measurement; the best one counts")
    args = parser.parse_args()
    schema = Draft202012Validator(SCHEMA)
    schema_repeat = max(1, args.repeat // 5)
    # All flows are built first, so each one lies in memory as a freshly loaded payload would,
    # rather than scattered among the leftovers of the jsonschema runs.
    payloads = {size: make_flow(size) for size in SIZES}
    python = sys.version.split()[0]
    print(f"validate benchmark, Python {python}: CPU time, best of {args.repeat} (jsonschema: best of {schema_repeat})")
    measure_scaling(payloads[10_000], payloads[20_000], 2 * args.repeat)
    for size in SIZES:
        assert len(payloads[size]["flow"]) == size
        measure(payloads[size], schema, args.repeat, schema_repeat)


if __name__ == "__main__":
    main()
