"""Signed links in e-mails: stop following a thread or mute a circle without signing in."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

_SALT = "threads-unsubscribe"
MAX_AGE = 365 * 24 * 3600  # links in old e-mails keep working for a year
ACTIONS = frozenset({"thread", "circle", "all"})  # "all": every thread e-mail (digests)


@dataclass(frozen=True)
class UnsubscribeToken:
    """What a link lets its holder do: stop a thread's e-mails or mute a circle."""

    member_id: int
    action: str  # "thread", "circle" or "all" (target_id is then the member's id)
    target_id: int


def make_token(secret_key: str, member_id: int, action: str, target_id: int) -> str:
    """Return a signed token for the member and action."""
    if action not in ACTIONS:
        raise ValueError(action)
    return URLSafeTimedSerializer(secret_key, salt=_SALT).dumps([member_id, action, target_id])


def read_token(secret_key: str, token: str, max_age: int = MAX_AGE) -> UnsubscribeToken | None:
    """Return the token's content, or None when it is forged, garbled or too old."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=_SALT).loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if (
        not isinstance(data, list)
        or len(data) != 3
        or data[1] not in ACTIONS
        or not all(isinstance(v, int) for v in (data[0], data[2]))
    ):
        return None
    return UnsubscribeToken(member_id=data[0], action=data[1], target_id=data[2])
