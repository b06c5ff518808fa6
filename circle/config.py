"""Configuration read from environment variables."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from circle.documents.budget import config_from_env
from circle.i18n import TIMEZONE

MB = 1024 * 1024


class ConfigError(RuntimeError):
    """Raised when required configuration is missing."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(env: dict[str, str], data_dir: Path, development: bool) -> str:
    """Return SECRET_KEY from the environment, or a generated one kept in DATA_DIR in dev."""
    key = env.get("SECRET_KEY")
    if key:
        return key
    if not development:
        raise ConfigError("SECRET_KEY must be set outside development (FLASK_ENV=production).")
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_config(env: dict[str, str] | None = None) -> dict[str, object]:
    """Build the Flask configuration mapping from environment variables."""
    env = dict(os.environ if env is None else env)
    development = env.get("APP_ENV", env.get("FLASK_ENV", "development")) != "production"
    data_dir = Path(env.get("DATA_DIR", "instance")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'forskningssirkel.db'}"
    mail_server = env.get("SMTP_HOST", "")
    return {
        "DEVELOPMENT": development,
        "DEBUG": False,
        "TESTING": False,
        "SECRET_KEY": _secret_key(env, data_dir, development),
        "DATA_DIR": str(data_dir),
        "UPLOAD_DIR": str(data_dir / "files"),
        "INDEX_DIR": str(data_dir / "index"),
        # whoosh (an index in INDEX_DIR) or postgresql (tables in the database, shared by
        # every server); the default follows the database.
        "SEARCH_BACKEND": env.get("SEARCH_BACKEND", "").strip().lower(),
        "OUTBOX_DIR": str(data_dir / "outbox"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # hide_parameters: a database error's message (which may reach a log) never carries the
        # values of the statement, such as the text of a post. A pre-ping (one round trip per
        # request) only helps with a server that can drop connections; SQLite's file cannot.
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": not database_url.startswith("sqlite"),
            "hide_parameters": True,
        },
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_MB", "100")) * MB,
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": int(env.get("SMTP_PORT", "587" if mail_server else "25")),
        "MAIL_USERNAME": env.get("SMTP_USER", ""),
        "MAIL_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "MAIL_STARTTLS": _bool(env.get("SMTP_STARTTLS"), default=bool(env.get("SMTP_USER"))),
        "MAIL_SSL": _bool(env.get("SMTP_SSL")),
        "MAIL_FROM": env.get("MAIL_FROM", "Forskningssirkel <ikke-svar@forskningssirkel.local>"),
        "LOGIN_RATE_LIMIT": int(env.get("LOGIN_RATE_LIMIT", "10")),
        "LOGIN_RATE_WINDOW_MINUTES": int(env.get("LOGIN_RATE_WINDOW_MINUTES", "15")),
        "PROXY_FIX_HOPS": int(env.get("PROXY_FIX_HOPS", "0")),
        "INVITATION_DAYS": int(env.get("INVITATION_DAYS", "14")),
        # The job queue's storage: empty for SQLite in DATA_DIR, or redis://host:6379/0.
        # Where uploaded files live: empty for DATA_DIR/files, or s3://bucket/prefix.
        "STORAGE_URL": env.get("STORAGE_URL", ""),
        # A pending file older than this has no upload in progress: `flask check` reports it.
        "FILES_ORPHAN_MINUTES": float(env.get("FILES_ORPHAN_MINUTES", "60")),
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL", ""),
        "S3_REGION": env.get("S3_REGION", ""),
        "S3_ACCESS_KEY_ID": env.get("S3_ACCESS_KEY_ID", ""),
        "S3_SECRET_ACCESS_KEY": env.get("S3_SECRET_ACCESS_KEY", ""),
        "S3_ADDRESSING_STYLE": env.get("S3_ADDRESSING_STYLE", ""),
        "QUEUE_URL": env.get("QUEUE_URL", ""),
        # Run jobs in the process that commits them, right after the commit (tests, one-offs).
        "JOBS_EAGER": _bool(env.get("JOBS_EAGER")),
        "PASSWORD_RESET_SECONDS": int(env.get("PASSWORD_RESET_MINUTES", "60")) * 60,
        "PASSWORD_RESET_PER_ADDRESS": int(env.get("PASSWORD_RESET_PER_ADDRESS", "3")),
        "PASSWORD_RESET_PER_CLIENT": int(env.get("PASSWORD_RESET_PER_CLIENT", "10")),
        "PASSWORD_RESET_WINDOW_MINUTES": int(env.get("PASSWORD_RESET_WINDOW_MINUTES", "60")),
        "BABEL_DEFAULT_LOCALE": "nb",
        "BABEL_DEFAULT_TIMEZONE": TIMEZONE,
        "LANGUAGES": ["nb", "en"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get("COOKIE_SECURE")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(env.get("COOKIE_SECURE")),
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "WTF_CSRF_TIME_LIMIT": None,
        **config_from_env(env),
    }
