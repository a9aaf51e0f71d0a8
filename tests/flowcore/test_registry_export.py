"""The canvas's copy of the block registry is generated, committed, and never stale."""

from __future__ import annotations

import json
import re
from pathlib import Path

from editor.flowcore.blocks import BLOCKS
from editor.flowcore.checks import check_phone, check_variable
from editor.flowcore.registry_json import registry, render

GENERATED = Path(__file__).resolve().parents[2] / "frontend" / "src" / "generated" / "registry.json"
REGENERATE = "python -m editor.flowcore.registry_json > frontend/src/generated/registry.json"


def test_it_has_committed_the_registry_the_generator_writes_now() -> None:
    assert GENERATED.exists(), f"{GENERATED} is missing: run `{REGENERATE}`"
    assert GENERATED.read_text(encoding="utf-8") == render(), (
        f"frontend/src/generated/registry.json is stale: run `{REGENERATE}` (or `make frontend`) and commit it"
    )


def test_it_exports_every_block_with_its_fields_and_branches() -> None:
    exported = {block["type"]: block for block in registry()["blocks"]}
    assert list(exported) == list(BLOCKS)
    for kind, spec in BLOCKS.items():
        block = exported[kind]
        assert block["title"] == spec.title and block["blurb"] and block["icon"]
        assert [f["name"] for f in block["fields"]] == [f.name for f in spec.fields]
        assert all(f["title"] and f["help"] for f in block["fields"])
        assert set(block["next_step"]["keys"]) == (spec.next_step.branches or set())
        for key in block["next_step"]["drawn"]:
            assert key in block["next_step"]["titles"]
    assert exported["http"]["defaults"] == {"method": "GET"}
    assert exported["http"]["new_step"] == {"method": "GET"}
    assert exported["digits"]["title"] == "Collect keypresses"


def test_it_names_every_drawn_output_in_words() -> None:
    """The canvas writes these on the outputs and connections (never a bare `*`)."""
    exported = {block["type"]: block["next_step"] for block in registry()["blocks"]}
    assert exported["digits"]["labels"] == {"*": "any other key"}
    assert exported["digits"]["key_label"].replace("{key}", "1") == "1"
    assert exported["http"]["labels"] == {"success": "if it works", "fail": "if it fails"}
    for shape in exported.values():
        assert all(shape["labels"].get(key) for key in shape["drawn"])


def test_its_patterns_agree_with_the_checks() -> None:
    patterns = registry()["patterns"]
    phone = re.compile(patterns["phone_number"])
    for value in ("5263", "+14155550100", "1", "+", "12X", "+1234567890123456", "²3"):
        assert bool(phone.search(value)) == (check_phone(value) is None), value
    name = re.compile(patterns["variable_name"])
    for value in ("account_id", "_x", "1x", "bad name", ""):
        assert bool(name.search(value)) == (check_variable(value) is None), value


def test_it_is_plain_json() -> None:
    assert json.loads(render()) == registry()
