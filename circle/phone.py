"""Telephone numbers in global form (E.164), as tel: URIs want them (RFC 3966)."""

from __future__ import annotations

import re

COUNTRY_CODE = "47"  # numbers written without a country code are Norwegian
_SEPARATORS = re.compile(r"[\s.\-()/\u00a0]")


def e164(phone: str) -> str | None:
    """Return "+4722334455" for "22 33 44 55", "+47 22 33 44 55" or "0047 22334455".

    None when the text is not one telephone number (an extension, two numbers, letters).
    """
    raw = _SEPARATORS.sub("", phone or "")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if raw.startswith("+"):
        digits = raw[1:]
        if digits.isdigit() and 8 <= len(digits) <= 15 and digits[0] != "0":
            return "+" + digits
        return None
    if raw.isdigit() and len(raw) == 8:  # a Norwegian national number has eight digits
        return f"+{COUNTRY_CODE}{raw}"
    return None


def tel_uri(phone: str) -> str | None:
    """Return the tel: URI of a number in global form, or None when there is none."""
    number = e164(phone)
    return f"tel:{number}" if number else None
