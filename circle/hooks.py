"""Typed cross-area hooks: the core announces, areas react (the core imports no area)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from blinker import Namespace
from sqlalchemy.orm import Session

_signals = Namespace()

# Sent inside the transaction that deactivates a member, before it is flushed. Receivers get
# the session and the member and end whatever access they hold for the member (feed tokens,
# ...) in the same transaction; they flush, never commit.
member_deactivated = _signals.signal("member-deactivated")

MemberHook = Callable[..., Any]


def on_member_deactivated(receiver: MemberHook) -> None:
    """Call receiver(sender, session=..., member=...) whenever a member is deactivated."""
    # A strong reference: receivers are module-level functions registered once per area.
    member_deactivated.connect(receiver, weak=False)


def announce_member_deactivated(session: Session, member: Any) -> None:
    """Tell every area that the member is deactivated (called by the auth service)."""
    member_deactivated.send(None, session=session, member=member)
