"""A small browser-like HTTP client for load tests: cookies, CSRF-carrying forms, uploads."""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser


class _FormParser(HTMLParser):
    """Collect the fields of every POST form on a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = {"action": a.get("action", ""), "fields": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"submit", "button", "file"}:
                fields[a["name"]] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields[self._textarea] = ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and ("selected" in a or self._select not in fields):
            fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data


@dataclass
class Answer:
    """A response's status, final URL and body."""

    status: int
    url: str
    body: str


class Client:
    """One user agent with its own cookies."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def on(self, base: str) -> Client:
        """The same user agent (the same cookies) talking to another server."""
        other = Client(base)
        other.opener = self.opener
        return other

    def _open(self, request: urllib.request.Request) -> Answer:
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(
                    response.status, response.url, response.read().decode("utf-8", "replace")
                )
        except urllib.error.HTTPError as error:
            return Answer(error.code, request.full_url, error.read().decode("utf-8", "replace"))

    def get(self, path: str) -> Answer:
        """GET a page (redirects followed)."""
        return self._open(urllib.request.Request(self.base + path))

    def form(self, path: str, containing: str) -> tuple[str, dict[str, str]]:
        """Return (action, fields) of the POST form on the page that has a field `containing`."""
        parser = _FormParser()
        page = self.get(path)
        parser.feed(page.body)
        for form in parser.forms:
            if any(containing in name for name in form["fields"]):
                return form["action"] or path, dict(form["fields"])
        raise AssertionError(f"no form with {containing!r} on {path} ({page.status})")

    def post(
        self,
        path: str,
        fields: dict[str, str],
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Answer:
        """POST a form, url-encoded or multipart when files are given."""
        if files:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in fields.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                    f"\r\n\r\n{value}\r\n".encode()
                )
            for name, (filename, data, ctype) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'.encode()
                    + data
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            ctype = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            ctype = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.base + path, data=body, method="POST", headers={"Content-Type": ctype}
        )
        return self._open(request)

    def sign_in(self, email: str, password: str) -> None:
        """Sign in through the real form (with its CSRF token)."""
        action, fields = self.form("/login", "email")
        fields.update(email=email, password=password)
        answer = self.post(action or "/login", fields)
        assert answer.status == 200 and "/login" not in answer.url, answer.status
