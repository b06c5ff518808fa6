"""Circles: creation, settings, phases, main questions, units and the home page."""

from __future__ import annotations

from datetime import date

import pytest

from circle.circles import services
from circle.errors import Conflict, DomainError, NotAllowed
from circle.models import Circle, PhaseKind, Role, SiteKind, UnitKind
from tests.circle.test_auth import _valid_fnr


def test_admin_creates_circle_and_slug_rules(session, make_member):
    admin = make_member(admin=True)
    circle = services.create_circle(
        session,
        actor=admin,
        name="Overganger",
        slug="overganger",
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 6, 30),
    )
    assert circle.id
    with pytest.raises(Conflict):
        services.create_circle(session, actor=admin, name="X", slug="overganger")
    for bad in ["A", "Med Mellomrom", "æøå-sirkel", "-start"]:
        with pytest.raises(DomainError):
            services.create_circle(session, actor=admin, name="X", slug=bad)
    with pytest.raises(DomainError):
        services.create_circle(
            session,
            actor=admin,
            name="X",
            slug="periode",
            starts_on=date(2027, 1, 1),
            ends_on=date(2026, 1, 1),
        )
    with pytest.raises(DomainError):
        services.create_circle(session, actor=admin, name=f"Navn {_valid_fnr()}", slug="fnr")
    with pytest.raises(NotAllowed):
        services.create_circle(session, actor=make_member(), name="X", slug="ikke-admin")


def test_create_through_page(client, session, make_member, login):
    login(make_member(admin=True))
    response = client.post(
        "/circles/new",
        data={
            "name": "Ny sirkel",
            "slug": "ny-sirkel",
            "institution": "VID",
            "description": "**Hei**",
        },
    )
    assert response.status_code == 302
    assert session.query(Circle).filter_by(slug="ny-sirkel").one().institution == "VID"
    again = client.post("/circles/new", data={"name": "Igjen", "slug": "ny-sirkel"})
    assert again.status_code == 200 and "allerede i bruk" in again.get_data(as_text=True)


def test_phases_questions_units_sites(session, make_circle, make_member):
    circle = make_circle()
    leader = make_member(circle=circle, role=Role.LEADER)
    participant = make_member(circle=circle)
    services.add_phase(
        session,
        circle,
        actor=leader,
        kind=PhaseKind.OPENING,
        name="Innledning",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 8, 31),
    )
    services.add_phase(
        session,
        circle,
        actor=leader,
        kind=PhaseKind.PROJECT,
        name="Prosjekt",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 5, 31),
    )
    with pytest.raises(Conflict):
        services.add_phase(
            session,
            circle,
            actor=leader,
            kind=PhaseKind.CLOSING,
            name="Overlapp",
            starts_on=date(2027, 5, 1),
            ends_on=date(2027, 6, 30),
        )
    with pytest.raises(NotAllowed):
        services.add_phase(
            session,
            circle,
            actor=participant,
            kind=PhaseKind.CLOSING,
            name="X",
            starts_on=date(2027, 6, 1),
            ends_on=date(2027, 6, 30),
        )
    assert circle.current_phase(date(2026, 10, 1)).name == "Prosjekt"
    assert circle.current_phase(date(2028, 1, 1)) is None
    services.set_main_questions(session, circle, actor=leader, texts=["Én", " ", "To"])
    assert [q.text for q in circle.questions] == ["Én", "To"]
    unit = services.add_unit(session, circle, actor=leader, name="Asker", kind=UnitKind.KOMMUNE)
    with pytest.raises(Conflict):
        services.add_unit(session, circle, actor=leader, name="asker", kind=UnitKind.KOMMUNE)
    site = services.add_service_site(
        session, unit, actor=leader, name="NAV Asker", kind=SiteKind.NAV
    )
    assert site.unit is unit


def test_home_page_shows_timeline_and_sanitised_description(
    client, session, make_circle, make_member, login
):
    circle = make_circle()
    circle.description = "Om oss <script>alert(1)</script> [lenke](javascript:alert(1))"
    leader = make_member(circle=circle, role=Role.LEADER)
    today = date.today()
    services.add_phase(
        session,
        circle,
        actor=leader,
        kind=PhaseKind.OPENING,
        name="Nåfasen",
        starts_on=today.replace(day=1),
        ends_on=date(today.year + 1, 1, 1),
    )
    session.commit()
    login(leader)
    page = client.get(f"/c/{circle.slug}").get_data(as_text=True)
    assert 'aria-current="step"' in page and "Nåfasen" in page
    assert "<script>alert" not in page and "javascript:" not in page


def test_settings_forms_report_errors(client, make_circle, make_member, login):
    circle = make_circle()
    login(make_member(circle=circle, role=Role.LEADER))
    response = client.post(
        f"/c/{circle.slug}/phases",
        data={"kind": "opening", "name": "", "starts_on": "2026-02-01", "ends_on": "2026-01-01"},
        follow_redirects=True,
    )
    assert "Feltet må fylles ut" in response.get_data(as_text=True)
    response = client.post(
        f"/c/{circle.slug}/phases",
        data={
            "kind": "opening",
            "name": "Feil",
            "starts_on": "2026-02-01",
            "ends_on": "2026-01-01",
        },
        follow_redirects=True,
    )
    assert "Sluttdatoen kan ikke være før startdatoen" in response.get_data(as_text=True)
