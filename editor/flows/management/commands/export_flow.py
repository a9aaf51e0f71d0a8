from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from editor.flows.models import Flow
from editor.flows.services.flows import flow_export


class Command(BaseCommand):
    help = "Print a flow's Samespace payload (the draft, or a published version with --version N)."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any):
        # Django's own --version (the framework's version) gives way to the flow version option.
        kwargs["conflict_handler"] = "resolve"
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser) -> None:
        parser.add_argument("flow_id", type=int)
        parser.add_argument("--version", type=int, help="a published version number")

    def handle(self, *args: Any, **options: Any) -> None:
        flow = Flow.objects.filter(pk=options["flow_id"]).first()
        if flow is None:
            raise CommandError(f"There is no flow {options['flow_id']}.", returncode=2)
        document = flow.document
        if options["version"] is not None:
            version = flow.versions.filter(number=options["version"]).first()
            if version is None:
                raise CommandError(f"Flow {flow.pk} has no version {options['version']}.", returncode=2)
            document = version.document
        self.stdout.write(json.dumps(flow_export(document=document), indent=2, ensure_ascii=False))
