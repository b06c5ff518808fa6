"""Mail headers escaped: random subjects and names read back by the strict email parser."""

from __future__ import annotations

import email
import email.policy

from hypothesis import given, settings

from circle.mail import Notice, build_message, header_value
from tests.nasty_text import NASTY

ALLOWED = {"From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted", "MIME-Version"}
ALLOWED |= {"Content-Type", "Content-Transfer-Encoding"}


@settings(max_examples=80, deadline=None)
@given(subject=NASTY, sender_name=NASTY, title=NASTY)
def test_headers_hold_exactly_what_was_set(subject, sender_name, title):
    """No CR, LF, lone CR or U+2028 in a subject or display name adds a header."""
    quoted = sender_name.replace("\\", "").replace('"', "")
    sender = f'"{quoted}" <ikke-svar@sirkel.test>'
    notice = Notice(
        to="kari@test.example", subject=subject, intro="i", title=title, link="http://x.test/"
    )
    raw = build_message(notice, sender).as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.strict)
    assert set(parsed.keys()) == ALLOWED
    assert str(parsed["Subject"]) == header_value(subject)
    assert parsed["To"].addresses[0].addr_spec == "kari@test.example"
    assert parsed["From"].addresses[0].addr_spec == "ikke-svar@sirkel.test"
    shown = parsed["From"].addresses[0].display_name
    # A long name is folded into adjacent encoded words; RFC 2047 says the space between them
    # is not part of the text, but the stdlib's reader keeps it, so compare without spaces.
    assert "".join(shown.split()) == "".join(header_value(quoted).split())
    body = parsed.get_body(("plain",)).get_content()
    assert "\r" not in body.replace("\r\n", "\n")
