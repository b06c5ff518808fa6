"""Invitations, roles, the participant directory and its exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from circle.errors import Conflict, DomainError, NotAllowed
from circle.extensions import db
from circle.members import services
from circle.models import AuditEvent, Invitation, Member, Membership, Role, utcnow


@pytest.fixture
def leader(make_circle, make_member):
    circle = make_circle()
    return make_member(name="Lise Leder", circle=circle, role=Role.LEADER), circle


def _invite_link(mailbox) -> str:  # noqa: ANN001
    body = mailbox[-1].get_body(("plain",)).get_content()
    return re.search(r"http://sirkel\.test(/invitation/\S+)", body).group(1)


def test_invite_sends_link_and_new_person_joins(client, leader, login, mailbox, session):
    member, circle = leader
    login(member)
    unit = circle.units[0]
    response = client.post(
        f"/c/{circle.slug}/invitations",
        data={
            "email": "Ny.Deltaker@Test.Example",
            "role": "participant",
            "unit": str(unit.id),
            "site": str(unit.sites[0].id),
            "organisation": "",
        },
    )
    assert response.status_code == 302
    assert len(mailbox) == 1
    message = mailbox[0]
    assert message["To"] == "ny.deltaker@test.example"
    assert circle.name in message["Subject"]
    link = _invite_link(mailbox)
    client.post("/logout")
    page = client.get(link)
    assert page.status_code == 200 and "ny.deltaker@test.example" in page.get_data(as_text=True)
    response = client.post(
        link,
        data={
            "name": "Nora Ny",
            "job_title": "Veileder",
            "phone": "",
            "password": "et godt langt passord",
            "confirm": "et godt langt passord",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/c/{circle.slug}"
    assert client.get(f"/c/{circle.slug}").status_code == 200
    session.expire_all()
    joined = session.scalar(select(Member).where(Member.email == "ny.deltaker@test.example"))
    membership = joined.memberships[0]
    assert membership.role == Role.PARTICIPANT and membership.unit_id == unit.id
    assert membership.service_site_id == unit.sites[0].id
    assert client.get(link).status_code == 404, "the link is single-use"


def test_invitation_token_is_stored_hashed(session, leader):
    member, circle = leader
    issued = services.invite_member(
        session, circle, actor=member, email="a@test.example", role=Role.PARTICIPANT
    )
    assert issued.token not in issued.invitation.token_hash
    assert len(issued.invitation.token_hash) == 64


def test_only_leaders_invite(session, make_member, leader):
    _leader, circle = leader
    participant = make_member(circle=circle, role=Role.PARTICIPANT)
    with pytest.raises(NotAllowed):
        services.invite_member(
            session, circle, actor=participant, email="b@test.example", role=Role.PARTICIPANT
        )


def test_duplicate_pending_invitation_and_existing_member_refused(session, make_member, leader):
    member, circle = leader
    services.invite_member(
        session, circle, actor=member, email="c@test.example", role=Role.PARTICIPANT
    )
    with pytest.raises(Conflict):
        services.invite_member(
            session, circle, actor=member, email="C@test.example", role=Role.REFERENCE
        )
    existing = make_member(circle=circle)
    with pytest.raises(Conflict):
        services.invite_member(
            session, circle, actor=member, email=existing.email, role=Role.PARTICIPANT
        )


def test_expired_revoked_and_reissued_invitations(session, leader):
    member, circle = leader
    now = utcnow()
    issued = services.invite_member(
        session,
        circle,
        actor=member,
        email="d@test.example",
        role=Role.PARTICIPANT,
        valid_days=1,
        now=now,
    )
    assert services.find_invitation(session, issued.token, now=now + timedelta(hours=1))
    assert services.find_invitation(session, issued.token, now=now + timedelta(days=2)) is None
    again = services.reissue_invitation(session, issued.invitation, actor=member)
    assert services.find_invitation(session, issued.token) is None, "old link dies"
    assert services.find_invitation(session, again.token) is issued.invitation
    services.revoke_invitation(session, issued.invitation, actor=member)
    assert services.find_invitation(session, again.token) is None
    with pytest.raises(Conflict):
        services.reissue_invitation(session, issued.invitation, actor=member)


def test_resend_and_revoke_views(client, leader, login, mailbox, session):
    member, circle = leader
    issued = services.invite_member(
        session,
        circle,
        actor=session.merge(member),
        email="e@test.example",
        role=Role.REFERENCE,
        organisation="Husbanken",
    )
    session.commit()
    login(member)
    assert (
        client.post(f"/c/{circle.slug}/invitations/{issued.invitation.id}/resend").status_code
        == 302
    )
    assert len(mailbox) == 1
    assert client.get(f"/invitation/{issued.token}").status_code == 404
    assert (
        client.post(f"/c/{circle.slug}/invitations/{issued.invitation.id}/revoke").status_code
        == 302
    )
    session.expire_all()
    assert session.get(Invitation, issued.invitation.id).revoked_at is not None


def test_existing_account_joins_another_circle_after_login(
    client, session, make_member, make_circle, leader, login
):
    member, circle = leader
    other = make_circle()
    person = make_member(circle=other)
    issued = services.invite_member(
        session,
        session.merge(circle),
        actor=session.merge(member),
        email=person.email,
        role=Role.REFERENCE,
    )
    session.commit()
    link = f"/invitation/{issued.token}"
    response = client.get(link)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(person)
    assert client.post(link).status_code == 302
    session.expire_all()
    roles = {m.circle_id: m.role for m in session.get(Member, person.id).memberships}
    assert roles == {other.id: Role.PARTICIPANT, circle.id: Role.REFERENCE}


def test_accept_with_weak_password_or_identity_number_saves_nothing(client, session, leader):
    from tests.circle.test_auth import _valid_fnr

    member, circle = leader
    issued = services.invite_member(
        session,
        session.merge(circle),
        actor=session.merge(member),
        email="f@test.example",
        role=Role.PARTICIPANT,
    )
    session.commit()
    link = f"/invitation/{issued.token}"
    weak = client.post(link, data={"name": "F", "password": "passord123", "confirm": "passord123"})
    assert weak.status_code == 200 and "for vanlig" in weak.get_data(as_text=True)
    fnr = client.post(
        link,
        data={
            "name": f"F {_valid_fnr()}",
            "password": "langt godt passord",
            "confirm": "langt godt passord",
        },
    )
    assert fnr.status_code == 200
    assert session.scalar(select(Member).where(Member.email == "f@test.example")) is None
    assert client.get(link).status_code == 200, "the invitation is still usable"


def test_change_role_is_audited_and_last_leader_kept(session, make_member, leader):
    member, circle = leader
    participant = make_member(circle=circle)
    membership = participant.memberships[0]
    services.change_role(session, membership, actor=member, role=Role.UNIT_LEADER)
    assert membership.role == Role.UNIT_LEADER
    event_row = session.scalar(select(AuditEvent).where(AuditEvent.action == "role_changed"))
    assert "participant -> unit_leader" in event_row.detail
    with pytest.raises(Conflict):
        services.change_role(session, member.memberships[0], actor=member, role=Role.PARTICIPANT)
    with pytest.raises(DomainError):
        services.change_role(
            session,
            membership,
            actor=member,
            role=Role.PARTICIPANT,
            unit=None,
            site=circle.units[0].sites[0],
        )


def test_remove_member(client, session, make_member, leader, login):
    member, circle = leader
    participant = make_member(circle=circle)
    login(member)
    membership_id = participant.memberships[0].id
    assert client.post(f"/c/{circle.slug}/members/{membership_id}/remove").status_code == 302
    session.expire_all()
    assert session.get(Membership, membership_id) is None
    login(participant, test_client=(c := client.application.test_client()))
    assert c.get(f"/c/{circle.slug}").status_code == 404


def test_directory_shows_contacts_to_staff_only(client, app, make_member, leader, login):
    member, circle = leader
    make_member(name="Pia Deltaker", circle=circle, role=Role.PARTICIPANT)
    ref = make_member(
        name="Rolf Referanse",
        circle=circle,
        role=Role.REFERENCE,
        organisation="Forandringsfabrikken",
    )
    login(member)
    page = client.get(f"/c/{circle.slug}/members").get_data(as_text=True)
    assert "Pia Deltaker" in page and member.email in page and "Forandringsfabrikken" in page
    other = app.test_client()
    login(ref, test_client=other)
    page = other.get(f"/c/{circle.slug}/members").get_data(as_text=True)
    assert "Pia Deltaker" in page and "Forandringsfabrikken" in page
    assert member.email not in page and member.phone not in page
    assert other.get(f"/c/{circle.slug}/members.csv").status_code == 404


def test_csv_and_vcard_exports(client, make_member, leader, login):
    member, circle = leader
    make_member(name="=Formel Person", circle=circle, role=Role.PARTICIPANT)
    make_member(name="Åse Øvrebø", circle=circle, role=Role.PARTICIPANT)
    login(member)
    response = client.get(f"/c/{circle.slug}/members.csv")
    assert response.mimetype == "text/csv"
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][0] == "Navn" and len(rows) == 4
    names = {r[0] for r in rows[1:]}
    assert "'=Formel Person" in names and "Åse Øvrebø" in names
    vcf = client.get(f"/c/{circle.slug}/members.vcf").get_data(as_text=True)
    assert vcf.count("BEGIN:VCARD") == 3 and "FN:Åse Øvrebø" in vcf
    assert "N:Øvrebø;Åse;;;" in vcf and f"EMAIL;TYPE=work:{member.email}" in vcf


def _count_queries(app, func) -> int:  # noqa: ANN001
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):  # noqa: ANN001, ANN202
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        func()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


@pytest.mark.parametrize("path", ["/c/{slug}/members", "/c/{slug}"])
def test_directory_and_home_use_fixed_number_of_queries(
    app, client, session, make_member, leader, login, path
):
    member, circle = leader
    login(member)
    url = path.format(slug=circle.slug)

    def grow_to(n: int) -> None:
        for _ in range(
            n
            - len(
                session.scalars(select(Membership).where(Membership.circle_id == circle.id)).all()
            )
        ):
            make_member(circle=circle, role=Role.PARTICIPANT)

    grow_to(12)
    client.get(url)  # warm up
    small = _count_queries(app, lambda: client.get(url))
    grow_to(120)
    large = _count_queries(app, lambda: client.get(url))
    assert small == large, f"{url}: {small} queries with 12 members, {large} with 120"


def test_audit_log_pages_show_role_changes(client, session, make_member, leader, login):
    member, circle = leader
    participant = make_member(circle=circle)
    login(member)
    client.post(
        f"/c/{circle.slug}/members/{participant.memberships[0].id}/role",
        data={"role": "unit_leader", "unit": "0", "site": "0", "organisation": ""},
    )
    page = client.get(f"/c/{circle.slug}/audit").get_data(as_text=True)
    assert "role_changed" in page and "participant -&gt; unit_leader" in page
    filtered = client.get(f"/c/{circle.slug}/audit?action=member_invited").get_data(as_text=True)
    assert "role_changed" not in filtered
