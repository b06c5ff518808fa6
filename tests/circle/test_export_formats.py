"""Directory exports read back by independent readers: vCard by vobject, CSV by pandas."""

from __future__ import annotations

import io

import pandas
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circle.csv_export import csv_safe, csv_text
from circle.members.export import directory_vcards
from circle.models import Member, Membership, Role
from circle.phone import e164
from tests.nasty_text import NASTY


def _membership(name: str, title: str, phone: str, org: str, email: str) -> Membership:
    member = Member(name=name, email=email, job_title=title, phone=phone)
    return Membership(member=member, role=Role.PARTICIPANT, organisation=org, unit=None)


def _normal(value: str) -> str:
    # What a vCard TEXT value is after a round trip: every kind of line break is a newline.
    return value.replace("\r\n", "\n").replace("\r", "\n")


def test_tel_uris_in_global_form_and_title_semicolon_unescaped():
    """TEL is tel:+47... (E.164); a title keeps its semicolon without a backslash."""
    card_text = directory_vcards(
        [
            _membership(
                "Kari Nordmann", "Leder; barnevern", "+47 22 33 44 55", "Bydel Stovner", "k@x.no"
            )
        ]
    )
    assert "TITLE:Leder; barnevern\r\n" in card_text
    assert "TEL;VALUE=uri;TYPE=work,voice:tel:+4722334455\r\n" in card_text
    card = vobject.readOne(card_text)
    assert card.tel.value == "tel:+4722334455"
    assert card.title.value == "Leder; barnevern"
    assert card.org.value == ["Bydel Stovner"]
    assert e164("22 33 44 55") == "+4722334455"
    assert e164("0047 915 00 000") == "+4791500000"
    assert e164("+46 8 123 456 78") == "+46812345678"
    assert e164("22 33 44 55 / 91 50 00 00") is None
    # A number that is not one number stays text, escaped, never a broken tel: URI.
    other = vobject.readOne(
        directory_vcards([_membership("A B", "", "sentralbord, tast 2", "", "a@x.no")])
    )
    assert other.tel.value == "sentralbord, tast 2"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NASTY, title=NASTY, phone=NASTY, org=NASTY, email=NASTY)
def test_vcard_fields_never_add_a_property(name, title, phone, org, email):
    """Whatever the fields hold, each card has exactly its properties, with the same values."""
    name = name or "x"
    text = directory_vcards(
        [_membership(name, title, phone, org, email), _membership("Ola B", "", "", "", "o@x.no")]
    )
    cards = list(vobject.readComponents(text))
    assert len(cards) == 2
    card = cards[0]
    expected = {"version", "fn", "n", "email"} | ({"title"} if title else set())
    expected |= {"org"} if org else set()
    expected |= {"tel"} if phone else set()
    assert set(card.contents) == expected
    assert card.fn.value == _normal(name)
    assert card.email.value == _normal(email)
    if title:
        assert card.title.value == _normal(title)
    if org:
        assert card.org.value == [_normal(org)]
    if phone:
        assert card.tel.value in {_normal(phone), f"tel:{e164(phone)}"}
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_csv_guard_only_what_a_spreadsheet_would_run():
    """Phone numbers and negative numbers are data; formulas get the apostrophe."""
    for data in ("+47 22 33 44 55", "-12,5", "-3", "22 33 44 55", "Bydel Stovner", ""):
        assert csv_safe(data) == data
    for formula in ("=1+1", "+SUM(A1)", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx", "+x"):
        assert csv_safe(formula) == "'" + formula


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(NASTY, min_size=3, max_size=3), min_size=1, max_size=4))
def test_csv_cells_never_add_a_row_or_column(rows):
    """pandas' C parser reads back exactly the rows and cells that were written."""
    text = csv_text(["a", "b", "c"], rows)
    frame = pandas.read_csv(
        io.StringIO(text.lstrip("\ufeff")),
        sep=";",
        dtype=str,
        keep_default_na=False,
        engine="c",
        lineterminator=None,
    )
    assert list(frame.columns) == ["a", "b", "c"]
    assert frame.values.tolist() == [[csv_safe(v) for v in row] for row in rows]


def test_members_csv_content_type_has_one_charset(client, login, make_circle, make_member):
    """The header is "text/csv; charset=utf-8", once; vCard the same."""
    circle = make_circle()
    leader = make_member(circle=circle, role=Role.LEADER)
    login(leader)
    for ext, kind in (("csv", "text/csv"), ("vcf", "text/vcard")):
        response = client.get(f"/c/{circle.slug}/members.{ext}")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == f"{kind}; charset=utf-8"


def test_stored_csv_downloads_with_one_charset(app, tmp_path):
    """An uploaded CSV comes back as "text/csv; charset=utf-8", not with the charset twice."""
    from circle.files import download_response
    from circle.models import StoredFile
    from circle.storage import LocalStorage

    stored = StoredFile(
        key="ab" + "c" * 30,
        original_name="liste.csv",
        content_type="text/csv; charset=utf-8",
        size=4,
        sha256="0" * 64,
    )
    storage = LocalStorage(tmp_path)
    storage.put_pending(stored.key, b"a;b\n")
    storage.publish(stored.key)
    with app.test_request_context("/"):
        response = download_response(stored, storage)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
