"""InvalidFields words its default message for people: the problems, never the internal field names."""

from __future__ import annotations

from editor.common.errors import InvalidFields


def test_one_field_is_the_problem_itself():
    exc = InvalidFields({"number_column": ["Choose the column with the phone numbers (phone, name)."]})
    assert exc.message == "Choose the column with the phone numbers (phone, name)."
    assert exc.extra == {"fields": {"number_column": ["Choose the column with the phone numbers (phone, name)."]}}


def test_several_fields_are_their_problems_joined():
    exc = InvalidFields({"number": ["Enter a phone number."], "variables": ["Missing: name", "Enter a phone number."]})
    assert exc.message == "Enter a phone number. Missing: name."
    assert "variables" not in exc.message and not exc.message.startswith("number")


def test_a_given_message_is_kept():
    assert InvalidFields({"name": ["Too long."]}, message="The name is too long.").message == "The name is too long."
