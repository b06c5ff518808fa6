"""Kinds of notification: each area registers its own, with the words and link the bell shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

_KEY = "notification_kinds"


@dataclass(frozen=True)
class NotificationKind:
    """What happened, as the bell says it: "<actor> <text>: <title>".

    ``alone`` is said instead when there is no actor (something the platform did, or the actor's
    account is gone; default "Noen <text>"). ``setting`` is the label of the member's on/off
    choice for this kind (None: it cannot be turned off, like a mention). ``link`` returns the page to open for a notification of this
    kind (called while a page is rendered). ``visible`` may hide a notification whose subject
    the member can no longer see.
    """

    key: str
    text: Any
    link: Callable[[Any], str | None]
    setting: Any = None
    visible: Callable[[Any], bool] | None = None
    alone: Any = None

    @property
    def can_be_muted(self) -> bool:
        """Return whether members may turn this kind off."""
        return self.setting is not None


def register_kind(app: Flask, kind: NotificationKind) -> None:
    """Let an area record notifications of this kind (called from the area's init_app)."""
    kinds: dict[str, NotificationKind] = app.extensions.setdefault(_KEY, {})
    if kinds.get(kind.key, kind) is not kind:
        raise ValueError(f"notification kind {kind.key!r} is registered already")
    kinds[kind.key] = kind


def registered_kinds(app: Flask) -> dict[str, NotificationKind]:
    """Return the registered kinds by key, in registration order."""
    return dict(app.extensions.get(_KEY, {}))
