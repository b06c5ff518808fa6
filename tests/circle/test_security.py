"""Headers, CSRF, error pages, configuration, SQLite settings (SECURITY.md 6, 7, 14, 19, 23, 26)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from app import create_app
from circle.config import ConfigError, load_config
from circle.extensions import db
from tests.conftest import PASSWORD


def _check_headers(response) -> None:  # noqa: ANN001
    csp = response.headers["Content-Security-Policy"]
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "path", ["/login", "/password/forgot", "/finnes-ikke", "/static/css/app.css"]
)
def test_security_headers_on_anonymous_responses(client, path):
    _check_headers(client.get(path))


def test_security_headers_and_no_store_behind_login(client, make_member, make_circle, login):
    circle = make_circle()
    member = make_member(circle=circle)
    login(member)
    for path in ["/", "/profile", f"/c/{circle.slug}", f"/c/{circle.slug}/members"]:
        response = client.get(path)
        assert response.status_code == 200, path
        _check_headers(response)
        assert response.headers["Cache-Control"] == "no-store"


def test_post_without_csrf_token_is_400(csrf_app, make_member):
    member = make_member()
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Ugyldig forespørsel" in response.get_data(as_text=True)


def test_post_with_csrf_token_works(csrf_app, make_member):
    import re

    member = make_member()
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": member.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_logout_and_language_need_csrf(csrf_app, make_member):
    client = csrf_app.test_client()
    assert client.post("/logout").status_code == 400
    assert client.post("/language", data={"locale": "en"}).status_code == 400


def test_no_get_route_changes_state(app):
    """State-changing endpoints accept POST only (GET would be a CSRF hole)."""
    state_words = {
        "logout",
        "delete",
        "remove",
        "revoke",
        "resend",
        "deactivate",
        "reactivate",
        "vote",
        "close",
        "mark",
        "subscribe",
        "follow",
        "unfollow",
        "approve",
        "send",
        "distribute",
        "language",
        "hide",
        "restore",
        "lock",
        "pin",
        "publish",
    }
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        words = set(rule.endpoint.rsplit(".", 1)[-1].split("_"))
        if words & state_words and "GET" in methods:
            # A GET page that only shows a confirmation form is allowed if it also has a POST.
            assert "POST" in methods, f"{rule.endpoint} changes state but allows GET"


def test_unknown_page_is_friendly_404(client):
    response = client.get("/finnes/ikke")
    assert response.status_code == 404
    assert "Fant ikke siden" in response.get_data(as_text=True)


def test_oversized_body_is_413_with_clear_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "x" * 4000, "password": "y"})
    assert response.status_code == 413
    assert "Filen er for stor" in response.get_data(as_text=True)


def test_unexpected_error_shows_no_stack_trace(app, client, caplog):
    @app.get("/boom-test")
    def boom():  # noqa: ANN202
        raise RuntimeError("hemmelig intern detalj")

    with caplog.at_level(logging.ERROR):
        response = client.get("/boom-test")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Noe gikk galt" in body
    assert "Traceback" not in body and "hemmelig intern detalj" not in body


def test_debug_is_off_and_secret_key_required_in_production(tmp_path):
    env = {"APP_ENV": "production", "DATA_DIR": str(tmp_path)}
    with pytest.raises(ConfigError):
        load_config(env)
    config = load_config({**env, "SECRET_KEY": "s" * 40})
    assert config["DEBUG"] is False
    production = create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    assert production.debug is False


def test_development_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_config({"DATA_DIR": str(tmp_path)})["SECRET_KEY"]
    second = load_config({"DATA_DIR": str(tmp_path)})["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path):
    # Always on SQLite, whatever database the rest of this run uses.
    sqlite_app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
            "DATA_DIR": str(tmp_path),
            "SECRET_KEY": "x",
        }
    )
    with sqlite_app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_logs_do_not_carry_passwords(client, make_member, caplog):
    member = make_member()
    with caplog.at_level(logging.DEBUG):
        client.post("/login", data={"email": member.email, "password": "hemmelig-passord-99"})
        client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert "hemmelig-passord-99" not in caplog.text and PASSWORD not in caplog.text


def test_language_switch_to_english_and_back(client, make_member, login):
    login(make_member())
    client.post("/language", data={"locale": "en", "next": "/profile"})
    page = client.get("/profile").get_data(as_text=True)
    assert 'lang="en"' in page
    client.post("/language", data={"locale": "nb"})
    assert 'lang="nb"' in client.get("/profile").get_data(as_text=True)
