from __future__ import annotations

import pytest

from editor.flows.errors import FlowHasErrors, InvalidDocument, StaleRevision
from editor.flows.models import Flow, FlowVersion
from editor.flows.services import flows as services

pytestmark = pytest.mark.django_db


def test_it_imports_the_documented_example_with_its_four_problems(team, owner, samespace_example):
    flow = services.flow_import(team=team, user=owner, name="Example", payload=samespace_example)
    codes = sorted((d["code"], d["step"]) for d in flow.diagnostics)
    assert codes == [
        ("dangling_next_step", "5"),
        ("invalid_value", "3"),
        ("invalid_value", "4"),
        ("unreachable_step", "3"),
    ]
    assert (flow.error_count, flow.warning_count) == (3, 1)
    assert "auth_token" not in flow.document and "cloud_id" not in flow.document
    assert flow.document["settings"]["record"] is False


def test_it_imports_the_fixed_example_clean(team, owner, samespace_example_fixed):
    flow = services.flow_import(team=team, user=owner, name="Fixed", payload=samespace_example_fixed)
    assert flow.diagnostics == []
    assert flow.is_valid


def test_it_refuses_a_payload_that_is_not_a_flow(team, owner):
    with pytest.raises(InvalidDocument):
        services.flow_import(team=team, user=owner, name="Junk", payload="just a string")
    assert not Flow.objects.exists()


def test_it_saves_with_the_current_revision_and_refuses_a_stale_one(team, owner, samespace_example_fixed):
    flow = services.flow_create(team=team, user=owner, name="Draft")
    assert flow.revision == 1
    flow = services.flow_update(flow=flow, user=owner, base_revision=1, document=samespace_example_fixed)
    assert flow.revision == 2
    stale = Flow.objects.get(pk=flow.pk)
    with pytest.raises(StaleRevision) as caught:
        services.flow_update(flow=stale, user=owner, base_revision=1, name="Lost update")
    assert caught.value.current_revision == 2
    fresh = Flow.objects.get(pk=flow.pk)
    assert fresh.name == "Draft" and fresh.revision == 2 and len(fresh.document["steps"]) == 6


def test_it_refuses_to_publish_a_flow_with_errors(team, owner, samespace_example):
    flow = services.flow_import(team=team, user=owner, name="Example", payload=samespace_example)
    with pytest.raises(FlowHasErrors) as caught:
        services.flow_publish(flow=flow, user=owner, note="first")
    assert len(caught.value.extra["diagnostics"]) == 4
    assert not FlowVersion.objects.exists()


def test_it_publishes_numbered_immutable_versions(team, owner, samespace_example_fixed):
    flow = services.flow_import(team=team, user=owner, name="Fixed", payload=samespace_example_fixed)
    first = services.flow_publish(flow=flow, user=owner, note="first")
    second = services.flow_publish(flow=flow, user=owner, note="second")
    assert (first.number, second.number) == (1, 2)
    first.note = "changed"
    with pytest.raises(ValueError):
        first.save()
    with pytest.raises(ValueError):
        first.delete()
    assert FlowVersion.objects.get(pk=first.pk).note == "first"


def test_it_restores_a_version_into_the_draft(team, owner, samespace_example_fixed):
    flow = services.flow_import(team=team, user=owner, name="Fixed", payload=samespace_example_fixed)
    version = services.flow_publish(flow=flow, user=owner)
    flow = services.flow_update(flow=flow, user=owner, base_revision=flow.revision, document={"steps": []})
    assert flow.error_count == 1  # empty_flow
    flow = services.flow_restore_version(flow=flow, version=version, user=owner, base_revision=flow.revision)
    assert flow.document == version.document and flow.error_count == 0


def test_it_duplicates_a_flow(team, owner, samespace_example):
    flow = services.flow_import(team=team, user=owner, name="Example", payload=samespace_example)
    copy = services.flow_duplicate(flow=flow, user=owner)
    assert copy.pk != flow.pk and copy.name == "Copy of Example"
    assert copy.document == flow.document and copy.error_count == flow.error_count


def test_it_deletes_a_flow_without_calls(team, owner):
    flow = services.flow_create(team=team, user=owner, name="Scratch")
    assert services.flow_delete(flow=flow) is True
    assert not Flow.objects.exists()


def test_it_exports_with_blank_secrets_and_string_ids(team, owner, samespace_example):
    flow = services.flow_import(team=team, user=owner, name="Example", payload=samespace_example)
    payload = services.flow_export(document=flow.document)
    assert payload["cloud_id"] == "" and payload["auth_token"] == ""
    assert [step["id"] for step in payload["flow"]] == ["0", "1", "2", "5", "3", "4"]
    assert payload["flow"][3]["next_step"] == {"success": "10", "fail": "4"}
