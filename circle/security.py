"""Response headers, cookie flags and safe redirects applied to every request."""

from __future__ import annotations

from urllib.parse import unquote_plus, urlsplit

from flask import Flask, Response, abort, flash, g, redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from circle.identity import IdentityNumberError, contains_identity_number
from circle.inputs import MAX_INT, safe_link

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def is_safe_next(target: str | None) -> bool:
    """Return whether a next= target is a path on this site (no scheme, host or backslash)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, fallback_endpoint: str = "circles.index") -> str:
    """Return the target when it is a same-site path, else the fallback page."""
    return target if is_safe_next(target) else url_for(fallback_endpoint)


class AsciiIntConverter(IntegerConverter):
    """The `int` URL converter: ASCII digits only, and no more than an id column can hold."""

    # werkzeug's \d+ also takes other scripts' digits; 10 digits reach past MAX_INT already.
    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002, ANN001, ANN204
        super().__init__(map, fixed_digits, min, MAX_INT if max is None else max, signed)


def return_path() -> str:
    """Return the current page as a same-site return address, never carrying an identity number."""
    if contains_identity_number(unquote_plus(request.path)):
        return url_for("circles.index")
    if g.get("query_refused"):
        return request.path
    return request.full_path.rstrip("?")


def _refuse_identity_query() -> Response | None:
    """Refuse a request whose query string holds an identity number, without echoing it."""
    raw = request.query_string
    if not raw:
        return None
    if not contains_identity_number(unquote_plus(raw.decode("utf-8", "replace"))):
        return None
    g.query_refused = True
    in_search = contains_identity_number(request.args.get("q"))
    error = IdentityNumberError(_l("i søket") if in_search else _l("i adressen"))
    if request.method in {"GET", "HEAD"}:
        # The page itself, without the query: nothing of it is shown, linked or logged again.
        flash(str(error.message), "error")
        return redirect(request.path, 303)
    g.refused_message = error.message
    abort(400)


def client_ip() -> str:
    """Return the client's address (ProxyFix, when configured, has already applied X-F-F)."""
    return request.remote_addr or ""


def _set_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.endpoint != "static":
        # Pages may hold confidential material: never keep them in shared caches or history.
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        cookies = headers.getlist("Set-Cookie")
        if cookies:
            del headers["Set-Cookie"]
            for cookie in cookies:
                if "; secure" not in cookie.lower():
                    cookie += "; Secure"
                headers.add("Set-Cookie", cookie)
    return response


class SecureWhenHttpsSessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Return True when configured, or when this request is HTTPS (behind ProxyFix too)."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_security(app: Flask) -> None:
    """Register the int converter, the query guard, and the header and cookie hook on the app."""
    # Before any blueprint adds its rules: a rule takes the converter it finds when added.
    app.url_map.converters["int"] = AsciiIntConverter
    app.before_request(_refuse_identity_query)
    app.after_request(_set_headers)
    app.jinja_env.globals.update(return_path=return_path, safe_link=safe_link)
