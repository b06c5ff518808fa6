"""The meetings area's models: meetings and agendas, minutes and their approval."""

from meetings.models.meeting import (
    AgendaItem,
    AgendaReading,
    AgendaTemplateItem,
    Attendance,
    AttendanceStatus,
    FeedToken,
    ItemKind,
    ItemOrigin,
    Meeting,
    MeetingKind,
    MeetingNotice,
    Rsvp,
    RsvpAnswer,
)
from meetings.models.minutes import (
    ActionItem,
    ActionStatus,
    CommentKind,
    CommentStatus,
    Distribution,
    Minutes,
    MinutesNote,
    MinutesRevision,
    MinutesState,
    MinutesVersion,
    ReviewComment,
    Reviewer,
)

__all__ = [
    "ActionItem", "ActionStatus", "AgendaItem", "AgendaReading", "AgendaTemplateItem",
    "Attendance", "AttendanceStatus", "CommentKind", "CommentStatus", "Distribution", "FeedToken",
    "ItemKind", "ItemOrigin", "Meeting", "MeetingKind", "MeetingNotice", "Minutes",
    "MinutesNote", "MinutesRevision", "MinutesState", "MinutesVersion", "ReviewComment",
    "Reviewer", "Rsvp", "RsvpAnswer",
]
