"""Permission matrix rows for the core's routes."""

from __future__ import annotations

import hashlib

from flask import current_app
from sqlalchemy import func, select

from circle.auth.services import RESET_REQUESTED, make_reset_token
from circle.models import (
    AuditEvent,
    Circle,
    Invitation,
    Member,
    Membership,
    Phase,
    ServiceSite,
    Unit,
)
from circle.themes.models import Theme
from tests.conftest import PASSWORD
from tests.matrix import (
    DENIED,
    HIDDEN,
    LOGIN,
    Row,
    circle_view,
    expect,
    leaders_only,
    other_circle,
    staff_only,
    staff_view,
)

NEW_PASSWORD = "matrisen-sitt-nye-lange-passord"
NEW_ACCOUNT_TOKEN = "matrix-invitation-new-account"
EXISTING_TOKEN = "matrix-invitation-existing-account"


def _count(model, *where):  # noqa: ANN001, ANN202
    return select(func.count()).select_from(model).where(*where)


def _circle_columns(circle):  # noqa: ANN001, ANN202
    return select(Circle.name, Circle.description).where(Circle.id == circle.id)


def _circle_form(name: str) -> dict[str, str]:
    return {"name": name, "institution": "Høgskolen", "description": "Om sirkelen"}


def _invite_form() -> dict[str, str]:
    return {"email": "invitert@test.example", "role": "participant", "unit": "0", "site": "0"}


def _login(account: str, password: str, statuses: dict[str, int], note: str) -> Row:
    """Sign in as the world's `account` with `password`."""
    return Row(
        "auth.login",
        lambda w: "/login",
        statuses,
        method="POST",
        data=lambda w: {"email": w.members[account].email, "password": password},
        note=note,
    )


def _accept_new(token: str, statuses: dict[str, int], note: str) -> Row:
    """Accept an invitation by making a new account; it succeeds when a member is added."""
    return Row(
        "members.accept",
        lambda w: f"/invitation/{token}",
        statuses,
        method="POST",
        data=lambda w: {"name": "Ny Person", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        note=note,
        effect=lambda w: _count(Member),
    )


ROWS = [
    # auth
    Row("auth.login", lambda w: "/login", expect(302, anonymous=200, deactivated=200)),
    Row(
        "auth.logout",
        lambda w: "/logout",
        expect(302, anonymous=302, deactivated=302),  # to the sign-in page, asking nothing back
        method="POST",
    ),
    Row(
        "auth.forgot_password",
        lambda w: "/password/forgot",
        expect(200, anonymous=200, deactivated=200),
    ),
    Row(
        "auth.reset_password",
        lambda w: "/password/reset/not-a-token",
        expect(400, anonymous=400, deactivated=400),
        note="bad token",
    ),
    # Signed in at once, or already signed in: sent on, never to the sign-in page.
    _login("participant", PASSWORD, expect(302, anonymous=302, deactivated=302), "right password"),
    _login("participant", "feil-passord", expect(302, anonymous=401, deactivated=401), "wrong"),
    _login("deactivated", PASSWORD, expect(302, anonymous=401, deactivated=401), "deactivated"),
    Row(
        "auth.forgot_password",
        lambda w: "/password/forgot",
        expect(302, anonymous=302, deactivated=302),  # the same answer for everyone
        method="POST",
        data=lambda w: {"email": w.members["participant"].email},
        effect=lambda w: _count(AuditEvent, AuditEvent.action == RESET_REQUESTED),
    ),
    Row(
        "auth.reset_password",
        lambda w: "/password/reset/not-a-token",
        expect(400, anonymous=400, deactivated=400),
        method="POST",
        data=lambda w: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        note="bad token",
        effect=lambda w: select(Member.password_hash).order_by(Member.id),
    ),
    Row(
        "auth.reset_password",
        lambda w: (
            "/password/reset/"
            + make_reset_token(current_app.config["SECRET_KEY"], w.members["participant"])
        ),
        expect(302, anonymous=302, deactivated=302),
        method="POST",
        data=lambda w: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        note="valid token",
        effect=lambda w: select(Member.password_hash).where(
            Member.id == w.members["participant"].id
        ),
    ),
    Row("auth.profile", lambda w: "/profile", expect(200)),
    Row(
        "auth.profile",
        lambda w: "/profile",
        expect(302),
        method="POST",
        data=lambda w: {"name": "Nytt Navn", "job_title": "", "phone": "", "locale": "nb"},
        effect=lambda w: select(Member.name).order_by(Member.id),
    ),
    Row(
        "auth.change_password",
        lambda w: "/profile/password",
        expect(400),
        method="POST",
        data=lambda w: {},
        note="empty form",
    ),
    Row(
        "auth.set_language",
        lambda w: "/language",
        expect(302, anonymous=302, deactivated=302),
        method="POST",
        data=lambda w: {"locale": "en"},
    ),
    # circles
    Row("circles.index", lambda w: "/", expect(200)),
    Row("circles.create", lambda w: "/circles/new", expect(DENIED, admin=200)),
    Row(
        "circles.create",
        lambda w: "/circles/new",
        expect(DENIED, admin=302),
        method="POST",
        data=lambda w: {**_circle_form("Ny sirkel"), "slug": "ny-sirkel"},
        effect=lambda w: select(Circle.slug).order_by(Circle.id),
    ),
    Row("circles.home", lambda w: f"/c/{w.circle.slug}", circle_view()),
    Row("circles.home", lambda w: f"/c/{w.other.slug}", other_circle(), note="other circle"),
    Row("circles.home", lambda w: "/c/finnes-ikke", expect(HIDDEN), note="unknown"),
    Row("circles.edit", lambda w: f"/c/{w.circle.slug}/edit", leaders_only()),
    Row("circles.edit", lambda w: f"/c/{w.other.slug}/edit", other_circle(), note="other circle"),
    Row(
        "circles.edit",
        lambda w: f"/c/{w.circle.slug}/edit",
        leaders_only(302),
        method="POST",
        data=lambda w: _circle_form("Nytt navn"),
        effect=lambda w: _circle_columns(w.circle),
    ),
    Row(
        "circles.edit",
        lambda w: f"/c/{w.other.slug}/edit",
        other_circle(302),
        method="POST",
        data=lambda w: _circle_form("Nytt navn"),
        note="other circle",
        effect=lambda w: _circle_columns(w.other),
    ),
    Row("circles.settings", lambda w: f"/c/{w.circle.slug}/settings", leaders_only()),
    Row(
        "circles.settings",
        lambda w: f"/c/{w.other.slug}/settings",
        other_circle(),
        note="other circle",
    ),
    Row(
        "circles.add_phase",
        lambda w: f"/c/{w.circle.slug}/phases",
        leaders_only(302),
        method="POST",
        data=lambda w: {
            "kind": "opening",
            "name": "Fase",
            "starts_on": "2026-04-01",  # after the world's phase: no overlap
            "ends_on": "2026-05-01",
        },
        effect=lambda w: _count(Phase, Phase.circle_id == w.circle.id),
    ),
    Row(
        "circles.delete_phase",
        lambda w: f"/c/{w.circle.slug}/phases/{w.extra['phase'].id}/delete",
        leaders_only(302),
        method="POST",
        effect=lambda w: _count(Phase, Phase.circle_id == w.circle.id),
    ),
    Row(
        "circles.delete_phase",
        lambda w: f"/c/{w.circle.slug}/phases/{w.extra['other_phase'].id}/delete",
        expect(HIDDEN, reference=DENIED, unit_leader=DENIED, participant=DENIED),
        method="POST",
        note="phase of other circle",
        effect=lambda w: _count(Phase, Phase.circle_id == w.other.id),
    ),
    Row(
        "circles.set_questions",
        lambda w: f"/c/{w.circle.slug}/questions",
        leaders_only(302),
        method="POST",
        data=lambda w: {"questions": "Hva virker?"},
    ),
    Row(
        "circles.add_unit",
        lambda w: f"/c/{w.circle.slug}/units",
        leaders_only(302),
        method="POST",
        data=lambda w: {"name": "Ny bydel", "kind": "bydel"},
        effect=lambda w: _count(Unit, Unit.circle_id == w.circle.id),
    ),
    Row(
        "circles.add_site",
        lambda w: f"/c/{w.circle.slug}/units/{w.circle.units[0].id}/sites",
        leaders_only(302),
        method="POST",
        data=lambda w: {"name": "Nytt sted", "kind": "nav"},
        effect=lambda w: _count(ServiceSite, ServiceSite.unit_id == w.circle.units[0].id),
    ),
    Row(
        "circles.add_site",
        lambda w: f"/c/{w.other.slug}/units/{w.other.units[0].id}/sites",
        other_circle(302),
        method="POST",
        data=lambda w: {"name": "Nytt sted", "kind": "nav"},
        note="other circle",
        effect=lambda w: _count(ServiceSite, ServiceSite.unit_id == w.other.units[0].id),
    ),
    # members
    Row("members.directory", lambda w: f"/c/{w.circle.slug}/members", circle_view()),
    Row(
        "members.directory",
        lambda w: f"/c/{w.other.slug}/members",
        other_circle(),
        note="other circle",
    ),
    Row("members.export_csv", lambda w: f"/c/{w.circle.slug}/members.csv", staff_view()),
    Row("members.export_vcard", lambda w: f"/c/{w.circle.slug}/members.vcf", staff_view()),
    Row(
        "members.export_csv",
        lambda w: f"/c/{w.other.slug}/members.csv",
        other_circle(),
        note="other circle",
    ),
    Row("members.invitations", lambda w: f"/c/{w.circle.slug}/invitations", leaders_only()),
    Row(
        "members.invitations",
        lambda w: f"/c/{w.other.slug}/invitations",
        other_circle(),
        note="other circle",
    ),
    Row(
        "members.invitations",
        lambda w: f"/c/{w.circle.slug}/invitations",
        leaders_only(302),
        method="POST",
        data=lambda w: _invite_form(),
        effect=lambda w: _count(Invitation, Invitation.circle_id == w.circle.id),
    ),
    Row(
        "members.invitations",
        lambda w: f"/c/{w.other.slug}/invitations",
        other_circle(302),
        method="POST",
        data=lambda w: _invite_form(),
        note="other circle",
        effect=lambda w: _count(Invitation, Invitation.circle_id == w.other.id),
    ),
    Row(
        "members.resend",
        lambda w: f"/c/{w.circle.slug}/invitations/{w.extra['invitation'].id}/resend",
        expect(HIDDEN, leader=302, admin=302),
        method="POST",
        effect=lambda w: select(Invitation.token_hash).order_by(Invitation.id),
    ),
    Row(
        "members.revoke",
        lambda w: f"/c/{w.circle.slug}/invitations/{w.extra['invitation'].id}/revoke",
        expect(HIDDEN, leader=302, admin=302),
        method="POST",
    ),
    Row(
        "members.revoke",
        lambda w: f"/c/{w.circle.slug}/invitations/{w.extra['other_invitation'].id}/revoke",
        expect(HIDDEN),
        method="POST",
        note="invitation of other circle",
    ),
    Row(
        "members.accept",
        lambda w: "/invitation/not-a-token",
        expect(HIDDEN, anonymous=HIDDEN, deactivated=HIDDEN),
        note="bad token",
    ),
    _accept_new("not-a-token", expect(HIDDEN, anonymous=HIDDEN, deactivated=HIDDEN), "bad token"),
    # A new account, signed in at once, whoever was signed in before.
    _accept_new(NEW_ACCOUNT_TOKEN, expect(302, anonymous=302, deactivated=302), "new account"),
    Row(
        "members.accept",
        lambda w: f"/invitation/{EXISTING_TOKEN}",
        expect(LOGIN, outsider=302),  # only the invited account, signed in, may take it
        method="POST",
        note="existing account",
        effect=lambda w: _count(Membership, Membership.circle_id == w.circle.id),
    ),
    Row(
        "members.change_role",
        lambda w: f"/c/{w.circle.slug}/members/{w.memberships['participant'].id}/role",
        leaders_only(302),
        method="POST",
        data=lambda w: {"role": "participant", "unit": "0", "site": "0", "organisation": ""},
    ),
    Row(
        "members.remove",
        lambda w: f"/c/{w.circle.slug}/members/{w.memberships['reference'].id}/remove",
        leaders_only(302),
        method="POST",
        effect=lambda w: _count(Membership, Membership.circle_id == w.circle.id),
    ),
    Row(
        "members.remove",
        lambda w: f"/c/{w.circle.slug}/members/999999/remove",
        expect(HIDDEN),
        method="POST",
        note="no such membership",
        effect=lambda w: _count(Membership),
    ),
    Row("members.admin_members", lambda w: "/admin/members", expect(DENIED, admin=200)),
    Row(
        "members.deactivate",
        lambda w: f"/admin/members/{w.members['participant'].id}/deactivate",
        expect(DENIED, admin=302),
        method="POST",
        effect=lambda w: select(Member.active).order_by(Member.id),
    ),
    Row(
        "members.reactivate",
        lambda w: f"/admin/members/{w.members['deactivated'].id}/reactivate",
        expect(DENIED, admin=302),
        method="POST",
        effect=lambda w: select(Member.active).order_by(Member.id),
    ),
    # themes
    Row("themes.index", lambda w: f"/c/{w.circle.slug}/themes", circle_view()),
    Row("search.index", lambda w: f"/c/{w.circle.slug}/search?q=referat", circle_view()),
    Row(
        "search.index",
        lambda w: f"/c/{w.other.slug}/search?q=referat",
        other_circle(),
        note="other circle",
    ),
    Row("themes.index", lambda w: f"/c/{w.other.slug}/themes", other_circle(), note="other circle"),
    Row(
        "themes.propose",
        lambda w: f"/c/{w.circle.slug}/themes",
        staff_only(302),
        method="POST",
        data=lambda w: {"title": "Nytt tema"},
        effect=lambda w: _count(Theme, Theme.circle_id == w.circle.id),
    ),
    Row(
        "themes.open_vote",
        lambda w: f"/c/{w.circle.slug}/themes/vote/open",
        leaders_only(302),
        method="POST",
        data=lambda w: {"votes_per_member": "3"},
    ),
    Row(
        "themes.vote",
        lambda w: f"/c/{w.circle.slug}/themes/vote",
        expect(302, outsider=HIDDEN, reference=DENIED, unit_leader=DENIED, admin=DENIED),
        method="POST",
        data=lambda w: {f"theme-{w.extra['theme'].id}": "1"},
    ),
    Row(
        "themes.close_vote",
        lambda w: f"/c/{w.circle.slug}/themes/vote/close",
        leaders_only(302),
        method="POST",
        data=lambda w: {"chosen": str(w.extra["theme"].id)},
    ),
]


def build(session, world) -> None:  # noqa: ANN001
    """Add the core's objects to the world."""
    from datetime import date, timedelta

    from circle.models import Invitation, Phase, PhaseKind, Role, utcnow
    from circle.themes.models import Theme, VoteRound

    world.extra["phase"] = Phase(
        circle=world.circle,
        kind=PhaseKind.OPENING,
        name="Start",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 3, 1),
    )
    world.extra["other_phase"] = Phase(
        circle=world.other,
        kind=PhaseKind.OPENING,
        name="Start",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 3, 1),
    )
    expires = utcnow() + timedelta(days=3)
    world.extra["invitation"] = Invitation(
        circle=world.circle,
        email="ny@test.example",
        role=Role.PARTICIPANT,
        token_hash="a" * 64,
        expires_at=expires,
    )
    world.extra["other_invitation"] = Invitation(
        circle=world.other,
        email="ny2@test.example",
        role=Role.PARTICIPANT,
        token_hash="b" * 64,
        expires_at=expires,
    )
    for email, token in (
        ("ny-konto@test.example", NEW_ACCOUNT_TOKEN),
        (world.members["outsider"].email, EXISTING_TOKEN),
    ):
        world.extra[token] = Invitation(
            circle=world.circle,
            email=email,
            role=Role.PARTICIPANT,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            expires_at=expires,
        )
    session.add_all(world.extra.values())
    session.flush()
    world.extra["theme"] = Theme(circle_id=world.circle.id, title="Bolig")
    session.add(world.extra["theme"])
    session.add(VoteRound(circle_id=world.circle.id, votes_per_member=3))
    session.flush()
    build_jobs(session, world)


ROWS += [
    Row("members.admin_audit", lambda w: "/admin/audit", expect(DENIED, admin=200)),
    Row("members.circle_audit", lambda w: f"/c/{w.circle.slug}/audit", leaders_only()),
    Row(
        "members.circle_audit",
        lambda w: f"/c/{w.other.slug}/audit",
        other_circle(),
        note="other circle",
    ),
]


def build_jobs(session, world) -> None:  # noqa: ANN001
    """A failed mail of each circle and a failed index job, for the failed-list pages."""
    from circle.jobs.models import Job, JobState
    from circle.models import utcnow

    def failed(kind: str, circle_id: int | None) -> Job:
        return Job(
            kind=kind,
            payload={"to": "x@test.example", "subject": "Emne"},
            state=JobState.FAILED,
            attempts=3,
            max_attempts=3,
            circle_id=circle_id,
            last_error="SMTPServerDisconnected: gone",
            finished_at=utcnow(),
        )

    world.extra["failed_mail"] = failed("mail.send", world.circle.id)
    world.extra["other_failed_mail"] = failed("mail.send", world.other.id)
    world.extra["failed_job"] = failed("library.index", None)
    session.add_all([world.extra[k] for k in ("failed_mail", "other_failed_mail", "failed_job")])
    session.flush()


ROWS += [
    Row("jobs.admin_index", lambda w: "/admin/jobs", expect(DENIED, admin=200)),
    Row(
        "jobs.admin_retry",
        lambda w: f"/admin/jobs/{w.extra['failed_job'].id}/retry",
        expect(DENIED, admin=302),
        method="POST",
    ),
    Row(
        "jobs.admin_retry",
        lambda w: "/admin/jobs/999999/retry",
        expect(DENIED, admin=HIDDEN),
        method="POST",
        note="unknown job",
    ),
    Row(
        "jobs.admin_retry_all",
        lambda w: "/admin/jobs/retry-failed",
        expect(DENIED, admin=302),
        method="POST",
    ),
    Row("jobs.circle_mail_failures", lambda w: f"/c/{w.circle.slug}/mail-failures", leaders_only()),
    Row(
        "jobs.circle_mail_failures",
        lambda w: f"/c/{w.other.slug}/mail-failures",
        other_circle(),
        note="other circle",
    ),
    Row(
        "jobs.circle_mail_retry",
        lambda w: f"/c/{w.circle.slug}/mail-failures/{w.extra['failed_mail'].id}/retry",
        leaders_only(302),
        method="POST",
    ),
    Row(
        "jobs.circle_mail_retry",
        lambda w: f"/c/{w.circle.slug}/mail-failures/{w.extra['other_failed_mail'].id}/retry",
        expect(DENIED, outsider=HIDDEN, leader=HIDDEN, admin=HIDDEN),
        method="POST",
        note="another circle's mail",
    ),
]
