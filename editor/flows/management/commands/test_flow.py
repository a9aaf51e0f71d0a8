"""Run a flow's tests for pipelines: exit 0 when all pass, 1 when one fails, 2 for unreadable input.

    python manage.py test_flow FLOW_ID                          # the saved tests of a saved flow (its draft)
    python manage.py test_flow --file FLOW.json --scenarios S.json

The scenarios file holds a list of scenarios, or ``{"scenarios": [...]}`` (the form the API lists):
each ``{"name", "inputs", "expectations"}`` as described in ``editor/flowcore/scenario.py``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from editor.common.params import ascii_int
from editor.flowcore.interpret import FlowNotRunnable, Program
from editor.flowcore.scenario import check_scenario
from editor.flows.management.commands.validate_flow import read_json_file


def _scenarios_from(payload: Any, path: str) -> list[dict[str, Any]]:
    if isinstance(payload, dict) and "scenarios" in payload:
        payload = payload["scenarios"]
    if not isinstance(payload, list) or not all(isinstance(item, dict) for item in payload):
        raise CommandError(f'{path} should hold a list of scenarios (or {{"scenarios": [...]}}).', returncode=2)
    return payload


class Command(BaseCommand):
    help = "Run a call flow's saved tests (scenarios): exit 0 when all pass, 1 when one fails, 2 for bad input."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any):
        """A bad argument ends in one line on stderr and exit 2 (argparse would print its usage too)."""
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message: str) -> None:
            if parser.called_from_command_line:
                sys.stderr.write(f"{subcommand}: {message} (see --help)\n")
                sys.exit(2)
            raise CommandError(f"Error: {message}", returncode=2)

        parser.error = error  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser) -> None:
        parser.add_argument("flow_id", nargs="?", help="id of a saved flow: run its saved tests on its draft")
        parser.add_argument("--file", help="a flow file (Samespace payload, step list or FlowStudio document)")
        parser.add_argument("--scenarios", help="a JSON file with the scenarios to run on --file")
        parser.add_argument("--json", action="store_true", help="print the full report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        document, scenarios = self._load(options)
        try:
            program = Program(document)
        except FlowNotRunnable as exc:
            raise CommandError(f"The flow cannot run: {exc}", returncode=2) from exc
        results = [check_scenario(program, scenario) for scenario in scenarios]
        failed = sum(1 for result in results if not result["passed"])
        if options["json"]:
            report = {"total": len(results), "passed": len(results) - failed, "failed": failed, "results": results}
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            for result in results:
                if result["passed"]:
                    self.stdout.write(f"PASS  {result['name']}")
                else:
                    self.stdout.write(f"FAIL  {result['name']}: {result['difference']}")
            if not results:
                self.stdout.write("This flow has no tests.")
            self.stdout.write(f"{len(results) - failed} passed, {failed} failed.")
        if failed:
            sys.exit(1)

    def _load(self, options: dict[str, Any]) -> tuple[Any, list[dict[str, Any]]]:
        flow_id, path, scenarios_path = options["flow_id"], options["file"], options["scenarios"]
        if flow_id is not None and (path or scenarios_path):
            raise CommandError("Give either a FLOW_ID or --file with --scenarios, not both.", returncode=2)
        if flow_id is None:
            if not path or not scenarios_path:
                raise CommandError("Give a FLOW_ID, or --file FLOW.json with --scenarios S.json.", returncode=2)
            document = read_json_file(path)
            return document, _scenarios_from(read_json_file(scenarios_path), scenarios_path)
        from editor.flows.models import Flow

        number = ascii_int(flow_id)  # "²".isdigit() is true, but int("²") raises
        if number is None:
            raise CommandError(f"{flow_id!r} is not a flow id (a whole number).", returncode=2)
        flow = Flow.objects.filter(pk=number).first()
        if flow is None:
            raise CommandError(f"There is no flow with the id {flow_id}.", returncode=2)
        scenarios = [s.as_scenario() for s in flow.scenarios.order_by("generated", "name", "id")]
        return flow.document, scenarios
