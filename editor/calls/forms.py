"""The forms of the calls and credentials pages (editor/calls/views.py).

The auth token is write-only here too: its input never renders a value back.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.db.models import QuerySet

from editor.calls.filters import CallFilters
from editor.calls.models import Call, Credential
from editor.calls.samespace import check_base_url
from editor.calls.selectors import filter_calls
from editor.calls.services.calls import normalise_number
from editor.common.errors import InvalidFields
from editor.common.forms import SiteForm

MONO = {"class": "font-monospace"}
TEAM_CREDENTIAL = "Choose a credential of this flow's team."


class CredentialForm(SiteForm):
    name = forms.CharField(max_length=120)
    cloud_id = forms.CharField(max_length=200, label="Cloud id", widget=forms.TextInput(attrs=MONO))
    auth_token = forms.CharField(
        max_length=4000, required=False, label="Auth token",
        # The stored token is never sent back to the browser (the field has no initial value); only a
        # token typed in a refused submit is shown again, to the person who just typed it (__init__).
        widget=forms.PasswordInput(render_value=False, attrs={**MONO, "autocomplete": "new-password"}),
    )
    base_url = forms.CharField(max_length=500, required=False, label="Base URL", widget=forms.TextInput(attrs=MONO))
    send_events = forms.BooleanField(
        required=False, label="Samespace sends call events",
        help_text="Each call asks Samespace to post what happens (answered, keys pressed, where it ended) back "
        "to FlowStudio.",
    )

    def __init__(
        self, *args: Any, creating: bool, teams: list | None = None, masked_token: str = "", sandbox: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        token = self.fields["auth_token"]
        token.required = creating
        token.widget.render_value = self.is_bound
        token.widget.attrs["placeholder"] = (
            "Paste the token from Samespace" if creating else f"Leave empty to keep {masked_token}".strip()
        )
        if sandbox:
            self.fields["base_url"].help_text = (
                "Samespace's API (https). The development sandbox is "
                "<code>http://127.0.0.1:8000/sandbox/api/public/v1</code>."
            )
        if teams and len(teams) > 1:
            self.fields["team"] = forms.TypedChoiceField(choices=[(t.pk, t.name) for t in teams], coerce=int)


    def clean_base_url(self) -> str:
        """Checked here as well as by the service, so a refused URL is said with the other problems at once."""
        url = self.cleaned_data["base_url"].strip()
        problem = check_base_url(url) if url else None
        if problem:
            raise forms.ValidationError(problem)
        return url


class TeamSelect(forms.Select):
    """A select whose options carry ``data-team`` (the calls page shows only the chosen flow's credentials)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teams: dict[str, int] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.teams:
            option["attrs"]["data-team"] = self.teams[str(value)]
        return option


def parse_variables(text: str) -> dict[str, Any]:
    """``name=Ada`` lines (or a JSON object) into contact variables; raises ValidationError."""
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise forms.ValidationError("This is not a JSON object.")
        return value
    variables: dict[str, Any] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep:
            raise forms.ValidationError(f"Write one name=value per line (“{line.strip()}” has no =).")
        variables[name.strip()] = value.strip()
    return variables


class LaunchForm(SiteForm):
    """Launch one call of a published flow: ``flows`` as the calls page lists them (id, name, team,
    version numbers, newest first), ``credentials`` of the same teams."""

    flow = forms.TypedChoiceField(
        coerce=int, widget=TeamSelect,
        error_messages={"required": "Choose a published flow.", "invalid_choice": "Choose a published flow."},
    )
    version = forms.IntegerField(required=False, widget=forms.Select)
    credential = forms.TypedChoiceField(
        coerce=int, widget=TeamSelect,
        error_messages={"required": "Choose a credential.", "invalid_choice": TEAM_CREDENTIAL},
    )
    number = forms.CharField(
        label="Number to call", max_length=64, help_text="With its country code, e.g. +14155550100.",
        widget=forms.TextInput(attrs={"placeholder": "+14155550100", "inputmode": "tel", "autocomplete": "off"}),
    )
    variables = forms.CharField(
        label="Contact variables", required=False,
        help_text="Optional: one <code>name=value</code> per line, for <code>{{contact.name}}</code>.",
        widget=forms.Textarea(attrs={**MONO, "rows": 2, "placeholder": "name=Ada"}),
    )

    def __init__(self, *args: Any, flows: list[dict[str, Any]], credentials: list[Credential], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "launch-%s")
        super().__init__(*args, **kwargs)
        self.flows = {f["id"]: f for f in flows}
        self.credentials = {c.pk: c for c in credentials}
        self.fields["flow"].choices = [(f["id"], f["name"]) for f in flows]
        self.fields["flow"].widget.teams = {str(f["id"]): f["team"] for f in flows}
        self.fields["credential"].choices = [(c.pk, c.name) for c in credentials]
        self.fields["credential"].widget.teams = {str(c.pk): c.team_id for c in credentials}
        # The versions of the chosen flow (the page's script refills them when another flow is chosen).
        chosen = self.flows.get(self._chosen_flow_id()) or (flows[0] if flows else None)
        numbers = chosen["versions"] if chosen else []
        self.fields["version"].widget.choices = [
            (n, f"v{n} (latest)" if i == 0 else f"v{n}") for i, n in enumerate(numbers)
        ]

    def _chosen_flow_id(self) -> int | None:
        raw = self.data.get("flow") if self.is_bound else self.initial.get("flow")
        text = str(raw or "")
        return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None

    def clean_number(self) -> str:
        try:
            return normalise_number(self.cleaned_data["number"])
        except InvalidFields as exc:
            raise forms.ValidationError(exc.extra["fields"]["number"]) from None

    def clean_variables(self) -> dict[str, Any]:
        return parse_variables(self.cleaned_data["variables"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        flow = self.flows.get(data.get("flow"))
        if flow is None:
            return data
        version = data.get("version")
        if version is not None and version not in flow["versions"]:
            self.add_error("version", f"This flow has no version {version}.")
        credential = self.credentials.get(data.get("credential"))
        if credential is not None and credential.team_id != flow["team"]:
            self.add_error("credential", TEAM_CREDENTIAL)
        return data

    def chosen_credential(self) -> Credential:
        return self.credentials[self.cleaned_data["credential"]]


class CallFilterForm(SiteForm):
    """The filters above the calls list (GET). Every malformed filter is shown beside its field."""

    status = forms.CharField(required=False, widget=forms.Select(attrs={"class": "form-select-sm"}))
    flow = forms.CharField(required=False, widget=forms.Select(attrs={"class": "form-select-sm"}))
    date = forms.CharField(label="Day", required=False,
                           widget=forms.DateInput(attrs={"type": "date", "class": "form-control-sm"}))
    number = forms.CharField(required=False, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": "Any", "class": "form-control-sm"}))

    def __init__(self, *args: Any, statuses: list[tuple[str, str]], flows: list[dict[str, Any]], **kwargs: Any):
        kwargs.setdefault("auto_id", "f-%s")
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.choices = [("", "Any"), *statuses]
        self.fields["flow"].widget.choices = [("", "Any"), *((f["id"], f["name"]) for f in flows)]

    def filter(self, calls: QuerySet[Call]) -> QuerySet[Call]:
        """``calls`` narrowed by the filters, typed as the API types them (editor/calls/filters.py);
        none while a filter is malformed (its error is then beside its field)."""
        if not self.is_valid():
            return calls.none()
        typed = CallFilters({name: value for name, value in self.cleaned_data.items() if value})
        if not typed.is_valid():
            for name, problems in typed.errors.items():
                for problem in problems:
                    self.add_error(name if name in self.fields else None, problem)
            return calls.none()
        return filter_calls(calls, typed.cleaned_data)
