"""The mail module: SMTP delivery, the outbox fallback, and what a message may carry."""

from __future__ import annotations

import email
import email.policy

import pytest

from circle.identity import IdentityNumberError
from circle.mail import Attachment, Notice, build_message, send_notices
from tests.circle.test_auth import _valid_fnr


def _notice(**kw) -> Notice:  # noqa: ANN003
    base = dict(
        to="kari@test.example",
        subject="Nytt referat",
        intro="Et referat er godkjent.",
        title="Møte 4",
        link="http://sirkel.test/c/x/meetings/4",
    )
    base.update(kw)
    return Notice(**base)


def test_smtp_delivery_to_local_server(app, mailbox):
    sent = send_notices(app.config, [_notice(), _notice(to="ola@test.example")])
    assert sent == 2 and len(mailbox) == 2
    message = mailbox[0]
    body = message.get_body(("plain",)).get_content()
    assert "http://sirkel.test/c/x/meetings/4" in body and "Møte 4" in body
    assert message["Auto-Submitted"] == "auto-generated"


def test_outbox_when_no_smtp_host(app, tmp_path):
    config = dict(app.config, MAIL_SERVER="", OUTBOX_DIR=str(tmp_path / "outbox"))
    send_notices(config, [_notice(attachments=(Attachment("m.ics", "text/calendar", b"X"),))])
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Nytt referat"
    assert [p.get_filename() for p in parsed.iter_attachments()] == ["m.ics"]


def test_body_is_fixed_text_title_and_link_only():
    msg = build_message(_notice(), "noreply@test.example")
    body = msg.get_body(("plain",)).get_content()
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    assert lines == [
        "Hei,",
        "Et referat er godkjent.",
        "Møte 4",
        "http://sirkel.test/c/x/meetings/4",
        "--",
        "Forskningssirkel",
    ]


@pytest.mark.parametrize("field", ["subject", "title"])
def test_identity_number_never_goes_out(field):
    with pytest.raises(IdentityNumberError):
        build_message(_notice(**{field: f"Sak {_valid_fnr()}"}), "noreply@test.example")
