"""Response headers, cookie flags and safe redirects applied to every request."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request, url_for
from flask.sessions import SecureCookieSessionInterface

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
    """Register the header and cookie hook on the app."""
    app.after_request(_set_headers)
