from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from editor.flows.models import Flow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "editor" / "flows" / "demo" / "samespace_example.json"
FIXED = ROOT / "editor" / "flows" / "demo" / "samespace_example_fixed.json"


def run_manage(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "flowstudio.test_settings"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_it_exits_0_for_a_valid_flow():
    result = run_manage("validate_flow", str(FIXED))
    assert result.returncode == 0, result.stderr
    assert "No problems found." in result.stdout


def test_it_prints_each_problem_and_exits_1_for_errors():
    result = run_manage("validate_flow", str(EXAMPLE))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 4
    assert any(line.startswith("error\tdangling_next_step\tstep 5\tnext_step.success\t") for line in lines)
    assert any(line.startswith("warning\tunreachable_step\tstep 3\t-\t") for line in lines)


def test_it_prints_json_with_valid_and_diagnostics():
    result = run_manage("validate_flow", "--json", str(EXAMPLE))
    assert result.returncode == 1
    body = json.loads(result.stdout)
    assert body["valid"] is False
    assert {d["code"] for d in body["diagnostics"]} == {"dangling_next_step", "unreachable_step", "invalid_value"}
    assert set(body["diagnostics"][0]) == {"severity", "code", "step", "field", "message"}


def test_it_exits_1_for_an_invalid_payload(tmp_path):
    path = tmp_path / "flow.json"
    path.write_text('{"hello": "world"}')
    result = run_manage("validate_flow", "--json", str(path))
    assert result.returncode == 1
    assert json.loads(result.stdout)["diagnostics"][0]["code"] == "invalid_payload"


@pytest.mark.parametrize("content", [None, "{not json", b"\xff\xfe\x00bad"])
def test_it_exits_2_with_one_line_for_unreadable_files(tmp_path, content):
    path = tmp_path / "flow.json"
    if isinstance(content, str):
        path.write_text(content)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    result = run_manage("validate_flow", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.django_db
def test_it_imports_and_exports_a_flow(team, capsys):
    call_command("import_flow", str(EXAMPLE), name="From the docs")
    flow = Flow.objects.get(name="From the docs")
    assert flow.team == team and flow.error_count == 3
    capsys.readouterr()
    call_command("export_flow", str(flow.pk))
    payload = json.loads(capsys.readouterr().out)
    original = json.loads(EXAMPLE.read_text())
    assert [s["id"] for s in payload["flow"]] == [str(s["id"]) for s in original["flow"]]
    assert payload["auth_token"] == ""


@pytest.mark.django_db
def test_it_exports_a_published_version(team, owner):
    from editor.flows.services.flows import flow_import, flow_publish

    flow = flow_import(team=team, user=owner, name="Fixed", payload=json.loads(FIXED.read_text()))
    flow_publish(flow=flow, user=owner)
    from io import StringIO

    out = StringIO()
    call_command("export_flow", str(flow.pk), "--version", "1", stdout=out)
    assert json.loads(out.getvalue())["flow"][0]["type"] == "call"


@pytest.mark.django_db
def test_it_needs_a_team_when_there_are_several(team, other_team):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("import_flow", str(EXAMPLE), name="Ambiguous")
    call_command("import_flow", str(EXAMPLE), name="Clear", team="bravo")
    assert Flow.objects.get(name="Clear").team == other_team
