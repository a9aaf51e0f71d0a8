from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from editor.accounts.models import Team
from editor.common.errors import ServiceError
from editor.flows.management.commands.validate_flow import read_json_file
from editor.flows.services.flows import flow_import


class Command(BaseCommand):
    help = "Import a call flow file (Samespace payload, step list or FlowStudio document) as a new flow."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--name", required=True, help="name of the new flow")
        parser.add_argument("--team", help="team slug (optional when there is only one team)")

    def handle(self, *args: Any, **options: Any) -> None:
        payload = read_json_file(options["path"])
        if options["team"]:
            team = Team.objects.filter(slug=options["team"]).first()
            if team is None:
                raise CommandError(f"There is no team with the slug {options['team']!r}.", returncode=2)
        else:
            teams = list(Team.objects.all()[:2])
            if len(teams) != 1:
                raise CommandError("Say which team the flow belongs to with --team SLUG.", returncode=2)
            team = teams[0]
        try:
            flow = flow_import(team=team, user=None, name=options["name"], payload=payload)
        except ServiceError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        summary = "no problems" if not flow.diagnostics else (
            f"{flow.error_count} error(s), {flow.warning_count} warning(s)"
        )
        self.stdout.write(f"Imported flow {flow.pk} ({flow.name!r}) into team {team.slug}: {summary}.")
