"""Domain exceptions raised by services and turned into messages by views."""


class DomainError(Exception):
    """A rule of the domain was broken; the message is safe to show to the user."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


class NotAllowed(DomainError):
    """The acting member may not do this."""


class Conflict(DomainError):
    """The change conflicts with the current state (duplicate, stale or illegal transition)."""
