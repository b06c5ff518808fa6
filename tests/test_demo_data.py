"""The demo circle is believable: weekdays, projects that agree with their status, a real
conversation in the threads."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from circle.extensions import db
from circle.threads.models import Post, PostMention, PostRevision
from meetings.models import ActionItem, Meeting, MinutesVersion
from projects.models import (
    LogEntry,
    PlanItem,
    PlanItemStatus,
    ProgressUpdate,
    Project,
    ProjectMeeting,
    ProjectStatus,
)
from tests.pages import load_demo_world

OSLO = ZoneInfo("Europe/Oslo")


def test_demo_dates_projects_and_threads(app) -> None:  # noqa: ANN001
    """Every meeting, approval, due date and project date falls on a weekday; a finished or
    stopped project has nothing due later and says so; a thread nests with mentions."""
    load_demo_world(app)
    with app.app_context():
        s = db.session
        moments = [m.starts_at for m in s.scalars(select(Meeting))]
        moments += [m.ends_at for m in s.scalars(select(Meeting))]
        moments += [v.approved_at for v in s.scalars(select(MinutesVersion))]
        moments += [m.starts_at for m in s.scalars(select(ProjectMeeting))]
        days = [m.astimezone(OSLO).date() for m in moments]
        days += [a.due_on for a in s.scalars(select(ActionItem)) if a.due_on]
        days += [i.due_on for i in s.scalars(select(PlanItem)) if i.due_on]
        days += [e.happened_on for e in s.scalars(select(LogEntry))]
        for project in s.scalars(select(Project)):
            days += [project.starts_on, project.ends_on]
        assert days and [d for d in days if d.weekday() > 4] == []

        for project in s.scalars(select(Project)):
            items = list(s.scalars(select(PlanItem).where(PlanItem.project_id == project.id)))
            updates = [
                u.body
                for u in s.scalars(
                    select(ProgressUpdate).where(ProgressUpdate.project_id == project.id)
                )
            ]
            assert not [u for u in updates if ".." in u]
            if project.status in (ProjectStatus.COMPLETED, ProjectStatus.DISCONTINUED):
                assert all(i.due_on <= project.ends_on for i in items), project.title
                assert not [u for u in updates if "i rute" in u], project.title
                assert not list(
                    s.scalars(select(ProjectMeeting).where(ProjectMeeting.project_id == project.id))
                )
            if project.status == ProjectStatus.COMPLETED:
                assert {i.status for i in items} == {PlanItemStatus.DONE}
            if project.status == ProjectStatus.PLANNED:
                assert all(i.due_on >= project.starts_on for i in items)

        assert s.scalar(select(func.max(Post.depth))) == 3
        opening_mentions = s.scalar(
            select(func.count(PostMention.id))
            .join(Post, Post.id == PostMention.post_id)
            .where(Post.depth == 0)
        )
        deep_mentions = s.scalar(
            select(func.count(PostMention.id))
            .join(Post, Post.id == PostMention.post_id)
            .where(Post.depth == 3)
        )
        assert opening_mentions >= 2 and deep_mentions >= 2
        assert s.scalar(select(func.count(PostRevision.id))) >= 1  # an edited post
