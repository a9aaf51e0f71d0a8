"""Serializers of the comparison endpoint (/api/flows/{id}/diff/), for its query and its schema.

The answer is built by editor/flows/selectors.py ``flow_compare`` from editor/flowcore/diff.py; these
classes only describe it for the OpenAPI schema and the generated TypeScript types."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

SIDE_RE = r"^(draft|[1-9][0-9]{0,8})$"
SIDE_HELP = '"draft" or a version number'
DIFF_PARAMETERS = [
    OpenApiParameter("from", str, description=f"{SIDE_HELP}; default: the latest version.", pattern=SIDE_RE),
    OpenApiParameter("to", str, description=f"{SIDE_HELP}; default: the draft.", pattern=SIDE_RE),
]


class DiffQuerySerializer(serializers.Serializer):
    def get_fields(self):
        def side() -> serializers.RegexField:
            return serializers.RegexField(
                SIDE_RE, required=False, error_messages={"invalid": f"Use {SIDE_HELP} (1, 2, ...)."}
            )

        return {"from": side(), "to": side()}


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True, help_text="The step's field (or layout/settings key); null: the whole value was replaced."
    )
    branch = serializers.CharField(
        required=False, help_text='For next_step: the way out that changed ("success", "fail", "1", "*").'
    )
    old = serializers.JSONField(required=False, help_text="Left out when the field was absent before.")
    new = serializers.JSONField(required=False, help_text="Left out when the field is absent now.")


class StepChangeSerializer(serializers.Serializer):
    change = serializers.ChoiceField(choices=["added", "removed", "changed"])
    id = serializers.CharField(allow_null=True, help_text="The step's id (on the old side for a changed step).")
    nth = serializers.IntegerField(help_text="0, or how many earlier steps have the same id (a broken flow).")
    new_id = serializers.CharField(required=False, allow_null=True, help_text="Set when the step was renamed.")
    position = serializers.IntegerField(required=False, help_text="Added or removed: its index on its own side.")
    step = serializers.JSONField(required=False, help_text="Added or removed: the whole step.")
    fields = FieldChangeSerializer(many=True, required=False, help_text="Changed: each field's old and new value.")


class LayoutChangeSerializer(serializers.Serializer):
    change = serializers.ChoiceField(choices=["added", "removed", "changed"])
    id = serializers.CharField()
    new_id = serializers.CharField(required=False)
    entry = serializers.JSONField(required=False, help_text="Added or removed: the whole layout entry.")
    fields = FieldChangeSerializer(many=True, required=False, help_text="Label and note; positions are ignored.")


class StartChangeSerializer(serializers.Serializer):
    old = serializers.CharField(allow_null=True)
    new = serializers.CharField(allow_null=True)


class OrderChangeSerializer(serializers.Serializer):
    old = serializers.ListField(child=serializers.JSONField(), help_text="[id, nth] of the kept steps, before.")
    new = serializers.ListField(child=serializers.JSONField(), help_text="[id, nth] of the kept steps, after.")


class DiffSummarySerializer(serializers.Serializer):
    added = serializers.IntegerField()
    removed = serializers.IntegerField()
    changed = serializers.IntegerField(help_text="Steps with a new field, connection, label or note.")
    renamed = serializers.IntegerField()
    steps = serializers.IntegerField(help_text="Steps touched in any way, each counted once.")


class FlowDiffSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "from": serializers.CharField(help_text='"draft" or the version number compared from.'),
            "to": serializers.CharField(help_text='"draft" or the version number compared to.'),
            "summary_line": serializers.CharField(help_text='One line, e.g. "+2 steps, 1 changed".'),
            "steps": StepChangeSerializer(many=True, help_text="In the order of the new side, then removed steps."),
            "layout": LayoutChangeSerializer(many=True),
            "settings": FieldChangeSerializer(many=True),
            "start": StartChangeSerializer(allow_null=True, help_text="Set when another step comes first."),
            "order": OrderChangeSerializer(allow_null=True, help_text="Set when kept steps changed places."),
            "summary": DiffSummarySerializer(),
        }


class DraftChangesSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The latest version, which the draft is compared with.")
    steps = serializers.IntegerField(help_text="Steps added, removed or changed since then.")
    summary_line = serializers.CharField()
