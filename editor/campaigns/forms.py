"""The forms of the campaign pages (editor/campaigns/views.py): the wizard's steps, the results
table's filters and the do-not-call list. A refused form is shown again with every error beside its field."""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from editor.campaigns.services import campaigns as service
from editor.campaigns.services.numbers import BadNumber, normalise_number
from editor.campaigns.window import WEEKDAYS_LONG, zone_names
from editor.common.forms import SiteForm, TeamChoiceForm
from editor.flowcore import dialling

REGION_ERROR = "A two-letter country code such as US, GB or FR."


# --- the wizard ----------------------------------------------------------------------------------------


def _version_label(version: Any) -> str:
    """A version as the wizard lists it; one whose Call step does not dial each contact's number says
    what it dials (choosing it is refused, with how to fix it: editor/flowcore/dialling.py)."""
    label = f"{version.flow.name} — version {version.number}"
    dials = dialling(version.document)
    return label if dials.calls_contact else f"{label} (calls {dials.number}, not each contact)"


class SetupForm(SiteForm):
    service_fields = {"flow_version": "version"}

    name = forms.CharField(max_length=200, label="Campaign name",
                           error_messages={"required": "Give the campaign a name."})
    version = forms.TypedChoiceField(
        coerce=int, label="Flow and version",
        help_text="Campaigns always call a published version, never the draft you are editing.",
        error_messages={"required": "Choose the flow to call with.",
                        "invalid_choice": "Choose one of the published flows."},
    )
    credential = forms.TypedChoiceField(
        coerce=int, label="Samespace credential",
        error_messages={"required": "Choose a credential.", "invalid_choice": "Choose one of your team's credentials."},
    )

    def __init__(self, *args: Any, versions: list[Any], credentials: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.versions = {v.pk: v for v in versions}
        self.credentials = {c.pk: c for c in credentials}
        self.fields["version"].choices = [(v.pk, _version_label(v)) for v in versions]
        ringing_one = {v.flow_id: v.flow.name for v in versions if not dialling(v.document).calls_contact}
        if ringing_one:
            flows = format_html_join(", ", '<a href="{}">{}</a>',
                                     ((reverse("flow_edit", args=[pk]), name) for pk, name in ringing_one.items()))
            self.fields["version"].help_text += format_html(
                " A version marked “not each contact” rings one phone: open {} and put "
                "<code>{{{{contact.number}}}}</code> in the Call step, then publish.", flows)
        self.fields["credential"].choices = [(c.pk, c.name) for c in credentials]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        version = self.versions.get(data.get("version"))
        credential = self.credentials.get(data.get("credential"))
        if version and credential and credential.team_id != version.flow.team_id:
            self.add_error("credential", "Choose a credential of the flow's team.")
        return data


WHEN = "Enter a date and a time, such as 2026-12-24 09:00."
AT = "Enter a time of day, such as 09:00."
RETRY_MAX_MINUTES = 30 * 24 * 60


def _whole_number(low: int, high: int, unit: str = "") -> dict[str, str]:
    """The same words whatever is wrong with a number field: what to type."""
    words = f"Enter a whole number from {low:,} to {high:,}{unit}."
    return {"required": words, "invalid": words, "min_value": words, "max_value": words}


class ScheduleForm(SiteForm):
    service_fields = {"retry_delay_seconds": "retry_delay_minutes"}

    timezone = forms.ChoiceField(label="Campaign time zone",
                                 help_text="For numbers whose time zone cannot be told, and for start and end.",
                                 error_messages={"required": "Choose a time zone.",
                                                 "invalid_choice": "Choose a time zone from the list."})
    starts_at = forms.DateTimeField(required=False, label="Start", widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"), help_text="Empty: as soon as you start it.",
        error_messages={"invalid": WHEN})
    ends_at = forms.DateTimeField(required=False, label="End", widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"), help_text="Empty: until everyone is called.",
        error_messages={"invalid": WHEN})
    window_start = forms.TimeField(label="Calls from", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                   error_messages={"required": AT, "invalid": AT})
    window_end = forms.TimeField(label="until", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                 error_messages={"required": AT, "invalid": AT})
    weekdays = forms.TypedMultipleChoiceField(coerce=int, choices=[(i, day[:3]) for i, day in enumerate(WEEKDAYS_LONG)],
                                              widget=forms.CheckboxSelectMultiple, label="On",
                                              error_messages={"required": "Choose at least one day."})
    calls_per_minute = forms.IntegerField(
        min_value=0, max_value=service.MAX_CALLS_PER_MINUTE, label="Calls per minute", help_text="0: no limit.",
        error_messages=_whole_number(0, service.MAX_CALLS_PER_MINUTE, " (0: no limit)"))
    max_attempts = forms.IntegerField(min_value=1, max_value=service.MAX_ATTEMPTS, label="Attempts per contact",
                                      help_text="Only failed calls are tried again; never unknown ones.",
                                      error_messages=_whole_number(1, service.MAX_ATTEMPTS))
    retry_delay_minutes = forms.IntegerField(min_value=0, max_value=RETRY_MAX_MINUTES, label="Wait before a retry",
                                             help_text="Minutes.",
                                             error_messages=_whole_number(0, RETRY_MAX_MINUTES, " minutes (30 days)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(z, z) for z in sorted(zone_names())]


class ContactsUploadForm(SiteForm):
    file = forms.FileField(label="CSV file", error_messages={"required": "Choose a CSV file to upload.",
                                                             "empty": "The file is empty."},
                           widget=forms.FileInput(attrs={"accept": ".csv,text/csv,text/plain"}))
    # The page's script fills the choices with the file's columns (a preview through the API).
    number_column = forms.CharField(label="Number column", required=False, max_length=200, widget=forms.Select)
    # Asked when the first line looks like data (services/csvfile.py: HeaderUnclear); the page's
    # script asks before the upload when the preview sees it.
    has_header = forms.TypedChoiceField(
        label="Does the file have a header line?", required=False, widget=forms.RadioSelect, empty_value=None,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        choices=[("yes", "Yes, the first line holds the column names"), ("no", "No, the first line is a contact")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "upload-%s")
        super().__init__(*args, **kwargs)
        chosen = (self.data.get("number_column") or "").strip() if self.is_bound else ""
        self.fields["number_column"].widget.choices = [("", "Guess from the header")] + (
            [(chosen, chosen)] if chosen else []
        )


# --- the do-not-call list ------------------------------------------------------------------------------


def _region_field() -> forms.CharField:
    return forms.CharField(label="Country if no +code", max_length=2, required=False, initial="US")


class RegionMixin:
    """``region``: a two-letter country code, US when left empty."""

    def clean_region(self) -> str:
        region = (self.cleaned_data["region"] or "US").upper()  # type: ignore[attr-defined]
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise forms.ValidationError(REGION_ERROR)
        return region


class DncAddForm(RegionMixin, TeamChoiceForm):
    team_error = "Choose a team whose list you may change."

    number = forms.CharField(max_length=64, widget=forms.TextInput(
        attrs={"class": "font-monospace", "placeholder": "+1 212 555 0100", "inputmode": "tel"}))
    region = _region_field()
    note = forms.CharField(max_length=300, required=False, widget=forms.TextInput(
        attrs={"placeholder": "Asked not to be called"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "dnc-%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("number"):
            try:
                normalise_number(data["number"], data.get("region") or "US")
            except BadNumber as exc:
                self.add_error("number", str(exc))
        return data


class DncImportForm(RegionMixin, TeamChoiceForm):
    team_error = DncAddForm.team_error

    file = forms.FileField(label="CSV file", help_text="A number column; a <code>note</code> column is kept.",
                           error_messages={"required": "Choose a CSV file.", "empty": "The file is empty."},
                           widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}))
    number_column = forms.CharField(label="Number column", max_length=200, required=False,
                                    widget=forms.TextInput(attrs={"placeholder": "Guess from the header"}))
    region = _region_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "dnc-import-%s")
        super().__init__(*args, **kwargs)


class DncRemoveForm(SiteForm):
    """The hidden entry id of a row's Remove button. Not a number is an error of the form; a number
    that is not one of the user's entries is a 404 (editor/campaigns/views.py)."""

    entry = forms.IntegerField(
        min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput,
        error_messages={key: "Choose an entry of the list to remove." for key in
                        ("required", "invalid", "min_value", "max_value")},
    )


class ResultsFilterForm(forms.Form):
    """The filters of a campaign's results table, read from the query string. What happened on the
    last call (answered, reached step, pressed keys) comes from call events (docs/call-events.md)."""

    status = forms.CharField(required=False, max_length=200)
    number = forms.CharField(required=False, max_length=40)
    answered = forms.ChoiceField(required=False, choices=[("", "Any"), ("yes", "Answered"), ("no", "Not answered")])
    reached = forms.RegexField(required=False, regex=r"^[^|\x00]{1,200}$", label="Reached step",
                               error_messages={"invalid": "Enter a step id."})
    pressed = forms.RegexField(required=False, regex=r"^[0-9*#]{1,64}$", label="Pressed",
                               error_messages={"invalid": "Keys are 0-9, * and #."})

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``contacts_of``; a field that is not valid filters nothing."""
        self.is_valid()  # cleans every field; an invalid one is left out of cleaned_data
        data = self.cleaned_data
        answered = {"yes": True, "no": False}.get(data.get("answered") or "")
        return {"status": data.get("status") or "", "number": data.get("number") or "", "answered": answered,
                "reached": data.get("reached") or "", "pressed": data.get("pressed") or ""}
