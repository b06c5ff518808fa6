"""Test identity numbers computed with the mod-11 rule (made up, never a real person's)."""

from __future__ import annotations

_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def with_check_digits(first_nine: str) -> str | None:
    """Return the 11-digit number with its two check digits, or None if none exists."""
    digits = [int(d) for d in first_nine]
    k1 = (11 - sum(w * d for w, d in zip(_K1, digits, strict=True)) % 11) % 11
    if k1 == 10:
        return None
    digits.append(k1)
    k2 = (11 - sum(w * d for w, d in zip(_K2, digits, strict=True)) % 11) % 11
    if k2 == 10:
        return None
    return first_nine + str(k1) + str(k2)


def identity_number(date: str = "150387") -> str:
    """Return the first valid number for a birth date (ddmmyy) with personal digits 400 up."""
    for individual in range(400, 500):
        number = with_check_digits(f"{date}{individual:03d}")
        if number:
            return number
    raise AssertionError("no valid number for that date")


FNR = identity_number()
# Eleven digits that fail the check: an ordinary figure the guard must let through.
HARMLESS = FNR[:9] + str((int(FNR[9]) + 1) % 10) + FNR[10]
