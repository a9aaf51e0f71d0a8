"""Forms of the campaign pages that are not wizards: the results table's filters."""

from __future__ import annotations

from typing import Any

from django import forms


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
