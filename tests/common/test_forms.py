"""editor/common/forms.py: the site's input classes and a service's errors beside their fields."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.template.loader import render_to_string

from editor.common.errors import InvalidFields, ServiceError
from editor.common.forms import SiteForm, add_service_error, bootstrap
from tests.support.pages import form_errors, rendered_field


class UploadForm(SiteForm):
    service_fields = {"delay_seconds": "delay"}
    service_labels = {"region": "Country"}

    number_column = forms.CharField(label="Column of the numbers", required=False)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    delay = forms.IntegerField(label="Wait", required=False)
    done = forms.BooleanField(required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def _valid(data=None) -> UploadForm:
    form = UploadForm(data or {"number_column": "phone", "kind": "a"})
    assert form.is_valid(), form.errors
    return form


def test_it_gives_inputs_the_sites_classes():
    form = UploadForm()
    form.fields["extra"] = forms.ChoiceField(choices=[("x", "X")])  # added after __init__: styled too
    html = "".join(str(form[name]) for name in form.fields)
    classes = {name: rendered_field(html, f"id_{name}").input.classes for name in form.fields if name != "token"}
    assert classes == {"number_column": {"form-control"}, "kind": {"form-select"}, "delay": {"form-control"},
                       "done": {"form-check-input"}, "extra": {"form-select"}}
    assert "class" not in rendered_field(html, "id_token").input.attrs
    assert bootstrap(form) is form and rendered_field(str(form["kind"]), "id_kind").input.classes == {"form-select"}


def test_it_puts_field_problems_beside_their_fields_and_others_in_words():
    form = _valid()
    add_service_error(form, InvalidFields({
        "number_column": ["Choose the column with the phone numbers (a, b)."],
        "delay_seconds": ["Between 0 seconds and 30 days."],
        "region": ["A two-letter country code."],
        "default_zone": ["Unknown zone."],
        "token": ["Expired."],
    }))
    assert form.errors["number_column"] == ["Choose the column with the phone numbers (a, b)."]
    assert form.errors["delay"] == ["Between 0 seconds and 30 days."]
    assert form.non_field_errors() == ["Country: A two-letter country code.", "Default zone: Unknown zone.",
                                       "Token: Expired."]
    assert form.top_errors() == form.non_field_errors()
    assert "number_column" not in str(form.non_field_errors())


def test_it_puts_any_other_service_error_on_the_form_or_beside_a_chosen_field():
    form = _valid()
    add_service_error(form, ServiceError("The file is empty."))
    assert form.non_field_errors() == ["The file is empty."]
    form = _valid()
    form.add_service_error(ServiceError("The file is empty."), field="number_column")
    assert form.errors == {"number_column": ["The file is empty."]}


def test_it_renders_every_error_beside_its_field_and_keeps_the_value():
    form = UploadForm({"number_column": "Phone", "kind": "z", "delay": "soon"}, auto_id="up-%s")
    assert not form.is_valid()
    form.add_error("number_column", "There is no column “Phone”.")
    form.add_error(None, "Try another file.")
    html = "".join(render_to_string("partials/_field.html", {"field": form[name]}) for name in form.fields)
    html += render_to_string("partials/_form_errors.html", {"form": form})
    column, kind, delay = (rendered_field(html, f"up-{name}") for name in ("number_column", "kind", "delay"))
    assert column.invalid and column.value == "Phone" and column.errors == "There is no column “Phone”."
    assert column.label == "Column of the numbers"
    assert kind.invalid and kind.errors == "Choose one of the options in the list."  # not "z is not one of…"
    assert delay.invalid and delay.value == "soon" and delay.errors == "Enter a whole number."
    assert not rendered_field(html, "up-done").invalid
    assert form_errors(html) == ["Try another file."]


def test_it_marks_djangos_own_forms_too(rf):
    form = bootstrap(AuthenticationForm(rf.post("/"), data={"username": "", "password": ""}))
    assert not form.is_valid()
    html = render_to_string("partials/_field.html", {"field": form["username"]})
    field = rendered_field(html, "id_username")
    assert field.invalid and field.errors == "This field is required."
