"""Sign-in, sign-out, sessions, remember-me, password reset and change, rate limiting."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from circle.auth import services
from circle.auth.passwords import PasswordPolicyError, check_password_policy, hash_password
from circle.models import AuditEvent, Member
from tests.conftest import PASSWORD


def test_login_with_right_password_lands_on_circles(client, make_member, login):
    member = make_member()
    response = login(member)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_email_is_case_insensitive(client, make_member, login):
    make_member(email="kari@test.example")
    assert login("  KARI@Test.Example ").status_code == 302


def test_unknown_email_and_wrong_password_look_the_same(client, make_member, login):
    member = make_member()
    wrong = login(member, "feil-passord-123")
    unknown = login("finnes.ikke@test.example", "feil-passord-123")
    assert wrong.status_code == unknown.status_code == 401
    assert "Feil e-post eller passord." in wrong.get_data(as_text=True)
    strip = lambda r: re.sub(r'name="csrf_token"[^>]*', "", r.get_data(as_text=True))  # noqa: E731
    assert strip(wrong).replace(member.email, "X") == strip(unknown).replace(
        "finnes.ikke@test.example", "X"
    )


def test_failed_logins_are_audited_without_the_password(client, make_member, login, session):
    member = make_member()
    login(member, "galt-passord-42")
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
    assert len(events) == 1
    assert "galt-passord-42" not in events[0].detail


def test_too_many_failures_from_one_address_gives_429(app, client, make_member, login):
    app.config["LOGIN_RATE_LIMIT"] = 3
    member = make_member()
    for _ in range(3):
        assert login(member, "feil-feil-feil").status_code == 401
    assert login(member).status_code == 429  # even the right password is refused for now
    assert "For mange forsøk" in client.post("/login", data={}).get_data(as_text=True)


def test_rate_limit_window_expires(session, make_member):
    now = services.utcnow()
    for _ in range(3):
        session.add(
            AuditEvent(action="login_failed", ip="10.0.0.1", created_at=now - timedelta(minutes=30))
        )
    session.flush()
    assert not services.is_rate_limited(session, ip="10.0.0.1", limit=3, window_minutes=15)
    assert services.is_rate_limited(session, ip="10.0.0.1", limit=3, window_minutes=60)


def test_login_reissues_session(client, make_member, login):
    member = make_member()
    with client.session_transaction() as sess:
        sess["planted"] = "by attacker"
    login(member)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"] == member.session_token


def test_logout_is_post_only_and_kills_other_sessions(app, client, make_member, login):
    member = make_member()
    other = app.test_client()
    login(member)
    login(member, test_client=other)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302
    assert other.get("/").status_code == 302, "the other device's session must end too"


def test_remember_cookie_lasts_at_most_30_days_and_dies_on_logout(app, make_member, login):
    member = make_member()
    first = app.test_client()
    response = login(member, remember=True, test_client=first)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["REMEMBER_COOKIE_DURATION"] <= timedelta(days=30)
    remember_value = first.get_cookie("remember_token").value
    # A new browser holding only the remember cookie is signed in...
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember_value)
    assert fresh.get("/").status_code == 200
    # ...until the member logs out somewhere: then the old remember cookie fails.
    first.post("/logout")
    stale = app.test_client()
    stale.set_cookie("remember_token", remember_value)
    assert stale.get("/").status_code == 302


def test_deactivation_ends_sessions_at_next_request(app, client, make_member, login, session):
    member = make_member()
    login(member)
    assert client.get("/").status_code == 200
    services.deactivate_member(session, session.get(Member, member.id), actor=None)
    session.commit()
    assert client.get("/").status_code == 302
    assert login(member).status_code == 401


def test_session_cookie_flags(client, make_member, login):
    response = login(make_member())
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in tests


def test_cookies_are_secure_over_https(client, make_member):
    member = make_member()
    response = client.post(
        "/login", data={"email": member.email, "password": PASSWORD}, base_url="https://sirkel.test"
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c for c in cookies)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "http:/\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/%0d%0aevil",
        "\\\\evil.example",
    ],
)
def test_next_never_leaves_the_site(client, make_member, target):
    member = make_member()
    response = client.post(
        "/login", query_string={"next": target}, data={"email": member.email, "password": PASSWORD}
    )
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "\\" not in location and urlsplit(location).netloc == ""
    assert "evil.example" not in location


def test_next_to_a_site_page_is_kept(client, make_member):
    member = make_member()
    response = client.post(
        "/login?next=/profile", data={"email": member.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/profile"


def test_password_is_rehashed_when_parameters_change(session, make_member):
    from argon2 import PasswordHasher

    member = make_member()
    member.password_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    session.commit()
    old = member.password_hash
    assert services.authenticate(session, email=member.email, password=PASSWORD, ip="") is member
    assert member.password_hash != old and member.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize(
    "password",
    [
        "x" * 1024,
        "Blåbærsyltetøy på søndag 🫐",
        "Ærlig talt, dette er et langt passord med mellomrom",
    ],
)
def test_long_and_unicode_passwords_work(client, session, make_member, login, password):
    member = make_member()
    member.password_hash = hash_password(password)
    session.commit()
    assert login(member, password).status_code == 302


@pytest.mark.parametrize(
    "password", ["passord123", "Sommer2026!", "qwerty123456", "1234567890", "aaaaaaaaaaaa", "kort"]
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(PasswordPolicyError):
        check_password_policy(password)


def test_password_containing_email_is_refused():
    with pytest.raises(PasswordPolicyError):
        check_password_policy("mitt-kari.nordmann-passord", email="kari.nordmann@nav.no")


def _reset_link(mailbox) -> str:  # noqa: ANN001
    body = mailbox[-1].get_body(("plain",)).get_content()
    return re.search(r"http://sirkel\.test(/password/reset/\S+)", body).group(1)


def test_password_reset_flow_is_single_use(client, make_member, login, mailbox):
    member = make_member()
    response = client.post("/password/forgot", data={"email": member.email})
    assert response.status_code == 302
    assert len(mailbox) == 1 and mailbox[0]["To"] == member.email
    path = _reset_link(mailbox)
    assert client.get(path).status_code == 200
    new = "et helt nytt langt passord"
    assert client.post(path, data={"password": new, "confirm": new}).status_code == 302
    assert login(member, new).status_code == 302
    assert client.get(path).status_code == 400, "a used link must not work again"
    assert login(member, PASSWORD).status_code in (302, 401)


def test_password_reset_answers_the_same_for_unknown_address(client, make_member, mailbox):
    member = make_member()
    known = client.post("/password/forgot", data={"email": member.email}, follow_redirects=True)
    unknown = client.post(
        "/password/forgot", data={"email": "ingen@test.example"}, follow_redirects=True
    )
    assert known.status_code == unknown.status_code == 200
    message = "Hvis adressen finnes hos oss"
    assert message in known.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert len(mailbox) == 1


def test_expired_reset_token_is_refused(app, session, make_member):
    member = make_member()
    token = services.make_reset_token("k", member)
    assert services.member_for_reset_token(session, "k", token, max_age=60) is member
    assert services.member_for_reset_token(session, "k", token, max_age=-1) is None
    assert services.member_for_reset_token(session, "other-key", token, max_age=60) is None


def test_reset_refuses_weak_password_and_keeps_the_old(client, make_member, login, mailbox):
    member = make_member()
    client.post("/password/forgot", data={"email": member.email})
    path = _reset_link(mailbox)
    response = client.post(path, data={"password": "passord123", "confirm": "passord123"})
    assert response.status_code == 200 and "for vanlig" in response.get_data(as_text=True)
    assert login(member).status_code == 302


def test_change_password_ends_other_sessions_but_keeps_this_one(app, client, make_member, login):
    member = make_member()
    other = app.test_client()
    login(member)
    login(member, test_client=other)
    new = "nytt og langt passord for meg"
    response = client.post(
        "/profile/password", data={"current": PASSWORD, "password": new, "confirm": new}
    )
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200
    assert other.get("/profile").status_code == 302


def test_change_password_with_wrong_current_is_refused(client, make_member, login):
    member = make_member()
    login(member)
    new = "nytt og langt passord for meg"
    response = client.post(
        "/profile/password", data={"current": "feil", "password": new, "confirm": new}
    )
    assert response.status_code == 400
    assert "Nåværende passord er feil" in response.get_data(as_text=True)


def test_profile_update_and_identity_number_refused(client, session, make_member, login):
    member = make_member()
    login(member)
    ok = client.post(
        "/profile",
        data={
            "name": "Kari Nordmann",
            "job_title": "Veileder",
            "phone": "22 33 44 55",
            "locale": "nb",
        },
    )
    assert ok.status_code == 302
    bad = client.post(
        "/profile", data={"name": "Kari 01019012345", "job_title": "", "phone": "", "locale": "nb"}
    )
    # 01019012345 is not valid; use a valid one from the guard's own check
    from circle.identity import contains_identity_number

    assert not contains_identity_number("01019012345")
    assert bad.status_code == 302
    valid = _valid_fnr()
    refused = client.post(
        "/profile", data={"name": f"Kari {valid}", "job_title": "", "phone": "", "locale": "nb"}
    )
    assert refused.status_code == 200
    error = re.search(
        r'<ul class="errors" id="name-err">(.*?)</ul>', refused.get_data(as_text=True), re.S
    ).group(1)
    assert "fødselsnummer" in error and valid not in error
    session.expire_all()
    assert valid not in session.get(Member, member.id).name


def _valid_fnr() -> str:
    """Return a valid fødselsnummer computed with the mod-11 rules."""
    w1, w2 = [3, 7, 6, 1, 8, 9, 4, 5, 2], [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    for individual in range(100, 999):
        digits = [int(c) for c in f"150385{individual:03d}"]
        k1 = (11 - sum(a * b for a, b in zip(w1, digits, strict=True)) % 11) % 11
        if k1 == 10:
            continue
        digits.append(k1)
        k2 = (11 - sum(a * b for a, b in zip(w2, digits, strict=True)) % 11) % 11
        if k2 == 10:
            continue
        return "".join(map(str, digits + [k2]))
    raise AssertionError("no valid number found")


def test_importing_the_code_hashes_no_password() -> None:
    """Nothing is computed at import time: no module hashes a password while it loads."""
    import subprocess
    import sys
    from pathlib import Path

    script = """
import importlib, pkgutil
import circle.auth.passwords as passwords
def refuse(*args, **kwargs):
    raise AssertionError("a password was hashed at import time")
passwords.hash_password = refuse
import app
for package in ("circle", "library", "meetings", "projects"):
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        importlib.import_module(info.name)
print("ok")
"""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def test_an_unknown_address_is_checked_against_a_hash(session, monkeypatch) -> None:  # noqa: ANN001
    """An unknown e-mail still costs one verification, against the dummy hash made once."""
    checked = []
    monkeypatch.setattr(services, "verify_password", lambda h, p: checked.append(h) or False)
    assert services.authenticate(session, email="ukjent@test.example", password="x", ip="1") is None
    assert services.authenticate(session, email="ukjent@test.example", password="y", ip="1") is None
    assert len(checked) == 2 and checked[0] == checked[1] and checked[0].startswith("$argon2id$")
