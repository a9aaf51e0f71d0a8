"""The forms of the flows list: a new flow and an imported file (editor/flows/views.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings

from editor.common.forms import TeamChoiceForm

NAME_MAX = 200
# A flow file bigger than this is refused before it is read (the API allows 5 MB of JSON too).
IMPORT_MAX_BYTES = getattr(settings, "API_MAX_JSON_BYTES", 5 * 1024 * 1024)


class TeamForm(TeamChoiceForm):
    team_error = "Choose a team you can edit flows in."


class NewFlowForm(TeamForm):
    name = forms.CharField(
        label="Name", max_length=NAME_MAX, error_messages={"required": "Give the new flow a name."},
        widget=forms.TextInput(attrs={"placeholder": "Appointment reminder", "autofocus": True}),
    )
    description = forms.CharField(label="What is it for?", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "new-%s")
        super().__init__(*args, **kwargs)


class ImportFlowForm(TeamForm):
    file = forms.FileField(
        label="JSON file", error_messages={"required": "Choose a JSON file to import.", "empty": "The file is empty."},
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
    )
    name = forms.CharField(label="Name", max_length=NAME_MAX, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "import-%s")
        super().__init__(*args, **kwargs)
        self.payload: Any = None

    def clean_file(self) -> Any:
        """Read the JSON inside the file, or say in plain words why it cannot be read."""
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            limit = IMPORT_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"This file is too big to import (the limit is {limit} MB).")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("This file is not a text file. Choose the .json file of a call flow.") from None
        try:
            self.payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"This file is not valid JSON: {exc.msg.lower()} on line {exc.lineno}, column {exc.colno}. "
                "Check the file, or copy the flow again from where it came from."
            ) from None
        return upload

    def flow_name(self) -> str:
        """The name typed, else the file's name without its extension."""
        name = self.cleaned_data["name"] or Path(self.cleaned_data["file"].name).stem or "Imported flow"
        return name[:NAME_MAX]
