"""The one RFC 5545 / RFC 6350 line folder, used by the iCal feed and the vCard export."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from circle.contentlines import content_lines, fold
from circle.members.export import directory_vcards
from circle.models import Member, Membership, Role


@given(st.text(min_size=0, max_size=400).filter(lambda s: "\r" not in s and "\n" not in s))
def test_folded_lines_fit_and_unfold_to_the_original(line: str) -> None:
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line


def test_the_vcard_export_folds_with_it() -> None:
    name = "Åse Øvergård-" + "Ærlighetsvarig" * 8
    member = Member(name=name, email="a@test.example", job_title="", phone="")
    card = directory_vcards([Membership(member=member, role=Role.PARTICIPANT, organisation="")])
    assert all(len(line.encode()) <= 75 for line in card.split("\r\n"))
    assert content_lines([f"FN:{name}"]) in card
