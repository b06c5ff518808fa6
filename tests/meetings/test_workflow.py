"""Service tests: the minutes workflow, edit conflicts, revisions, corrections and diffs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from circle.errors import Conflict, DomainError, NotAllowed
from circle.models import AuditEvent
from meetings.models import (
    CommentStatus,
    Distribution,
    MinutesNote,
    MinutesRevision,
    MinutesState,
    MinutesVersion,
)
from meetings.services import workflow
from meetings.services.actions import add_action
from meetings.services.minutes import EditConflict, ItemContent, diff_html, save_minutes
from tests.meetings.conftest import at

VALID_FNR = "15076500565"


def _review(session, people, meeting, days: float = 7):  # noqa: ANN001, ANN202
    return workflow.send_for_review(
        session, meeting, people.circle, actor=people.leader, deadline=at(days)
    )


def test_full_workflow_and_audit(session, people, held_meeting) -> None:
    """Draft -> review (to those present) -> approved v1 -> distributed, each audited."""
    meeting = held_meeting()
    reviewers = _review(session, people, meeting)
    assert {m.id for m in reviewers} == {people.participant.id, people.leader2.id}
    assert meeting.minutes.state == MinutesState.REVIEW
    workflow.approve_minutes(session, meeting, people.circle, actor=people.leader)
    assert (meeting.minutes.state, meeting.minutes.approved_version) == (MinutesState.APPROVED, 1)
    assert meeting.minutes.approved_by_id == people.leader.id
    recipients = workflow.distribute_minutes(session, meeting, people.circle, actor=people.leader)
    assert {m.id for m in recipients} == {people.reference.id, people.unit_leader.id}
    assert meeting.minutes.state == MinutesState.DISTRIBUTED
    rows = session.scalars(select(Distribution)).all()
    assert {(d.member_id, d.version) for d in rows} == {
        (people.reference.id, 1),
        (people.unit_leader.id, 1),
    }
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"minutes_sent_for_review", "minutes_approved", "minutes_distributed"} <= actions


@pytest.mark.parametrize(
    "steps, target",
    [
        ([], "approve"),
        ([], "distribute"),
        (["review"], "review"),
        (["review"], "distribute"),
        (["review", "approve"], "review"),
        (["review", "approve"], "approve"),
        (["review", "approve", "distribute"], "distribute"),
        (["review", "approve", "distribute"], "approve"),
    ],
)
def test_illegal_transitions_are_refused(session, people, held_meeting, steps, target) -> None:
    """Every transition outside draft -> review -> approved -> distributed is refused."""
    meeting = held_meeting()
    run = {
        "review": lambda: _review(session, people, meeting),
        "approve": lambda: workflow.approve_minutes(
            session, meeting, people.circle, actor=people.leader
        ),
        "distribute": lambda: workflow.distribute_minutes(
            session, meeting, people.circle, actor=people.leader
        ),
    }
    for step in steps:
        run[step]()
    state = meeting.minutes.state
    with pytest.raises(Conflict):
        run[target]()
    assert meeting.minutes.state == state


def test_only_leaders_approve(session, people, held_meeting) -> None:
    """A participant (even a reviewer) cannot approve; the state stays in review."""
    meeting = held_meeting()
    _review(session, people, meeting)
    with pytest.raises(NotAllowed):
        workflow.approve_minutes(session, meeting, people.circle, actor=people.participant)
    with pytest.raises(NotAllowed):
        workflow.approve_minutes(session, meeting, people.circle, actor=people.other_leader)
    assert meeting.minutes.state == MinutesState.REVIEW


def test_review_needs_attendance_and_future_deadline(session, people, make_meeting) -> None:
    """Without anyone recorded present, or with a past deadline, review is refused."""
    meeting = make_meeting(-2)
    save_minutes(
        session,
        meeting,
        people.circle,
        actor=people.leader,
        expected_version=0,
        content={},
        evaluation="Kort.",
    )
    with pytest.raises(DomainError):
        _review(session, people, meeting)
    with pytest.raises(DomainError):
        _review(session, people, meeting, days=-1)
    assert meeting.minutes.state == MinutesState.DRAFT


def test_corrections_are_accepted_or_declined_with_trail(session, people, held_meeting) -> None:
    """An accepted correction replaces the notes and adds a revision; open ones block approval."""
    meeting = held_meeting()
    _review(session, people, meeting)
    item = meeting.items[0]
    fix = workflow.add_comment(
        session,
        meeting.minutes,
        people.circle,
        actor=people.participant,
        kind="correction",
        item_id=item.id,
        suggested_text="Riktig tekst.",
    )
    remark = workflow.add_comment(
        session,
        meeting.minutes,
        people.circle,
        actor=people.participant,
        kind="comment",
        body="Fint skrevet.",
    )
    with pytest.raises(Conflict):
        workflow.approve_minutes(session, meeting, people.circle, actor=people.leader)
    revisions_before = session.scalar(select(func.count(MinutesRevision.id)))
    workflow.decide_comment(session, fix, people.circle, actor=people.leader, accept=True)
    workflow.decide_comment(
        session, remark, people.circle, actor=people.leader, accept=False, note="Ingen endring."
    )
    note = session.scalar(select(MinutesNote).where(MinutesNote.item_id == item.id))
    assert note.notes == "Riktig tekst." and note.decision == "Vedtatt."
    assert (fix.status, remark.status) == (CommentStatus.ACCEPTED, CommentStatus.DECLINED)
    assert fix.decided_by_id == people.leader.id and fix.decided_at is not None
    assert session.scalar(select(func.count(MinutesRevision.id))) == revisions_before + 1
    with pytest.raises(Conflict):
        workflow.decide_comment(session, fix, people.circle, actor=people.leader, accept=False)
    workflow.approve_minutes(session, meeting, people.circle, actor=people.leader)


def test_comments_after_deadline_and_from_outsiders_are_refused(
    session, people, held_meeting
) -> None:
    """Past the deadline, or from someone not invited to review: refused."""
    meeting = held_meeting()
    _review(session, people, meeting, days=1)
    with pytest.raises(NotAllowed):
        workflow.add_comment(
            session,
            meeting.minutes,
            people.circle,
            actor=people.participant2,
            kind="comment",
            body="Jeg var ikke der.",
        )
    with pytest.raises(NotAllowed):
        workflow.add_comment(
            session,
            meeting.minutes,
            people.circle,
            actor=people.reference,
            kind="comment",
            body="Hei",
        )
    with pytest.raises(Conflict):
        workflow.add_comment(
            session,
            meeting.minutes,
            people.circle,
            actor=people.participant,
            kind="comment",
            body="For sent",
            now=at(2),
        )
    with pytest.raises(DomainError):
        workflow.add_comment(
            session,
            meeting.minutes,
            people.circle,
            actor=people.participant,
            kind="comment",
            body=f"Nummer {VALID_FNR}",
        )
    assert meeting.minutes.comments == []


def test_edit_conflict_refuses_second_save_and_shows_difference(
    session, people, held_meeting
) -> None:
    """Two leaders load version 1; the second save is refused and nothing is overwritten."""
    meeting = held_meeting(notes="Første tekst.")
    item = meeting.items[0]
    loaded = meeting.minutes.edit_version
    save_minutes(
        session,
        meeting,
        people.circle,
        actor=people.leader,
        expected_version=loaded,
        content={item.id: ItemContent("Leas endring.")},
        evaluation="",
    )
    with pytest.raises(EditConflict) as caught:
        save_minutes(
            session,
            meeting,
            people.circle,
            actor=people.leader2,
            expected_version=loaded,
            content={item.id: ItemContent("Leifs endring.")},
            evaluation="",
        )
    assert "Leas endring." in caught.value.current_text
    assert "Leifs endring." in caught.value.their_text
    note = session.scalar(select(MinutesNote).where(MinutesNote.item_id == item.id))
    assert note.notes == "Leas endring."
    html = str(diff_html(caught.value.current_text, caught.value.their_text, "Nå", "Din"))
    assert "<del>Leas endring.</del>" in html and "<ins>Leifs endring.</ins>" in html


def test_revisions_keep_who_and_when(session, people, held_meeting) -> None:
    """Every save is a numbered revision with its author."""
    meeting = held_meeting()
    save_minutes(
        session,
        meeting,
        people.circle,
        actor=people.leader2,
        expected_version=meeting.minutes.edit_version,
        content={},
        evaluation="Ny.",
    )
    revisions = session.scalars(select(MinutesRevision).order_by(MinutesRevision.number)).all()
    assert [(r.number, r.author_id) for r in revisions] == [
        (1, people.leader.id),
        (2, people.leader2.id),
    ]
    assert "Ny." in revisions[1].snapshot and "Bra møte." in revisions[0].snapshot


def test_diff_escapes_markup(session) -> None:
    """Text in a diff is escaped: a script tag comes out as text."""
    html = str(diff_html("a\n<b>x</b>", "a\n<script>alert(1)</script>", "A", "B"))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_frozen_minutes_cannot_be_edited_and_correction_makes_new_version(
    session, people, held_meeting
) -> None:
    """After approval, saving is refused; a correction makes version 2 with a reason."""
    meeting = held_meeting(notes="Opprinnelig.")
    add_action(session, meeting.minutes, people.circle, actor=people.leader, what="Oppgave A")
    _review(session, people, meeting)
    workflow.approve_minutes(session, meeting, people.circle, actor=people.leader)
    workflow.distribute_minutes(session, meeting, people.circle, actor=people.leader)
    item = meeting.items[0]
    version = meeting.minutes.edit_version
    with pytest.raises(Conflict):
        save_minutes(
            session,
            meeting,
            people.circle,
            actor=people.leader,
            expected_version=version,
            content={item.id: ItemContent("Ny")},
            evaluation="",
        )
    with pytest.raises(Conflict):
        add_action(session, meeting.minutes, people.circle, actor=people.leader, what="B")
    with pytest.raises(DomainError):
        workflow.correct_minutes(
            session,
            meeting,
            people.circle,
            actor=people.leader,
            expected_version=version,
            content={},
            evaluation="Bra møte.",
            reason="",
        )
    new, told = workflow.correct_minutes(
        session,
        meeting,
        people.circle,
        actor=people.leader,
        expected_version=version,
        content={item.id: ItemContent("Rettet.", "Vedtatt.")},
        evaluation="Bra møte.",
        reason="Feil navn i punkt 1",
    )
    assert new.number == 2 and meeting.minutes.approved_version == 2
    assert {m.id for m in told} == {people.reference.id, people.unit_leader.id}
    versions = session.scalars(select(MinutesVersion).order_by(MinutesVersion.number)).all()
    assert "Opprinnelig." in versions[0].snapshot and "Rettet." in versions[1].snapshot
    assert versions[1].reason == "Feil navn i punkt 1"
    corrections = session.scalars(select(Distribution).where(Distribution.correction)).all()
    assert {(d.member_id, d.version) for d in corrections} == {
        (people.reference.id, 2),
        (people.unit_leader.id, 2),
    }
    html = str(diff_html(versions[0].snapshot, versions[1].snapshot, "1", "2"))
    assert "<ins>Rettet.</ins>" in html
    with pytest.raises(DomainError):  # the same text again changes nothing
        workflow.correct_minutes(
            session,
            meeting,
            people.circle,
            actor=people.leader,
            expected_version=meeting.minutes.edit_version,
            content={item.id: ItemContent("Rettet.", "Vedtatt.")},
            evaluation="Bra møte.",
            reason="Igjen",
        )


def test_approval_at_next_meeting_through_its_item(
    session, people, held_meeting, make_meeting
) -> None:
    """Minutes can be approved at the next meeting that has the approval item."""
    first = held_meeting(-20)
    _review(session, people, first)
    unrelated = make_meeting(-30, kind="reference", title="Referansegruppe")
    with pytest.raises(DomainError):
        workflow.approve_minutes(
            session, first, people.circle, actor=people.leader, at_meeting=unrelated
        )
    second = make_meeting(-1, title="Neste")
    workflow.approve_minutes(session, first, people.circle, actor=people.leader, at_meeting=second)
    assert first.minutes.approved_at_meeting_id == second.id


def test_identity_number_in_minutes_saves_nothing(session, people, held_meeting) -> None:
    """A fødselsnummer in the notes is refused; the stored minutes are unchanged."""
    meeting = held_meeting(notes="Ren tekst.")
    item = meeting.items[1]
    version = meeting.minutes.edit_version
    with pytest.raises(DomainError):
        save_minutes(
            session,
            meeting,
            people.circle,
            actor=people.leader,
            expected_version=version,
            content={item.id: ItemContent(f"Gjelder {VALID_FNR[:6]} {VALID_FNR[6:]}")},
            evaluation="",
        )
    session.rollback()
    assert meeting.minutes.edit_version == version
    assert session.scalar(select(func.count(MinutesNote.id))) == 1


def test_review_deadline_is_kept(session, people, held_meeting) -> None:
    """The review deadline and the time sent are recorded."""
    meeting = held_meeting()
    _review(session, people, meeting, days=4)
    assert meeting.minutes.review_deadline - at(4) < timedelta(seconds=1)
    assert meeting.minutes.review_sent_at is not None


def test_review_item_lists_actions_as_their_minutes_are_visible(
    session, people, held_meeting, make_meeting
) -> None:
    """Open actions of draft minutes show to leaders only; in review also to the reviewers."""
    from meetings.services.agenda import actions_for_review

    held = held_meeting()
    add_action(session, held.minutes, people.circle, actor=people.leader, what="Oppgave R")
    later = make_meeting(5)

    def seen(member) -> list[str]:  # noqa: ANN001
        return [a.what for a in actions_for_review(session, later, people.circle, member)]

    assert seen(people.leader) == ["Oppgave R"]
    assert seen(people.participant) == []
    _review(session, people, held)
    # participant was present (a reviewer); participant2 was excused (not a reviewer).
    assert seen(people.participant) == ["Oppgave R"]
    assert seen(people.participant2) == []
    workflow.approve_minutes(session, held, people.circle, actor=people.leader)
    assert seen(people.participant2) == ["Oppgave R"]
