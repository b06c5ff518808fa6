"""The job queue on Redis (QUEUE_URL=redis://...), as several servers share it."""

from __future__ import annotations

from sqlalchemy import select

from circle.extensions import db
from circle.hooks import register_job
from circle.jobs import enqueue
from circle.jobs.models import Job, JobState
from circle.jobs.queue import _EXT_KEY, get_huey


def test_a_committed_job_goes_through_redis_and_runs_once(app, redis_url) -> None:  # noqa: ANN001
    """The commit hands the job's id to Redis (nothing runs in the web process); a consumer
    taking it from Redis runs the job; handing the same id over again does nothing."""
    ran: list[int] = []
    register_job(app, "test.redis", lambda s, p: ran.append(p["n"]))
    app.config.update(JOBS_EAGER=False, QUEUE_URL=redis_url)
    app.extensions.pop(_EXT_KEY, None)
    huey = get_huey(app)
    assert type(huey).__name__ == "RedisHuey"
    huey.flush()
    with app.app_context():
        enqueue(db.session, "test.redis", {"n": 5})
        db.session.commit()
    assert ran == [] and huey.pending_count() == 1
    task = huey.dequeue()
    huey.execute(task)
    assert ran == [5]
    with app.app_context():
        job = db.session.scalar(select(Job))
        assert job.state == JobState.DONE
        get_huey(app).run_job_task(job.id)  # a second hand-over of the same id
    huey.execute(huey.dequeue())
    assert ran == [5] and huey.pending_count() == 0
