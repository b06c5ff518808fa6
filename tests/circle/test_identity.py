"""Tests for the national identity number guard (SECURITY.md item 20)."""

from __future__ import annotations

import calendar
import datetime
import re
from types import SimpleNamespace

import flask
import flask_babel
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField, TextAreaField
from wtforms.validators import ValidationError

from circle.identity import (
    IdentityNumberError,
    NoIdentityNumber,
    contains_identity_number,
    ensure_no_identity_number,
    is_identity_number,
)

MESSAGE = (
    "Teksten ser ut til å inneholde et fødselsnummer eller D-nummer. Av hensyn til "
    "taushetsplikten kan slike opplysninger ikke lagres her. Fjern nummeret og prøv igjen."
)
K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2]
K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
# Skatteetaten's published examples for the 2032 scheme (fictional persons).
SKATTEETATEN_EXAMPLES = ["02013299997", "30108299920", "30108299939", "02013299903"]


def make_number(
    birth: datetime.date,
    individual: int,
    *,
    kind: str = "fnr",
    k1_remainder: int = 0,
    day: int | None = None,
    month: int | None = None,
) -> str | None:
    """Build an identity number with correct check digits, or None if none exists."""
    dd = (birth.day if day is None else day) + (40 if kind == "d" else 0)
    mm = (birth.month if month is None else month) + (40 if kind == "h" else 0)
    digits = [int(c) for c in f"{dd:02d}{mm:02d}{birth.year % 100:02d}{individual:03d}"]
    k1 = (k1_remainder - sum(w * d for w, d in zip(K1_WEIGHTS, digits, strict=True))) % 11
    if k1 == 10:
        return None
    digits.append(k1)
    k2 = -sum(w * d for w, d in zip(K2_WEIGHTS, digits, strict=True)) % 11
    if k2 == 10:
        return None
    return "".join(map(str, digits)) + str(k2)


def valid_number(birth: datetime.date, *, kind: str = "fnr", k1_remainder: int = 0) -> str:
    """Return the first valid number for birth, trying individual numbers from 999 down."""
    for individual in range(999, -1, -1):
        number = make_number(birth, individual, kind=kind, k1_remainder=k1_remainder)
        if number is not None:
            return number
    raise AssertionError("no valid individual number")


def reference_is_valid(number: str) -> bool:
    """Check a number independently: the published formulas, written out plainly."""
    if not re.fullmatch(r"[0-9]{11}", number):
        return False
    dd, mm, yy = int(number[0:2]), int(number[2:4]), int(number[4:6])
    readings = [(dd, mm)]
    if dd >= 41:
        readings.append((dd - 40, mm))  # D-nummer
    if mm >= 41:
        readings.append((dd, mm - 40))  # H-nummer
    years = [year for year in range(1854, 2040) if year % 100 == yy]
    date_ok = any(
        1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]
        for day, month in readings
        for year in years
    )
    d = [int(c) for c in number]
    s1 = 3 * d[0] + 7 * d[1] + 6 * d[2] + 1 * d[3] + 8 * d[4] + 9 * d[5] + 4 * d[6] + 5 * d[7]
    s1 += 2 * d[8]
    # Skatteetaten: k1 = {11, 12, 13, 14} - (s1 mod 11); 11 means 0 and 10 is never valid.
    allowed_k1 = {(r - s1 % 11) % 11 for r in (11, 12, 13, 14)} - {10}
    s2 = 5 * d[0] + 4 * d[1] + 3 * d[2] + 2 * d[3] + 7 * d[4] + 6 * d[5] + 5 * d[6] + 4 * d[7]
    s2 += 3 * d[8] + 2 * d[9]
    k2 = (11 - s2 % 11) % 11
    return date_ok and d[9] in allowed_k1 and k2 != 10 and d[10] == k2


def with_wrong_digit(number: str, position: int) -> str:
    """Return number with the digit at position changed."""
    return number[:position] + str((int(number[position]) + 1) % 10) + number[position + 1 :]


FNR = valid_number(datetime.date(1990, 1, 1))
D_NUMBER = valid_number(datetime.date(1985, 7, 14), kind="d")
H_NUMBER = valid_number(datetime.date(2003, 11, 30), kind="h")
NEW_SCHEME = valid_number(datetime.date(1982, 10, 30), k1_remainder=3)


def test_helpers_agree_with_skatteetaten_examples() -> None:
    # Guards the test's own generator and reference against the published examples.
    assert make_number(datetime.date(2032, 1, 2), 999) == "02013299997"
    assert make_number(datetime.date(1982, 10, 30), 999) == "30108299920"
    assert make_number(datetime.date(1982, 10, 30), 999, k1_remainder=1) == "30108299939"
    assert all(reference_is_valid(number) for number in SKATTEETATEN_EXAMPLES)
    assert D_NUMBER[0] in "4567" and H_NUMBER[2] in "45"
    assert reference_is_valid(FNR) and reference_is_valid(D_NUMBER)
    assert reference_is_valid(H_NUMBER) and reference_is_valid(NEW_SCHEME)


# --- Valid numbers are found ----------------------------------------------------------------------


@pytest.mark.parametrize("number", [FNR, D_NUMBER, H_NUMBER, NEW_SCHEME, *SKATTEETATEN_EXAMPLES])
def test_valid_numbers_are_identity_numbers(number: str) -> None:
    assert is_identity_number(number)
    assert contains_identity_number(number)


@pytest.mark.parametrize("number", [FNR, D_NUMBER, H_NUMBER, NEW_SCHEME])
@pytest.mark.parametrize("separator", [" ", ".", "-", "\u00a0", "\u2013"])
def test_single_separator_after_the_date_is_found(number: str, separator: str) -> None:
    assert contains_identity_number(f"{number[:6]}{separator}{number[6:]}")


@pytest.mark.parametrize(
    "template",
    [
        "{}",
        "{} er fødselsnummeret hennes.",
        "Ungdommen (fnr. {}) ble henvist til barnevernet.",
        "Saken gjelder gutten med D-nummer {}",
        "Notat:\n\n- navn: Ola\n- nr: {}\n",
        "Se vedlegg «{}».",
        "fnr:{},tlf:22334455",
    ],
)
@pytest.mark.parametrize("number", [FNR, D_NUMBER, H_NUMBER])
def test_numbers_in_norwegian_prose_are_found(template: str, number: str) -> None:
    assert contains_identity_number(template.format(number))
    spaced = f"{number[:6]} {number[6:]}"
    assert contains_identity_number(template.format(spaced))


def test_number_after_an_invalid_eleven_digit_run_is_found() -> None:
    assert contains_identity_number(f"Kontonr 12345678901 og {FNR}")
    assert contains_identity_number(f"123456 {FNR[:6]} {FNR[6:]}")


def test_full_width_digits_are_found() -> None:
    full_width = "".join(chr(0xFF10 + int(c)) for c in FNR)
    assert contains_identity_number(f"Nummer {full_width}.")


def test_leap_day_is_valid_in_a_leap_year() -> None:
    number = valid_number(datetime.date(2000, 2, 29))
    assert contains_identity_number(number)


# --- Everything else passes -----------------------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", "Ingen tall her.", "Møtet er 01.01.2025 kl. 12."])
def test_text_without_numbers_passes(text: str | None) -> None:
    assert not contains_identity_number(text)


@pytest.mark.parametrize("number", [FNR, D_NUMBER, H_NUMBER, NEW_SCHEME])
@pytest.mark.parametrize("position", range(11))
def test_any_single_wrong_digit_is_not_a_match(number: str, position: int) -> None:
    # The second check digit weighs all ten digits before it, so one changed digit always
    # breaks it, whichever scheme the first check digit follows.
    wrong = with_wrong_digit(number, position)
    assert not reference_is_valid(wrong)
    assert not contains_identity_number(wrong)


def test_wrong_check_digits_are_not_matches() -> None:
    wrong_k2 = FNR[:10] + str((int(FNR[10]) + 1) % 10)
    assert not reference_is_valid(wrong_k2)
    assert not contains_identity_number(f"fnr {wrong_k2}")
    # A first check digit leaving remainder 4 is valid in neither scheme.
    birth = datetime.date(1990, 1, 1)
    bad_k1 = next(
        n for i in range(1000) if (n := make_number(birth, i, k1_remainder=4)) is not None
    )
    assert not reference_is_valid(bad_k1)
    assert not contains_identity_number(bad_k1)


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [(32, 1, 1990), (0, 1, 1990), (1, 13, 1990), (1, 0, 1990), (29, 2, 2001), (31, 4, 1990)],
)
def test_impossible_dates_are_not_matches(day: int, month: int, year: int) -> None:
    # Check digits are right, so only the date makes these invalid.
    birth = datetime.date(year, 1, 1)
    for individual in range(0, 1000, 97):
        number = make_number(birth, individual, day=day, month=month)
        if number is not None:
            assert not reference_is_valid(number)
            assert not contains_identity_number(f"nr {number}")


def test_d_and_h_together_are_not_a_match() -> None:
    birth = datetime.date(1990, 3, 10)
    number = next(
        n for i in range(1000) if (n := make_number(birth, i, day=50, month=43)) is not None
    )
    assert not contains_identity_number(number)


@pytest.mark.parametrize(
    "text",
    [
        "12345678901",
        "Kontonummer 1234.56.78903",
        "Telefon +47 22 33 44 55, org.nr. 974 760 673",
        "Saksnummer 2024/123456-7",
        "Beløp: 10 000 000 000 kr",
        "00000000000",
    ],
)
def test_ordinary_figures_pass(text: str) -> None:
    digits = re.sub(r"[^0-9]", "", text)
    assert not (len(digits) == 11 and reference_is_valid(digits))
    assert not contains_identity_number(text)


@pytest.mark.parametrize(
    "text",
    [
        FNR + "7",
        "7" + FNR,
        f"{FNR[:6]} {FNR[6:]}7",
        f"7{FNR[:6]}.{FNR[6:]}",
        f"IBAN NO93{FNR}0",
    ],
)
def test_longer_digit_runs_are_not_matches(text: str) -> None:
    assert not contains_identity_number(text)


def test_more_than_one_separator_is_not_a_match() -> None:
    assert not contains_identity_number(f"{FNR[:6]}  {FNR[6:]}")
    assert not contains_identity_number(f"{FNR[:6]} .{FNR[6:]}")


@pytest.mark.parametrize("value", ["1234567890", "123456789012", "abcdefghijk", "0101901234５"])
def test_is_identity_number_needs_exactly_eleven_ascii_digits(value: str) -> None:
    assert not is_identity_number(value)


# --- The error and the validator ------------------------------------------------------------------


def test_ensure_no_identity_number_accepts_clean_texts() -> None:
    ensure_no_identity_number()
    ensure_no_identity_number(None, "", "Tittel", "Møtereferat uten nummer 12345678901")


def test_ensure_no_identity_number_checks_every_text() -> None:
    with pytest.raises(IdentityNumberError) as excinfo:
        ensure_no_identity_number("Tittel", None, f"Beskrivelse {FNR[:6]}.{FNR[6:]}")
    assert isinstance(excinfo.value, ValueError)
    assert str(excinfo.value) == MESSAGE


@pytest.mark.parametrize("number", [FNR, D_NUMBER, H_NUMBER])
def test_error_never_echoes_the_number(number: str) -> None:
    with pytest.raises(IdentityNumberError) as excinfo:
        ensure_no_identity_number(f"Nr. {number}")
    error = excinfo.value
    for rendered in (str(error), repr(error), str(error.args)):
        assert number not in rendered
        assert number[:6] not in rendered
    assert not re.search(r"[0-9]", str(error))


def test_message_renders_inside_a_babel_app() -> None:
    app = flask.Flask(__name__)
    flask_babel.Babel(app, locale_selector=lambda: "nb")
    with app.test_request_context():
        assert str(IdentityNumberError()) == MESSAGE


class _TextForm(Form):
    title = StringField(validators=[NoIdentityNumber()])
    body = TextAreaField(validators=[NoIdentityNumber(message="Eget budskap")])


def test_validator_accepts_clean_form() -> None:
    form = _TextForm(MultiDict({"title": "Møte 12345678901", "body": "Referat"}))
    assert form.validate()


def test_validator_refuses_number_with_the_message() -> None:
    form = _TextForm(MultiDict({"title": f"Om {FNR[:6]} {FNR[6:]}", "body": f"x {D_NUMBER}"}))
    assert not form.validate()
    assert [str(e) for e in form.errors["title"]] == [MESSAGE]
    assert [str(e) for e in form.errors["body"]] == ["Eget budskap"]


@pytest.mark.parametrize("data", [None, 42, b"01019012345", {"a": FNR}])
def test_validator_ignores_non_text_data(data: object) -> None:
    NoIdentityNumber()(None, SimpleNamespace(data=data))


def test_validator_checks_each_value_of_a_list() -> None:
    NoIdentityNumber()(None, SimpleNamespace(data=["a", "b"]))
    with pytest.raises(ValidationError):
        NoIdentityNumber()(None, SimpleNamespace(data=["a", f"b {H_NUMBER}"]))


# --- Properties -----------------------------------------------------------------------------------


@st.composite
def identity_numbers(draw: st.DrawFn) -> str:
    """Draw a valid fødselsnummer, D- or H-nummer, old or 2032 scheme."""
    birth = draw(st.dates(datetime.date(1854, 1, 1), datetime.date(2039, 12, 31)))
    number = make_number(
        birth,
        draw(st.integers(0, 999)),
        kind=draw(st.sampled_from(["fnr", "d", "h"])),
        k1_remainder=draw(st.sampled_from([0, 1, 2, 3])),
    )
    assume(number is not None)
    assert number is not None
    return number


def _no_digit_at(text: str, index: int) -> bool:
    return not text or not text[index].isdecimal()


surrounding_text = st.text(max_size=40)
separators = st.sampled_from(["", " ", ".", "-"])


@settings(max_examples=300, deadline=None)
@given(identity_numbers(), separators, surrounding_text, surrounding_text)
def test_any_valid_number_in_any_text_is_found(
    number: str, separator: str, before: str, after: str
) -> None:
    assume(_no_digit_at(before, -1) and _no_digit_at(after, 0))
    assert reference_is_valid(number)
    assert contains_identity_number(f"{before}{number[:6]}{separator}{number[6:]}{after}")


eleven_digits = st.one_of(
    st.text(alphabet="0123456789", min_size=11, max_size=11),
    # Near misses of valid numbers, so both outcomes are well represented.
    st.builds(with_wrong_digit, identity_numbers(), st.integers(0, 10)),
    identity_numbers(),
)


@settings(max_examples=500, deadline=None)
@given(eleven_digits, separators)
def test_eleven_digits_match_exactly_when_valid(digits: str, separator: str) -> None:
    expected = reference_is_valid(digits)
    assert is_identity_number(digits) == expected
    assert contains_identity_number(f"Tall: {digits[:6]}{separator}{digits[6:]}.") == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=12, max_size=30))
def test_longer_digit_runs_never_match(digits: str) -> None:
    assert not contains_identity_number(f"a {digits} b")
