"""Check a flow file and print each problem: exit 0 valid, 1 errors, 2 unreadable."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from editor.flowcore import is_valid, validate


def read_json_file(path: str) -> Any:
    """Read a JSON file, turning every failure into a one-line CommandError (exit 2).

    At most API_MAX_UPLOAD_BYTES are read (the largest flow the API takes), so ``--file /dev/zero`` or a
    huge file ends in a message instead of eating the machine's memory; JSON nested deeper than
    Python's recursion limit is a message too, not a RecursionError.
    """
    limit = settings.API_MAX_UPLOAD_BYTES
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read(limit + 1)
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.", returncode=2) from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} is not a text file (it is not UTF-8).", returncode=2) from exc
    except ValueError as exc:  # a NUL character in the path ("embedded null byte")
        raise CommandError(f"Cannot read {path!r}: {exc}.", returncode=2) from exc
    if len(text) > limit:
        raise CommandError(f"{path} is larger than {limit:,} characters (API_MAX_UPLOAD_BYTES).", returncode=2)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.", returncode=2
        ) from exc
    except RecursionError as exc:
        raise CommandError(f"{path} nests lists or objects too deeply to read.", returncode=2) from exc


def format_diagnostic(diagnostic: dict[str, Any]) -> str:
    step = diagnostic["step"] if diagnostic["step"] is not None else "-"
    field = diagnostic["field"] if diagnostic["field"] is not None else "-"
    return f"{diagnostic['severity']}\t{diagnostic['code']}\tstep {step}\t{field}\t{diagnostic['message']}"


class Command(BaseCommand):
    help = "Validate a call flow file (Samespace payload, step list or FlowStudio document)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the JSON file to check")
        parser.add_argument("--json", action="store_true", help='print {"valid": bool, "diagnostics": [...]}')

    def handle(self, *args: Any, **options: Any) -> None:
        payload = read_json_file(options["path"])
        diagnostics = validate(payload)
        valid = is_valid(diagnostics)
        if options["json"]:
            self.stdout.write(json.dumps({"valid": valid, "diagnostics": diagnostics}, indent=2, ensure_ascii=False))
        elif diagnostics:
            for diagnostic in diagnostics:
                self.stdout.write(format_diagnostic(diagnostic))
        else:
            self.stdout.write("No problems found.")
        if not valid:
            sys.exit(1)
