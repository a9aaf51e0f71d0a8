"""One typed layer for query parameters: Django form fields that turn any string into a value or a
field error, never an exception further down.

Each app describes its filters as a ``QueryForm`` (editor/<app>/filters.py); the API answers a bad
value with 400 ``validation_failed`` (``QueryForm.parse``), an HTML page shows the form's errors.
What the fields guard against, each seen as a 500 in the field:

* digits that are not ASCII: ``"²".isdigit()`` is true but ``int("²")`` raises, and ``int("٣")`` is 3;
* NUL characters, which PostgreSQL text refuses (Django's CharField already rejects them);
* ids beyond a bigint, and dates so far out that a day more overflows ``datetime.date``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone

from editor.common.errors import InvalidFields

MAX_ID = 2**63 - 1
# Calendar bounds of every date a filter accepts: far enough for any real call or campaign, near
# enough that adding a day or a week never overflows.
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(2999, 12, 31)
MAX_TEXT = 200


def ascii_int(text: str) -> int | None:
    """The value of a string of ASCII digits (at most 18 of them, so it fits a bigint), else None."""
    text = text.strip()
    if text and len(text) <= 18 and text.isascii() and text.isdigit():
        return int(text)
    return None


class TextField(forms.CharField):
    """Text without NUL characters, stripped, at most ``max_length`` (default MAX_TEXT) characters."""

    def __init__(self, *, max_length: int = MAX_TEXT, required: bool = False, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, required=required, **kwargs)


class QueryField(forms.Field):
    """A query parameter: optional unless said otherwise (a missing one filters nothing)."""

    def __init__(self, *, required: bool = False, **kwargs: Any) -> None:
        super().__init__(required=required, **kwargs)


class IdField(QueryField):
    """A row id: ASCII digits only, within a bigint."""

    default_error_messages = {"invalid": "Use an id (a whole number)."}

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = ascii_int(str(value))
        if number is None or number > MAX_ID:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class BoundedIntField(QueryField):
    """A whole number in ASCII digits between ``min_value`` and ``max_value``."""

    def __init__(self, *, min_value: int, max_value: int, required: bool = False, **kwargs: Any) -> None:
        super().__init__(required=required, **kwargs)
        self.min_value, self.max_value = min_value, max_value

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = ascii_int(str(value))
        if number is None or not self.min_value <= number <= self.max_value:
            raise ValidationError(
                f"Use a whole number from {self.min_value} to {self.max_value}.", code="invalid"
            )
        return number


class IdListField(QueryField):
    """Comma-separated ids, at most ``max_items`` of them."""

    def __init__(self, *, max_items: int = 200, required: bool = False, **kwargs: Any) -> None:
        super().__init__(required=required, **kwargs)
        self.max_items = max_items

    def to_python(self, value: Any) -> list[int]:
        if value in self.empty_values:
            return []
        parts = [part for part in str(value).split(",") if part]
        numbers = [ascii_int(part) for part in parts]
        if len(parts) > self.max_items or any(n is None or n > MAX_ID for n in numbers):
            raise ValidationError(f"Use up to {self.max_items} comma-separated ids.", code="invalid")
        return [n for n in numbers if n is not None]


class ChoiceListField(QueryField):
    """Comma-separated values, each one of ``choices`` (``strict=False`` drops unknown ones instead)."""

    def __init__(self, *, choices: list[str], strict: bool = True, required: bool = False, **kwargs: Any) -> None:
        super().__init__(required=required, **kwargs)
        self.choices, self.strict = list(choices), strict

    def to_python(self, value: Any) -> list[str]:
        if value in self.empty_values:
            return []
        ProhibitNullCharactersValidator()(str(value))
        wanted = [part for part in str(value).split(",") if part]
        unknown = [part for part in wanted if part not in self.choices]
        if unknown and self.strict:
            raise ValidationError(
                f"Unknown value {unknown[0][:40]!r}; use {', '.join(self.choices)}.", code="invalid_choice"
            )
        return [part for part in wanted if part in self.choices]


class FlagField(QueryField):
    """A yes/no switch: 1, true, yes, on / 0, false, no, off (any case); absent is no."""

    TRUE = frozenset({"1", "true", "yes", "on"})
    FALSE = frozenset({"0", "false", "no", "off", ""})

    def to_python(self, value: Any) -> bool:
        text = "" if value is None else str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValidationError("Use true or false.", code="invalid")


def _check_day(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(f"Use a date from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}.", code="range")
    return day


def _iso_day(text: str) -> date:
    if not text.isascii():
        raise ValidationError("Use a date like 2026-01-31.", code="invalid")
    try:
        return _check_day(date.fromisoformat(text))
    except ValueError:
        raise ValidationError("Use a date like 2026-01-31.", code="invalid") from None


class DayField(QueryField):
    """A calendar day written 2026-01-31, between FIRST_DAY and LAST_DAY."""

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        return _iso_day(str(value).strip())


class MomentField(QueryField):
    """A day (its midnight in TIME_ZONE) or an ISO date-time, made aware, between the day bounds."""

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text) if text.isascii() else None
        except ValueError:
            moment = None
        if moment is None:
            return timezone.make_aware(datetime.combine(_iso_day(text), time.min))
        _check_day(moment.date())
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class QueryForm(forms.Form):
    """The query parameters of one page or endpoint. Unknown parameters are ignored."""

    @classmethod
    def parse(cls, params: Any) -> dict[str, Any]:
        """The cleaned values, or InvalidFields (400 ``validation_failed``) naming each bad parameter."""
        form = cls(params)
        if not form.is_valid():
            raise InvalidFields({name: list(problems) for name, problems in form.errors.items()})
        return form.cleaned_data

    def errors_text(self) -> str:
        """One line for a page's message: ``name: problem`` for each bad parameter."""
        return " ".join(f"{name}: {problems[0]}" for name, problems in self.errors.items())


class TeamFilter(QueryForm):
    """``?team=``: a list that several of a user's teams share, narrowed to one of them."""

    team = IdField()
