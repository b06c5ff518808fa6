"""Fixtures for the projects tests: a circle with two units, people in every role, helpers."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest

from circle.models import Circle, Member, Role, Unit
from projects.models import ProjectStatus
from projects.services.projects import ProjectData, create_project

# A valid fødselsnummer (check digits hold); never a real person's.
FNR = "01010012356"


@dataclass
class People:
    """A circle and its people."""

    circle: Circle
    unit: Unit
    unit2: Unit
    leader: Member
    writer: Member
    colleague: Member
    bystander: Member
    reference: Member
    unit_leader: Member
    other_circle: Circle
    stranger: Member


@pytest.fixture
def people(session, make_circle, make_member) -> People:  # noqa: ANN001
    """A circle with two units; a leader, participants, the informed, and another circle."""
    circle = make_circle()
    unit2 = Unit(name="Asker kommune")
    circle.units.append(unit2)
    session.commit()
    unit = circle.units[0] if circle.units[0].id != unit2.id else circle.units[1]
    other = make_circle()
    return People(
        circle=circle,
        unit=unit,
        unit2=unit2,
        leader=make_member("Lea Leder", circle=circle, role=Role.LEADER),
        writer=make_member("Pia Prosjekt", circle=circle, role=Role.PARTICIPANT, unit=unit),
        colleague=make_member("Kai Kollega", circle=circle, role=Role.PARTICIPANT, unit=unit2),
        bystander=make_member("Bo Utenfor", circle=circle, role=Role.PARTICIPANT, unit=unit2),
        reference=make_member(
            "Rita Referanse", circle=circle, role=Role.REFERENCE, organisation="Husbanken"
        ),
        unit_leader=make_member("Ulf Enhetsleder", circle=circle, role=Role.UNIT_LEADER, unit=unit),
        other_circle=other,
        stranger=make_member("Siv Annen", circle=other, role=Role.PARTICIPANT),
    )


@pytest.fixture
def make_project(session, people):  # noqa: ANN001, ANN201
    """Return a factory for committed projects of the people's circle."""

    def make(
        title: str = "Samarbeidsprosedyre",
        *,
        members: list[Member] | None = None,
        status: ProjectStatus = ProjectStatus.ACTIVE,
        reason: str = "",
        unit: Unit | None = None,
        **kwargs: Any,
    ):  # noqa: ANN202
        members = [people.writer] if members is None else members
        data = ProjectData(
            title=title,
            unit_id=(unit or people.unit).id,
            status=status,
            status_reason=reason,
            member_ids=[m.id for m in members],
            **kwargs,
        )
        project = create_project(session, people.circle, data, actor=people.leader)
        session.commit()
        return project

    return make


def docx_bytes(*paragraphs: str) -> bytes:
    """Return a small DOCX file with the given paragraphs."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(text: str) -> bytes:
    """Return a one-page PDF holding the text (reportlab)."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.drawString(72, 720, text)
    pdf.save()
    return out.getvalue()
