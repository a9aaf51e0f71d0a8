"""Phone numbers as people write them → E.164 and the callee's time zone (phonenumbers), with the
reason in plain words when a value is not a number. Used by the contact and do-not-call imports and
the do-not-call form."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType, ValidationResult
from phonenumbers import timezone as number_zones

_EXCEL_FLOAT = re.compile(r"^\+?\d+\.0+$")
_EXCEL_EXP = re.compile(r"^[+-]?\d(\.\d+)?[eE]\+?\d+$")
# What a phone number looks like before anyone checks it: digits, maybe a +, spaces, dots, dashes,
# brackets. A header cell never looks like this (services/csvfile.py asks about the header line).
_NUMBER_LIKE = re.compile(r"^\+?[\d\s().\-/]{6,}$")


_POSSIBLE = (ValidationResult.IS_POSSIBLE, ValidationResult.IS_POSSIBLE_LOCAL_ONLY)


class BadNumber(ValueError):
    pass


_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: "No valid country code: write it with + and the country code, "
                                                "or set the campaign's default country.",
    NumberParseException.NOT_A_NUMBER: "Not a phone number.",
    NumberParseException.TOO_SHORT_AFTER_IDD: "Too short to be a phone number.",
    NumberParseException.TOO_SHORT_NSN: "Too short to be a phone number.",
    NumberParseException.TOO_LONG: "Too long to be a phone number.",
}
_LENGTH_REASONS = {
    ValidationResult.TOO_SHORT: "Too short for a number in {region}.",
    ValidationResult.TOO_LONG: "Too long for a number in {region}.",
    ValidationResult.INVALID_LENGTH: "Wrong number of digits for a number in {region}.",
    ValidationResult.INVALID_COUNTRY_CODE: "Unknown country code.",
}


def normalise_number(raw: str, region: str) -> tuple[str, str]:
    """``(E.164, callee zone or "")`` for ``raw`` read with the default ``region``; raises BadNumber.

    The zone is given only when phonenumbers knows exactly one for the number.
    """
    text = raw.strip()
    if not text:
        raise BadNumber("No phone number in this row.")
    if _EXCEL_EXP.match(text):
        raise BadNumber("The spreadsheet turned this number into scientific notation; format the column as text.")
    if _EXCEL_FLOAT.match(text):
        text = text.split(".", 1)[0]
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as exc:
        raise BadNumber(_PARSE_REASONS.get(exc.error_type, "Not a phone number.")) from None
    # One type lookup answers both "valid?" (is_valid_number is number_type != UNKNOWN) and the time
    # zones (time_zones_for_number looks the type up again), and a number of an impossible length skips
    # it: each lookup walks every region of the calling code (25 for +1), most of an import's time.
    result = phonenumbers.is_possible_number_with_reason(number)
    kind = phonenumbers.number_type(number) if result in _POSSIBLE else PhoneNumberType.UNKNOWN
    if kind == PhoneNumberType.UNKNOWN:
        where = phonenumbers.region_code_for_number(number) or region
        reason = _LENGTH_REASONS.get(result, "Not a valid number in {region}.")
        raise BadNumber(reason.format(region=where))
    if phonenumbers.is_number_type_geographical(kind, number.country_code):
        zones = number_zones.time_zones_for_geographical_number(number)
    else:
        zones = number_zones.time_zones_for_number(number)
    zone = zones[0] if len(zones) == 1 and zones[0] != "Etc/Unknown" else ""
    return phonenumbers.format_number(number, PhoneNumberFormat.E164), zone


def looks_like_number(value: str) -> bool:
    """Whether a cell looks like a phone number (valid or not): digits with phone punctuation."""
    return bool(_NUMBER_LIKE.match(value.strip()))
