"""Serializers for the flow API (docs/api-contract.md). Input serializers only check shapes;
the services do the work (parse, validate, save)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from editor.accounts.permissions import TeamChoiceMixin
from editor.flows.models import Flow, FlowVersion

MAX_INT = 2_147_483_647

STEP_SCHEMA = {
    "type": "object",
    "description": "A Samespace step: id, type, next_step and the fields of its type. Unknown fields are kept.",
    "properties": {
        "id": {"type": "string"},
        "type": {"type": "string", "enum": ["call", "play", "digits", "http", "connect"]},
        "next_step": {"oneOf": [{"type": "string"}, {"type": "object"}], "nullable": True},
    },
    "additionalProperties": True,
}
DOCUMENT_SCHEMA = {
    "type": "object",
    "description": "The FlowStudio document (steps, layout, settings). Writes also take a Samespace payload or a bare "
    "step list; they are normalised to this form.",
    "properties": {
        "steps": {"type": "array", "items": STEP_SCHEMA},
        "layout": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "x": {"type": "number"},
                    "y": {"type": "number"},
                    "label": {"type": "string"},
                    "note": {"type": "string"},
                },
            },
        },
        "settings": {"type": "object", "properties": {"record": {"type": "boolean"}}},
    },
}
PAYLOAD_SCHEMA = {
    "description": "A Samespace payload, a bare step list or a FlowStudio document.",
    "oneOf": [
        {
            "type": "object",
            "properties": {
                "cloud_id": {"type": "string"},
                "auth_token": {"type": "string"},
                "record": {"type": "boolean"},
                "flow": {"type": "array", "items": STEP_SCHEMA},
            },
            "required": ["flow"],
        },
        {"type": "array", "items": STEP_SCHEMA},
        DOCUMENT_SCHEMA,
    ],
}


class ParsedJSONField(serializers.JSONField):
    """JSON that the request parser has already decoded and checked.

    DRF's JSONField re-encodes its value to prove it is JSON; for a 1,000-step flow that costs as
    much as decoding the whole body again, and a parsed body is JSON by construction.
    """

    def to_internal_value(self, data):
        if isinstance(data, str | int | float | bool | list | dict) or data is None:
            return data
        self.fail("invalid")


@extend_schema_field(DOCUMENT_SCHEMA)
class DocumentField(ParsedJSONField):
    pass


@extend_schema_field(PAYLOAD_SCHEMA)
class PayloadField(ParsedJSONField):
    pass


class DiagnosticSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=["error", "warning"])
    code = serializers.CharField()
    step = serializers.CharField(allow_null=True)
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class FlowSummarySerializer(serializers.ModelSerializer):
    valid = serializers.BooleanField(source="is_valid", read_only=True)
    step_count = serializers.SerializerMethodField()
    latest_version = serializers.SerializerMethodField()

    class Meta:
        model = Flow
        fields = [
            "id",
            "team",
            "name",
            "description",
            "revision",
            "valid",
            "error_count",
            "warning_count",
            "step_count",
            "latest_version",
            "unpublished_steps",
            "is_archived",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_step_count(self, obj: Flow) -> int:
        # Lists defer the document and count the steps in the database.
        if "document" in obj.get_deferred_fields():
            return getattr(obj, "steps_total", 0) or 0
        return obj.step_count

    @extend_schema_field(
        {"type": "integer", "nullable": True, "description": "Number of the latest published version."}
    )
    def get_latest_version(self, obj: Flow) -> int | None:
        if hasattr(obj, "latest_version_number"):
            return obj.latest_version_number
        latest = obj.versions.order_by("-number").values_list("number", flat=True).first()
        return latest


class FlowSerializer(FlowSummarySerializer):
    document = DocumentField(read_only=True)
    diagnostics = DiagnosticSerializer(many=True, read_only=True)

    class Meta(FlowSummarySerializer.Meta):
        fields = [*FlowSummarySerializer.Meta.fields, "document", "diagnostics"]
        read_only_fields = fields


class FlowCreateSerializer(TeamChoiceMixin):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)
    document = DocumentField(required=False, help_text="Leave out for an empty flow.")


class FlowImportSerializer(TeamChoiceMixin):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)
    payload = PayloadField()


class FlowUpdateSerializer(serializers.Serializer):
    revision = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, help_text="The revision this change is based on (from the last read)."
    )
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    document = DocumentField(required=False)


class RevisionSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=1, max_value=MAX_INT)


class PublishSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    revision = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_INT,
        help_text="Optional: publish only if the draft is still at this revision (else 409).",
    )


class DuplicateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ValidateDocumentSerializer(serializers.Serializer):
    document = PayloadField()


class ValidationResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    diagnostics = DiagnosticSerializer(many=True)


class ExportSerializer(serializers.Serializer):
    cloud_id = serializers.CharField(allow_blank=True, help_text="Left blank: filled in at launch.")
    auth_token = serializers.CharField(allow_blank=True, help_text="Left blank: never exported.")
    record = serializers.BooleanField()
    flow = serializers.ListField(child=serializers.DictField())


class VersionSummarySerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = FlowVersion
        fields = ["number", "note", "created_by", "created_at"]
        read_only_fields = fields


class VersionListItemSerializer(VersionSummarySerializer):
    change_summary = serializers.CharField(
        read_only=True, help_text='What it changed against the version before, e.g. "+2 steps, 1 changed".'
    )

    class Meta(VersionSummarySerializer.Meta):
        fields = [*VersionSummarySerializer.Meta.fields, "change_summary"]
        read_only_fields = fields


class VersionSerializer(VersionSummarySerializer):
    document = DocumentField(read_only=True)

    class Meta(VersionSummarySerializer.Meta):
        fields = [*VersionSummarySerializer.Meta.fields, "document"]
        read_only_fields = fields
