"""Tests for the national identity number guard (SECURITY.md item 20)."""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
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
    normalise_for_scan,
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


# --- Spellings: the number as people (and word processors) write it --------------------------------

NUMBERS = {"fnr": FNR, "d": D_NUMBER, "h": H_NUMBER, "2032": NEW_SCHEME}
# Between the date and the personal number: each kind of separator, alone and in short runs.
SEPARATORS = {
    "none": "",
    "space": " ",
    "two spaces": "  ",
    "many spaces": "      ",
    "tab": "\t",
    "line break": "\n",
    "CR LF": "\r\n",
    "paragraph": "\n\n",
    "line break and indent": "\n    ",
    "no-break space": "\u00a0",
    "narrow no-break space": "\u202f",
    "thin space": "\u2009",
    "figure space": "\u2007",
    "ideographic space": "\u3000",
    "line separator": "\u2028",
    "dot": ".",
    "dot space": ". ",
    "slash": "/",
    "spaced slash": " / ",
    "hyphen-minus": "-",
    "spaced hyphen": " - ",
    "hyphen": "\u2010",
    "non-breaking hyphen": "\u2011",
    "figure dash": "\u2012",
    "en dash": "\u2013",
    "spaced en dash": " \u2013 ",
    "em dash": "\u2014",
    "horizontal bar": "\u2015",
    "two-em dash": "\u2e3a",
    "small hyphen-minus": "\ufe63",
    "full-width hyphen-minus": "\uff0d",
    "minus sign": "\u2212",
    "dash and slash": "-/",
}
# Characters that show as nothing, put between every two digits.
FORMAT_CHARACTERS = {
    "zero-width space": "\u200b",
    "zero-width non-joiner": "\u200c",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "soft hyphen": "\u00ad",
    "byte order mark": "\ufeff",
    "left-to-right mark": "\u200e",
    "right-to-left mark": "\u200f",
    "invisible separator": "\u2063",
    "mongolian vowel separator": "\u180e",
    "combining grapheme joiner": "\u034f",
    "variation selector": "\ufe0f",
    "hangul filler": "\u3164",
    "tag space (beyond U+FFFF)": "\U000e0020",
    "combining mark beyond U+FFFF": "\U0001d167",
}


def _digits_as(number: str, form: str) -> str:
    """Write each digit of number in another form."""
    writers = {
        "decimal entity": lambda d: f"&#{ord(d)};",
        "zero-padded entity": lambda d: f"&#00{ord(d)};",
        "hex entity": lambda d: f"&#x{ord(d):x};",
        "upper hex entity": lambda d: f"&#X{ord(d):X};",
        "double-encoded entity": lambda d: f"&amp;#{ord(d)};",
        "full-width": lambda d: chr(0xFF10 + int(d)),
        "full-width entity": lambda d: f"&#x{0xFF10 + int(d):x};",
        "arabic-indic": lambda d: chr(0x0660 + int(d)),
        "devanagari": lambda d: chr(0x0966 + int(d)),
        "mathematical bold": lambda d: chr(0x1D7CE + int(d)),
        "superscript": lambda d: "⁰¹²³⁴⁵⁶⁷⁸⁹"[int(d)],
        "osmanya (beyond U+FFFF)": lambda d: chr(0x104A0 + int(d)),
    }
    return "".join(writers[form](d) for d in number)


DIGIT_FORMS = [
    "decimal entity",
    "zero-padded entity",
    "hex entity",
    "upper hex entity",
    "double-encoded entity",
    "full-width",
    "full-width entity",
    "arabic-indic",
    "devanagari",
    "mathematical bold",
    "superscript",
    "osmanya (beyond U+FFFF)",
]


def spellings(number: str) -> dict[str, str]:
    """Return every spelling of number the guard must see through, by name."""
    date, personal = number[:6], number[6:]
    found = {f"separator: {name}": f"{date}{sep}{personal}" for name, sep in SEPARATORS.items()}
    for name, char in FORMAT_CHARACTERS.items():
        found[f"format character: {name}"] = char.join(number)
        found[f"format character as separator: {name}"] = f"{date}{char}{personal}"
    for form in DIGIT_FORMS:
        found[f"digits: {form}"] = _digits_as(number, form)
        found[f"digits: {form}, spaced"] = f"{_digits_as(date, form)} {_digits_as(personal, form)}"
    dotted = f"{date[:2]}.{date[2:4]}.{date[4:]}"
    for name, sep in {
        "space": " ",
        "dot": ".",
        "hyphen": "-",
        "none": "",
        "en dash": " – ",
    }.items():
        found[f"dotted date, then {name}"] = f"{dotted}{sep}{personal}"
    found["dotted date with zero-width spaces"] = "\u200b".join(dotted) + " " + personal
    found["entity separators: nbsp"] = f"{date}&nbsp;{personal}"
    found["entity separators: shy"] = f"{date}&shy;{personal}"
    found["entity separators: ndash"] = f"{date}&ndash;{personal}"
    found["entity separators: minus"] = f"{date}&minus;{personal}"
    found["entity separators: zero-width space"] = f"{date}&#8203;{personal}"
    found["entity separators: named digits"] = f"{date[:5]}&#{ord(date[5])};&#x2011;{personal}"
    found["markdown: bold personal number"] = f"{date}**{personal}**"
    found["markdown: emphasis inside the date"] = f"{date[:2]}*{date[2:4]}*{date[4:]} {personal}"
    found["markdown: code spans"] = f"`{date}` `{personal}`"
    found["markdown: escaped hyphen"] = f"{date}\\-{personal}"
    found["combining overlay on each digit"] = "".join(d + "\u0336" for d in number)
    found["mixed: full-width date, entity dash, plain personal"] = (
        f"{_digits_as(date, 'full-width')}&#8209;{personal}"
    )
    return found


def _every_spelling() -> list[tuple[str, str, str]]:
    return [
        (kind, name, text)
        for kind, number in NUMBERS.items()
        for name, text in spellings(number).items()
    ]


EVERY_SPELLING = _every_spelling()


def _prose(text: str) -> str:
    return f"Ungdommen ({text}) ble henvist videre."


@pytest.mark.parametrize(
    ("kind", "name", "text"), EVERY_SPELLING, ids=[f"{k}/{n}" for k, n, _t in EVERY_SPELLING]
)
def test_every_spelling_is_found(kind: str, name: str, text: str) -> None:
    assert contains_identity_number(text)
    assert contains_identity_number(_prose(text))
    with pytest.raises(IdentityNumberError):
        ensure_no_identity_number("Tittel", _prose(text))


@pytest.mark.parametrize(
    ("kind", "name", "text"), EVERY_SPELLING, ids=[f"{k}/{n}" for k, n, _t in EVERY_SPELLING]
)
def test_every_spelling_of_an_invalid_figure_passes(kind: str, name: str, text: str) -> None:
    # The same spelling with the last check digit wrong: an ordinary figure, never refused.
    number = NUMBERS[kind]
    wrong = with_wrong_digit(number, 10)
    assert not reference_is_valid(wrong)
    spelt = spellings(wrong)[name]
    assert not contains_identity_number(spelt)
    assert not contains_identity_number(_prose(spelt))


def test_the_spelling_table_is_large_and_fully_refused() -> None:
    # The counts the guard is held to: every spelling of every kind of number is refused, and
    # every spelling of an invalid figure passes.
    tried = len(EVERY_SPELLING)
    refused = sum(contains_identity_number(_prose(text)) for _k, _n, text in EVERY_SPELLING)
    false_positives = sum(
        contains_identity_number(_prose(spellings(with_wrong_digit(NUMBERS[k], 10))[n]))
        for k, n, _t in EVERY_SPELLING
    )
    assert tried == len(NUMBERS) * len(spellings(FNR)) >= 4 * 90
    assert (refused, false_positives) == (tried, 0)


def test_normalisation_sees_what_a_reader_sees() -> None:
    assert normalise_for_scan("0\u200b1\u00ad2") == "012"
    assert normalise_for_scan("１２&#51;&amp;#52;") == "1234"
    assert normalise_for_scan("a\t\n\u00a0 b\u2013c\u2212d") == "a b-c-d"
    assert normalise_for_scan("**12**") == "12"
    # Character references without the semicolon are shown as typed by the Markdown pipeline.
    assert normalise_for_scan("&#49 x") == "&#49 x"


# --- What a "short run" of separators is ---------------------------------------------------------


def _valid_number_on(day: int, month: int, year: int) -> str:
    return valid_number(datetime.date(year, month, day))


def _invalid_number_on(day: int, month: int, year: int) -> str:
    return with_wrong_digit(_valid_number_on(day, month, year), 10)


def test_page_references_with_failing_check_digits_pass() -> None:
    invalid = _invalid_number_on(12, 4, 1988)
    assert invalid.startswith("120488") and not reference_is_valid(invalid)
    personal = invalid[6:]
    for text in (
        f"side 120488 - {personal}?",
        f"Se s. 120488–{personal}.",
        f"120488-{personal}",
        f"120488 / {personal}",
    ):
        assert not contains_identity_number(text), text


def test_the_same_layout_with_valid_check_digits_is_refused() -> None:
    valid = _valid_number_on(12, 4, 1988)
    assert valid.startswith("120488") and reference_is_valid(valid)
    personal = valid[6:]
    for text in (
        f"120488-{personal}",
        f"side 120488 - {personal}?",
        f"120488  \u2013  {personal}",
        f"120488\n\n{personal}",
        f"12.04.88 {personal}",
    ):
        assert contains_identity_number(text), text


@pytest.mark.parametrize(
    "between",
    [
        " -- / ",  # four punctuation marks: not one number
        " . . . . ",
        " og ",
        " | ",
        ", ",
        "; ",
        ": ",
        " kr ",
        "\n-- ",
    ],
)
def test_figures_apart_are_not_glued_into_a_number(between: str) -> None:
    valid = _valid_number_on(12, 4, 1988)
    text = f"Sak 120488{between}{valid[6:]}"
    assert not contains_identity_number(text), repr(text)


def test_more_than_three_separator_characters_are_not_one_number() -> None:
    assert contains_identity_number(f"{FNR[:6]} - {FNR[6:]}")
    assert contains_identity_number(f"{FNR[:6]}.-/{FNR[6:]}")
    assert not contains_identity_number(f"{FNR[:6]}.-/.{FNR[6:]}")
    assert not contains_identity_number(f"{FNR[:6]} -- {FNR[6:]}")


def test_dotted_date_needs_two_digit_parts() -> None:
    birth = datetime.date(1965, 12, 12)
    number = valid_number(birth)
    assert contains_identity_number(f"12.12.65 {number[6:]}")
    assert not contains_identity_number(f"12.12.1965 {number[6:]}")
    assert not contains_identity_number(f"1.12.65 {number[6:]}")
    assert not contains_identity_number(f"12.12.65 {number[6:]}9")


# --- Ordinary figures are never refused -----------------------------------------------------------

ORDINARY_TEXTS = [
    "Ring 22 33 44 55 eller +47 912 34 567.",
    "Mobil: 91234567, sentralbord 815 00 300",
    "Tlf. +4791234567",
    "Kontonummer 1503.12.34567 (feil kontrollsiffer er uten betydning her)",
    "Kontonr. 1234 56 78903",
    "IBAN NO93 8601 1117 947",
    "Org.nr. 974 760 673 MVA",
    "ISBN 978-82-02-12345-6",
    "ISBN 82-02-12345-6",
    "ISBN 9788202123456",
    "ISSN 1502-5276",
    "Møtet var 12.12.2025 kl. 12.00–15.30.",
    "Perioden 01.01.2020–31.12.2023 (s. 12–45)",
    "Se side 120–135 og 2201–2210.",
    "Saksnummer 2024/123456-7",
    "Referanse 24/01234-12",
    "Postnummer 0150 Oslo, postboks 1234",
    "I 2023 var det 120 488 henvendelser og 12 345 vedtak.",
    "Tabell 3: 10 000 000 kr, 12 345,67 kr",
    "Versjon 1.12.12.65",
    "DOI 10.1016/j.childyouth.2019.104567",
    "Dato 2024-05-17, uke 20",
]


@pytest.mark.parametrize("text", ORDINARY_TEXTS)
def test_ordinary_figures_in_prose_pass(text: str) -> None:
    assert not contains_identity_number(text)


# --- Properties ---------------------------------------------------------------------------------


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


INVISIBLE = list(FORMAT_CHARACTERS.values())
PUNCTUATION = [".", "/", "-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\ufe63"]
WHITESPACE = [" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u202f", "\u2009", "\u3000"]


@st.composite
def separator_runs(draw: st.DrawFn) -> str:
    """Draw a short run: whitespace runs (any length) and at most three characters in all."""
    pieces = draw(st.lists(st.sampled_from(WHITESPACE + PUNCTUATION), max_size=3))
    # Whitespace runs count as one character, so two whitespace pieces must not touch.
    run = ""
    for piece in pieces:
        if run and run[-1].isspace() and piece[0].isspace():
            continue
        run += piece
    return run


@st.composite
def spelt(draw: st.DrawFn, number: str) -> str:
    """Spell number: a separator run after the date, digits in random forms, invisibles."""
    forms = ["ascii", "full-width", "entity", "hex entity", "arabic-indic"]
    out = []
    for index, digit in enumerate(number):
        if index == 6:
            out.append(draw(separator_runs()))
        form = draw(st.sampled_from(forms))
        if form == "ascii":
            out.append(digit)
        elif form == "full-width":
            out.append(chr(0xFF10 + int(digit)))
        elif form == "entity":
            out.append(f"&#{ord(digit)};")
        elif form == "hex entity":
            out.append(f"&#x{ord(digit):x};")
        else:
            out.append(chr(0x0660 + int(digit)))
        if index < 10 and draw(st.booleans()):
            out.append(draw(st.sampled_from(INVISIBLE)))
    return "".join(out)


def _no_digits(text: str) -> bool:
    """Tell whether a reader could see a digit in text (independently of the guard)."""
    shown = unicodedata.normalize("NFKC", text)
    return not any(c.isdecimal() for c in shown) and "&" not in text


surrounding = st.text(
    alphabet=st.characters(exclude_categories=("Nd", "No", "Nl", "Cs"), exclude_characters="&"),
    max_size=30,
)


@settings(max_examples=400, deadline=None)
@given(identity_numbers(), st.data(), surrounding, surrounding)
def test_any_valid_number_in_any_spelling_is_found(
    number: str, data: st.DataObject, before: str, after: str
) -> None:
    assume(_no_digits(before) and _no_digits(after))
    assert reference_is_valid(number)
    text = data.draw(spelt(number))
    assert contains_identity_number(f"{before} {text} {after}")
    assert contains_identity_number(f"{before}{text}{after}")


eleven_digits = st.one_of(
    st.text(alphabet="0123456789", min_size=11, max_size=11),
    # Near misses of valid numbers, so both outcomes are well represented.
    st.builds(with_wrong_digit, identity_numbers(), st.integers(0, 10)),
    identity_numbers(),
)


@settings(max_examples=500, deadline=None)
@given(eleven_digits, st.data(), surrounding)
def test_eleven_digits_match_exactly_when_valid(
    digits: str, data: st.DataObject, before: str
) -> None:
    assume(_no_digits(before))
    expected = reference_is_valid(digits)
    assert is_identity_number(digits) == expected
    text = data.draw(spelt(digits))
    assert contains_identity_number(f"{before} {text}.") == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PUNCTUATION), min_size=4, max_size=6), identity_numbers())
def test_long_punctuation_runs_never_join_figures(run: list[str], number: str) -> None:
    assert not contains_identity_number(f"a {number[:6]}{''.join(run)}{number[6:]} b")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=12, max_size=30))
def test_longer_digit_runs_never_match(digits: str) -> None:
    assert not contains_identity_number(f"a {digits} b")
