"""The meetings area's views, one module per concept, on one blueprint."""

from meetings.views import (  # noqa: F401
    actions,
    agenda,
    calendar,
    changes,
    editor,
    history,
    materials,
    meetings,
    minutes,
)
from meetings.views.common import bp

__all__ = ["bp"]
