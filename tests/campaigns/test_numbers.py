"""normalise_number (editor/campaigns/services/numbers.py) looks a number's type up once, and not at
all for a number of an impossible length. These tests hold it to what phonenumbers' plain calls say
(is_valid_number, region_code_for_number, time_zones_for_number), on written numbers of every kind."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import NumberParseException, PhoneNumberFormat
from phonenumbers import timezone as number_zones

from editor.campaigns.services.numbers import _LENGTH_REASONS, _PARSE_REASONS, BadNumber, normalise_number


def plain(raw: str, region: str) -> tuple[str, str] | str:
    """The straightforward way (what normalise_number did before it was made faster): the result or the reason."""
    try:
        number = phonenumbers.parse(raw.strip(), region)
    except NumberParseException as exc:
        return _PARSE_REASONS.get(exc.error_type, "Not a phone number.")
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_number(number) or region
        result = phonenumbers.is_possible_number_with_reason(number)
        reason = _LENGTH_REASONS.get(result, "Not a valid number in {region}.")
        return reason.format(region=where)
    zones = number_zones.time_zones_for_number(number)
    zone = zones[0] if len(zones) == 1 and zones[0] != "Etc/Unknown" else ""
    return phonenumbers.format_number(number, PhoneNumberFormat.E164), zone


def ours(raw: str, region: str) -> tuple[str, str] | str:
    try:
        return normalise_number(raw, region)
    except BadNumber as exc:
        return str(exc)


WRITTEN = ["+12125550100", "(212) 555-0100", "+1 268 464 1234", "+1268", "2684641234", "+1 800 555 0100",
           "+442071838750", "+4420718", "020 7183 8750", "+44 7700 900123", "+33 6 12 34 56 78", "+8613800138000",
           "+61 4 1234 5678", "+49 30 123456", "+7 912 345 67 89", "+870 773 111 632", "+800 1234 5678", "12345",
           "+999 123", "+1 212 555 01", "not-a-number-123456", "+1 212 555 0100 ext 3", "+91 98765 43210"]


@pytest.mark.parametrize("region", ["US", "GB", "FR", "IN"])
@pytest.mark.parametrize("raw", WRITTEN)
def test_written_numbers_read_as_phonenumbers_reads_them(raw, region):
    assert ours(raw, region) == plain(raw, region)


@settings(max_examples=400, deadline=None)
@given(digits=st.text("0123456789", min_size=1, max_size=16), plus=st.booleans(),
       noise=st.sampled_from(["", " ", "-", "(", ") ", "x", "abc"]),
       region=st.sampled_from(["US", "GB", "FR", "CA", "IN"]))
def test_any_digits_read_as_phonenumbers_reads_them(digits, plus, noise, region):
    raw = ("+" if plus else "") + digits[:3] + noise + digits[3:]
    assert ours(raw, region) == plain(raw, region)
