"""``manage.py test_flow``: exit 0 when all pass, 1 when one fails, 2 for unreadable input (one line)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from editor.flows.services.scenarios import scenario_create
from tests.flows.simulator.conftest import MENU
from tests.flows.simulator.test_api import FAILING, PASSING

ROOT = Path(__file__).resolve().parents[3]


def manage(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{cwd / 'unused.sqlite3'}", "VAR_DIR": str(cwd)}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "test_flow", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
    )


def run(*args: str) -> tuple[int, str, str]:
    """In-process, as manage.py would end: (exit code, stdout, the CommandError line)."""
    out = StringIO()
    try:
        call_command("test_flow", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), f"CommandError: {exc}"
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), ""
    return 0, out.getvalue(), ""


def write(tmp_path: Path, name: str, value: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(value) if not isinstance(value, str) else value)
    return str(path)


def test_it_exits_0_when_every_scenario_passes(tmp_path: Path) -> None:
    flow = write(tmp_path, "flow.json", MENU)
    scenarios = write(tmp_path, "s.json", [PASSING])
    result = manage("--file", flow, "--scenarios", scenarios, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["PASS  Balance found", "1 passed, 0 failed."]


def test_it_exits_1_and_prints_the_first_difference_when_one_fails(tmp_path: Path) -> None:
    flow = write(tmp_path, "flow.json", MENU)
    scenarios = write(tmp_path, "s.json", {"scenarios": [PASSING, FAILING]})
    result = manage("--file", flow, "--scenarios", scenarios, cwd=tmp_path)
    assert result.returncode == 1
    assert 'FAIL  Agent: Expected step 6 after step "Menu", but the run went to step 5.' in result.stdout
    assert result.stdout.splitlines()[-1] == "1 passed, 1 failed."


def test_it_prints_a_json_report(tmp_path: Path) -> None:
    flow = write(tmp_path, "flow.json", {"flow": MENU["steps"], "cloud_id": "x", "auth_token": "y"})
    code, out, _ = run("--file", flow, "--scenarios", write(tmp_path, "s.json", [FAILING]), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["failed"] == 1 and report["results"][0]["run"]["path"] == ["0", "1", "2", "5"]


@pytest.mark.parametrize(
    ("flow", "scenarios", "words"),
    [
        ("missing.json", "[]", "Cannot read"),
        ("{not json", "[]", "is not valid JSON"),
        (json.dumps(MENU), "{not json", "is not valid JSON"),
        (json.dumps(MENU), '{"tests": 1}', "should hold a list of scenarios"),
        (json.dumps({"steps": []}), "[]", "no steps"),
        ('"just text"', "[]", "cannot run"),
    ],
)
def test_it_exits_2_with_one_line_for_unreadable_input(tmp_path: Path, flow: str, scenarios: str, words: str) -> None:
    flow_path = str(tmp_path / "missing.json") if flow == "missing.json" else write(tmp_path, "flow.json", flow)
    code, _, error = run("--file", flow_path, "--scenarios", write(tmp_path, "s.json", scenarios))
    assert code == 2 and words in error and "\n" not in error


def test_it_exits_2_with_one_line_and_no_traceback_from_the_shell(tmp_path: Path) -> None:
    result = manage("--file", write(tmp_path, "flow.json", "{oops"), "--scenarios", "s.json", cwd=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if " INFO " not in line]
    assert lines == [
        f"CommandError: {tmp_path / 'flow.json'} is not valid JSON: Expecting property name enclosed "
        "in double quotes at line 1, column 2."
    ]


def test_it_exits_2_when_arguments_are_missing_or_mixed(tmp_path: Path) -> None:
    assert run()[0] == 2
    assert run("--file", write(tmp_path, "f.json", MENU))[0] == 2
    code, _, error = run("7", "--file", "f.json", "--scenarios", "s.json")
    assert code == 2 and "not both" in error


@pytest.mark.django_db
def test_it_runs_the_saved_tests_of_a_flow(menu_flow, owner) -> None:
    scenario_create(flow=menu_flow, user=owner, **copy.deepcopy(PASSING))
    out = StringIO()
    call_command("test_flow", str(menu_flow.pk), stdout=out)
    assert out.getvalue().splitlines() == ["PASS  Balance found", "1 passed, 0 failed."]
    scenario_create(flow=menu_flow, user=owner, **copy.deepcopy(FAILING))
    with pytest.raises(SystemExit) as exited:
        call_command("test_flow", str(menu_flow.pk), stdout=StringIO())
    assert exited.value.code == 1


@pytest.mark.django_db
def test_it_passes_a_flow_without_tests_and_refuses_an_unknown_flow(menu_flow) -> None:
    out = StringIO()
    call_command("test_flow", str(menu_flow.pk), stdout=out)
    assert "This flow has no tests." in out.getvalue()
    for flow_id in ("999999", "abc"):
        code, _, error = run(flow_id)
        assert code == 2 and flow_id in error


@pytest.mark.parametrize(
    "args",
    [
        ["²"],
        ["٣"],
        ["9" * 40],
        ["--no-such-option"],
        ["1", "2"],
        ["--file"],
        ["--file", "missing.json", "--scenarios", "missing.json"],
        ["--file", "/", "--scenarios", "/"],
        ["--file", "/dev/zero", "--scenarios", "/dev/zero"],  # endless: read up to the upload limit only
        ["--file", "deep.json", "--scenarios", "deep.json"],  # nested beyond Python's recursion limit
    ],
    ids=["superscript", "arabic-digit", "huge", "unknown-option", "extra-argument", "no-value", "missing", "folder",
         "endless-file", "deep-json"],
)
def test_any_bad_argument_exits_2_with_one_line(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    result = manage(*args, cwd=tmp_path)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_a_nul_character_in_a_path_is_a_one_line_error(tmp_path: Path) -> None:
    code, _, line = run("--file", "a\x00b.json", "--scenarios", "s.json")
    assert code == 2 and "Cannot read" in line
