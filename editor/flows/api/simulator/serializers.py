"""Serializers of the simulator and flow tests API (views.py beside this file), for input checks and the schema."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

from editor.flows.api import serializers as s
from editor.flows.models import FlowScenario

FLOW_ID = OpenApiParameter("flow_id", int, OpenApiParameter.PATH, description="The flow's id.")
TEST_ID = OpenApiParameter("test_id", int, OpenApiParameter.PATH, description="The test's id.")
INPUTS_SCHEMA = {
    "type": "object",
    "description": 'What the caller does: {"digits": {step id: [keys typed at each visit]}, "http": {step id: '
    '[outcome of each visit]}}. An outcome is "success", "fail", "send" (simulate only: really send it) or a '
    "recorded answer {outcome, status, error, sent}.",
    "properties": {
        "digits": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "http": {"type": "object", "additionalProperties": {"type": "array", "items": {}}},
    },
}
EXPECTATIONS_SCHEMA = {
    "type": "object",
    "description": "What should happen; keys left out are not checked. variables: only those named are compared.",
    "properties": {
        "steps": {"type": "array", "items": {"type": "string"}, "description": "Step ids in the order they run."},
        "ends_at": {"type": "string", "nullable": True, "description": "The step where the call ends."},
        "end_reason": {"type": "string", "nullable": True},
        "variables": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


@extend_schema_field(INPUTS_SCHEMA)
class InputsField(serializers.JSONField):
    pass


@extend_schema_field(EXPECTATIONS_SCHEMA)
class ExpectationsField(serializers.JSONField):
    pass


class SimulateSerializer(serializers.Serializer):
    document = s.PayloadField(required=False, help_text="The flow to run; default: the saved draft.")
    inputs = InputsField(required=False, default=dict)
    contact = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=1000),
        required=False,
        allow_null=True,
        help_text='Contact fields for {{contact.x}}, e.g. {"name": "Ada"}; left as written when absent.',
    )


class SimulationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["waiting", "ended"])
    waiting = serializers.JSONField(help_text="What the run waits for (kind digits|http, step, count, keys, request).")
    end = serializers.JSONField(help_text="{step, reason, message} once the call ended.")
    path = serializers.ListField(child=serializers.CharField())
    edges = serializers.ListField(child=serializers.DictField(), help_text="Branches taken: {step, key, to}.")
    variables = serializers.DictField(child=serializers.CharField())
    transcript = serializers.ListField(child=serializers.DictField())
    steps_taken = serializers.IntegerField()
    inputs = InputsField(help_text="The inputs as used: send this back with the next key or outcome.")
    scenario = serializers.JSONField(help_text="{inputs, expectations} to save this run as a test.")


class ScenarioSerializer(serializers.ModelSerializer):
    inputs = InputsField()
    expectations = ExpectationsField()

    class Meta:
        model = FlowScenario
        fields = ["id", "name", "inputs", "expectations", "generated", "created_at", "updated_at"]
        read_only_fields = fields


class ScenarioWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    inputs = InputsField(required=False)
    expectations = ExpectationsField(required=False)
    generated = serializers.BooleanField(required=False, help_text="True while a generated test awaits review.")


class ResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    generated = serializers.BooleanField()
    passed = serializers.BooleanField()
    difference = serializers.CharField(allow_null=True, help_text="The first difference, in plain words.")
    run = serializers.JSONField(help_text="{status, path, ends_at, end, variables, edges}")


class ReportSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    blocks_publish = serializers.BooleanField()
    results = ResultSerializer(many=True)


class BranchSerializer(serializers.Serializer):
    step = serializers.CharField()
    key = serializers.CharField(help_text='"next" for a plain next step, else the branch key ("1", "*", "fail").')
    to = serializers.CharField(allow_null=True)
    taken = serializers.BooleanField()
    scenarios = serializers.ListField(child=serializers.CharField())


class CoverageSerializer(serializers.Serializer):
    scenarios = serializers.IntegerField()
    total = serializers.IntegerField()
    taken = serializers.IntegerField()
    branches = BranchSerializer(many=True)
    untaken = serializers.ListField(child=serializers.DictField())
    untested_steps = serializers.ListField(child=serializers.CharField())


class GenerateSerializer(serializers.Serializer):
    max_paths = serializers.IntegerField(min_value=1, max_value=500, required=False, default=200)


class GeneratedSerializer(serializers.Serializer):
    created = ScenarioSerializer(many=True)
    skipped = serializers.IntegerField(help_text="Paths some test of the flow already follows.")
    truncated = serializers.BooleanField(help_text="A bound (paths, time) cut the search short.")


class TestSettingsSerializer(serializers.Serializer):
    scenario_failures_block_publish = serializers.BooleanField(
        help_text="True: publishing is refused while a test fails. False: failures are a warning."
    )


class PublishedVersionSerializer(s.VersionSerializer):
    """The publish answer: the version and the flow tests run before it (null when there are none)."""

    tests = serializers.SerializerMethodField()

    class Meta(s.VersionSerializer.Meta):
        fields = [*s.VersionSerializer.Meta.fields, "tests"]
        read_only_fields = fields

    @extend_schema_field(ReportSerializer(allow_null=True))
    def get_tests(self, obj) -> dict | None:
        return getattr(obj, "test_results", None)
