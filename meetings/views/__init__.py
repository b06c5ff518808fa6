"""The meetings area's views, one module per concept, on one blueprint."""

from meetings.views import actions, agenda, calendar, history, meetings, minutes  # noqa: F401
from meetings.views.common import bp

__all__ = ["bp"]
