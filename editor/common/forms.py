"""What every HTML form shares: the site's input classes, and a service's errors beside their fields.

A page's form is a ``SiteForm`` (or any Django form passed through ``bootstrap()``, like Django's
own sign-in and password forms). Templates render each field with ``templates/partials/_field.html``
(label, input, help, every error of the field beside it) and the errors of the whole form with
``templates/partials/_form_errors.html``. When a service refuses the cleaned values,
``add_service_error()`` puts its ``ServiceError`` on the form, so the page is rendered again with
every problem where it belongs and what the person typed still in the inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.utils import pretty_name

from editor.common.errors import ServiceError

CHECK_WIDGETS = (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)
CHOOSE_FROM_LIST = "Choose one of the options in the list."
DJANGO_INVALID_CHOICE = {
    forms.ChoiceField.default_error_messages["invalid_choice"],
    forms.MultipleChoiceField.default_error_messages["invalid_choice"],
}


def css_class_for(widget: forms.Widget) -> str:
    """Bootstrap's class for an input of this kind."""
    if isinstance(widget, CHECK_WIDGETS):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


def _with_class(existing: str, extra: str) -> str:
    names = existing.split()
    return " ".join([*names, *(name for name in extra.split() if name not in names)])


class SiteBoundField(BoundField):
    """A field whose input gets the site's class for its kind, and ``is-invalid`` while it has errors.

    The classes are added when the input is rendered, so fields a form adds in its ``__init__``
    get them too. Django already adds ``aria-invalid`` and ``aria-describedby`` (``<id>_helptext``,
    ``<id>_error``), the ids templates/partials/_field.html gives the help and the errors.
    """

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if widget.is_hidden:
            return attrs
        wanted = css_class_for(widget) + (" is-invalid" if self.errors else "")
        attrs["class"] = _with_class(attrs.get("class") or widget.attrs.get("class", ""), wanted)
        return attrs


def bootstrap(form: forms.BaseForm) -> forms.BaseForm:
    """Give a form's inputs the site's classes (Django's widgets come without any) and mark the
    inputs of fields with errors. Works on any form, Django's auth forms included."""
    form.bound_field_class = SiteBoundField
    form._bound_fields_cache.clear()  # fields already looked at are made again with the new class
    return form


class SiteFormMixin:
    """Mix into a Django form: ``bootstrap()`` on creation, and ``add_service_error()`` as a method.

    ``service_fields`` maps a service's field name to this form's field when they differ
    (``{"retry_delay_seconds": "retry_delay_minutes"}``); ``service_labels`` gives the words for a
    service field this form does not have (otherwise its name is turned into words).
    """

    service_fields: Mapping[str, str] = {}
    service_labels: Mapping[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)  # type: ignore[arg-type]
        for field in self.fields.values():  # type: ignore[attr-defined]
            # Django's "Select a valid choice. 999 is not one of the available choices." names an id.
            if field.error_messages.get("invalid_choice") in DJANGO_INVALID_CHOICE:
                field.error_messages["invalid_choice"] = CHOOSE_FROM_LIST

    def add_service_error(self, exc: ServiceError, *, field: str | None = None) -> None:
        add_service_error(self, exc, field=field)  # type: ignore[arg-type]

    def top_errors(self) -> list[str]:
        """What templates/partials/_form_errors.html shows: the errors of the whole form, then
        those of hidden fields (nothing shows them beside an input), without field names."""
        errors = [str(e) for e in self.non_field_errors()]  # type: ignore[attr-defined]
        for bound in self.hidden_fields():  # type: ignore[attr-defined]
            errors.extend(str(e) for e in bound.errors)
        return errors


class SiteForm(SiteFormMixin, forms.Form):
    pass


class TeamChoiceForm(SiteForm):
    """A form of someone who may act in ``teams`` (objects with ``pk`` and ``name``): a Team choice
    appears only when there are several; ``chosen_team()`` is the one to act in."""

    team_error = "Choose one of your teams."

    def __init__(self, *args: Any, teams: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teams = teams
        if len(teams) > 1:
            self.fields["team"] = forms.TypedChoiceField(
                label="Team", coerce=int, choices=[(t.pk, t.name) for t in teams],
                error_messages={"required": self.team_error, "invalid_choice": self.team_error},
            )

    def chosen_team(self) -> Any:
        if len(self.teams) == 1:
            return self.teams[0]
        return next(t for t in self.teams if t.pk == self.cleaned_data["team"])


def field_label(form: forms.BaseForm, name: str) -> str:
    """The words people read for a field name: the form's label, a label the form gives for a
    service field it does not have, or the name turned into words (``number_column`` → "Number column")."""
    if name in form.fields:
        return str(form[name].label or pretty_name(name))
    labels: Mapping[str, str] = getattr(form, "service_labels", {})
    return labels.get(name) or pretty_name(name)


def add_service_error(form: forms.BaseForm, exc: ServiceError, *, field: str | None = None) -> None:
    """Put a service's refusal on ``form`` (after ``is_valid()``).

    The problems of ``exc.extra["fields"]`` (``InvalidFields``, and any other error that names
    fields) go beside the form's field of that name; a name the form does not have becomes an
    error of the whole form, in words ("Number column: …"), never the internal name. Any other
    error goes beside ``field`` when given, else to the whole form, with its message.
    """
    fields = exc.extra.get("fields")
    if not isinstance(fields, Mapping) or not fields:
        form.add_error(field, exc.message)
        return
    aliases: Mapping[str, str] = getattr(form, "service_fields", {})
    for name, problems in fields.items():
        texts = [str(p) for p in ([problems] if isinstance(problems, str) else problems or [])]
        target = aliases.get(name, name)
        if target in form.fields and not form.fields[target].widget.is_hidden:
            for text in texts:
                form.add_error(target, text)
        elif name in ("non_field_errors", "__all__"):
            for text in texts:
                form.add_error(None, text)
        else:
            label = field_label(form, target)
            for text in texts:
                form.add_error(None, f"{label}: {text}")
