"""The `flask users` and `flask demo` commands."""

from __future__ import annotations

from sqlalchemy import func, select

from circle.models import Circle, Member, Membership, Role
from circle.themes.models import Theme, VoteRound


def test_users_create_admin_with_password(runner, session, login, client):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Sjef@Test.Example",
            "--name",
            "Sjef",
            "--admin",
            "--password",
            "et sterkt admin passord",
        ]
    )
    assert result.exit_code == 0, result.output
    member = session.scalar(select(Member).where(Member.email == "sjef@test.example"))
    assert member.is_admin and member.password_hash.startswith("$argon2id$")
    assert login("sjef@test.example", "et sterkt admin passord").status_code == 302


def test_users_create_prompts_for_password(runner, session):
    result = runner.invoke(
        args=["users", "create", "p@test.example", "--name", "P"],
        input="et sterkt nok passord\net sterkt nok passord\n",
    )
    assert result.exit_code == 0, result.output
    assert session.scalar(select(Member).where(Member.email == "p@test.example")) is not None


def test_users_create_refuses_weak_password_and_duplicates(runner, make_member):
    weak = runner.invoke(
        args=["users", "create", "w@test.example", "--name", "W", "--password", "passord123"]
    )
    assert weak.exit_code != 0 and "for vanlig" in weak.output
    existing = make_member()
    dup = runner.invoke(
        args=[
            "users",
            "create",
            existing.email.upper(),
            "--name",
            "X",
            "--password",
            "et sterkt nok passord",
        ]
    )
    assert dup.exit_code != 0 and "exists" in dup.output


def test_users_deactivate_ends_sessions(runner, session, make_member, login, client):
    member = make_member()
    login(member)
    result = runner.invoke(args=["users", "deactivate", member.email])
    assert result.exit_code == 0, result.output
    assert client.get("/").status_code == 302
    session.expire_all()
    assert session.get(Member, member.id).active is False
    assert runner.invoke(args=["users", "deactivate", "ingen@test.example"]).exit_code != 0


def test_demo_is_idempotent_and_shaped_like_a_circle(runner, session):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "sirkel-demo-2026" in first.output and "ingrid.lund@demo.example" in first.output
    lines = {line.split()[0]: line for line in first.output.splitlines()[4:] if line.strip()}
    assert "E-post" in first.output and "Rolle" in first.output and "Sirkel" in first.output
    assert "Sirkelleder" in lines["ingrid.lund@demo.example"]
    assert "Deltaker" in lines["sara.nilsen@demo.example"]
    assert "Bydel Stovner" in lines["sara.nilsen@demo.example"]
    assert "Referansegruppe" in lines["lena.brekke@demo.example"]
    assert "Enhetsleder" in lines["kari.moen@demo.example"]
    assert "Administrator" in lines["admin@demo.example"]
    assert all("Overganger til voksenlivet" in lines[e] for e in lines if e != "admin@demo.example")
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0 and "already present" in second.output
    assert session.scalar(select(func.count(Circle.id))) == 1
    circle = session.scalar(select(Circle))
    assert len(circle.units) == 4 and len(circle.phases) == 3 and circle.questions
    roles = {
        r: session.scalar(
            select(func.count(Membership.id)).where(
                Membership.circle_id == circle.id, Membership.role == r
            )
        )
        for r in Role
    }
    assert roles[Role.LEADER] >= 2 and roles[Role.PARTICIPANT] >= 8
    assert roles[Role.REFERENCE] >= 4 and roles[Role.UNIT_LEADER] >= 4
    vote = session.scalar(select(VoteRound).where(VoteRound.circle_id == circle.id))
    assert vote is not None and vote.closed_at is not None
    assert session.scalar(select(func.count(Theme.id)).where(Theme.chosen.is_(True))) >= 3


def test_check_reports_problems_and_repair_mends_them(app, runner):
    from circle.hooks import register_check

    broken = {"flag": True}

    def check(_session):
        return ["test: the flag is set"] if broken["flag"] else []

    def repair(_session):
        broken["flag"] = False
        return ["test: cleared the flag"]

    register_check(app, "test", check, repair)
    plain = runner.invoke(args=["check"])
    assert plain.exit_code != 0
    assert "test: the flag is set" in plain.output
    assert broken["flag"]  # a plain check changes nothing

    mended = runner.invoke(args=["check", "--repair"])
    assert mended.exit_code == 0, mended.output
    assert "repaired: test: cleared the flag" in mended.output
    assert runner.invoke(args=["check"]).exit_code == 0


def test_check_repair_fails_when_a_problem_stays(app, runner):
    from circle.hooks import register_check

    register_check(app, "stuck", lambda _s: ["stuck: cannot be mended"])
    result = runner.invoke(args=["check", "--repair"])
    assert result.exit_code != 0
    assert "stuck: cannot be mended" in result.output


def test_users_create_refuses_an_identity_number_or_a_line_break(runner, session):
    from tests.circle.test_identity import FNR

    for args in (
        ["--name", f"Kari {FNR[:6]} {FNR[6:]}"],
        ["--name", "Kari\nNordmann"],
        ["--name", "Kari\rNordmann"],
    ):
        result = runner.invoke(
            args=["users", "create", "k@test.example", *args, "--password", "et sterkt nok passord"]
        )
        assert result.exit_code != 0, args
        assert "fødselsnummer" in result.output or "kontrolltegn" in result.output
        assert FNR[:6] not in result.output and "Traceback" not in result.output
    assert session.scalar(select(func.count(Member.id))) == 0
