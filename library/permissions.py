"""Who may see and change what in the library: the one place its access rules live.

The rules:
- A report is either shared with every circle (``circle_id`` None) or kept to one circle. A
  report kept to a circle is visible only inside that circle: its members in every role, and
  site administrators. It never appears under another circle's pages.
- Every member of a circle reads its library, the reference group and unit leaders included:
  the library holds published professional knowledge, not drafts or case material.
- Leaders and participants add reports and keep reading lists; the member who added a report
  may correct its metadata. Leaders of the circle a report was added from curate it (edit,
  change who sees it, delete); site administrators curate everything, including reports
  imported from the command line.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, or_

from circle.models import Circle, FileState, Role
from circle.permissions import can_manage_circle, can_view_circle, is_admin, is_staff, role_in
from circle.permissions import visible_circle_ids as member_circle_ids
from library.models import ReadingList, Report


def can_view_library(member: Any, circle: Circle) -> bool:
    """Every member of the circle (all roles) and site administrators."""
    return can_view_circle(member, circle)


def scope_circle_ids(member: Any, circle: Circle) -> frozenset[int]:
    """Return the circle ids whose own reports the member sees on this circle's pages."""
    return frozenset({circle.id}) if can_view_library(member, circle) else frozenset()


def visible_circle_ids(member: Any, all_circle_ids: frozenset[int] = frozenset()) -> frozenset[int]:
    """Return the circles whose own reports the member may see anywhere on the site.

    Site administrators see every circle's reports: pass the ids of all circles for them.
    """
    if is_admin(member):
        return frozenset(all_circle_ids) | member_circle_ids(member)
    return member_circle_ids(member)


def reports_visible_with(circle_ids: Iterable[int] | BindParameter) -> ColumnElement[bool]:
    """Return the SQL condition for reports seen with these circles: shared ones and theirs.

    ``circle_ids`` may be an expanding bindparam, for a statement built once and run often.
    """
    shared = Report.circle_id.is_(None)
    if isinstance(circle_ids, BindParameter):
        return or_(shared, Report.circle_id.in_(circle_ids))
    ids = sorted(set(circle_ids))
    return or_(shared, Report.circle_id.in_(ids)) if ids else shared


def report_visible_with(report: Report, circle_ids: Iterable[int]) -> bool:
    """Return whether the report is seen with these circles (the same rule, in Python)."""
    return report.circle_id is None or report.circle_id in set(circle_ids)


def report_in_circle(report: Report, circle: Circle) -> bool:
    """Return whether the report belongs on this circle's pages (its own or shared)."""
    return report.circle_id is None or report.circle_id == circle.id


def can_view_report(member: Any, circle: Circle, report: Report) -> bool:
    """Members of the circle see its own and the shared reports.

    A report whose file was refused is shown (with the reason) only to whoever uploaded it and
    to the circle's leaders; for everyone else it is not there.
    """
    if not (can_view_library(member, circle) and report_in_circle(report, circle)):
        return False
    if report.file_state == FileState.REFUSED:
        uploader = getattr(member, "id", None) is not None and report.added_by_id == member.id
        return uploader or is_admin(member) or can_manage_circle(member, circle)
    return True


def can_add_report(member: Any, circle: Circle) -> bool:
    """Leaders, participants and site administrators add reports."""
    return is_staff(member, circle)


def can_curate_report(member: Any, circle: Circle, report: Report) -> bool:
    """Leaders of the circle the report came from, and site administrators."""
    if not can_view_report(member, circle, report):
        return False
    if is_admin(member):
        return True
    return report.origin_circle_id == circle.id and role_in(member, circle) == Role.LEADER


def can_edit_report(member: Any, circle: Circle, report: Report) -> bool:
    """Curators, and the member who added the report while staff of this circle."""
    if can_curate_report(member, circle, report):
        return True
    return (
        can_view_report(member, circle, report)
        and is_staff(member, circle)
        and report.added_by_id is not None
        and report.added_by_id == getattr(member, "id", None)
        and report.origin_circle_id == circle.id
    )


def can_delete_report(member: Any, circle: Circle, report: Report) -> bool:
    """Only curators delete reports."""
    return can_curate_report(member, circle, report)


def can_edit_reading_lists(member: Any, circle: Circle) -> bool:
    """Leaders, participants and site administrators keep the circle's reading lists."""
    return is_staff(member, circle)


def can_view_reading_list(member: Any, circle: Circle, reading_list: ReadingList) -> bool:
    """Every member of the circle sees its reading lists."""
    return can_view_library(member, circle) and reading_list.circle_id == circle.id
