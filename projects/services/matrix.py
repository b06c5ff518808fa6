"""The circle's transition matrix: rows, cell edits with revisions, CSV export."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from circle.csv_export import csv_text
from circle.errors import Conflict, DomainError
from circle.models import Circle, Member, utcnow
from circle.rendered import rendered_values
from projects.models import MATRIX_COLUMNS, MatrixCell, MatrixCellRevision, MatrixColumn, MatrixRow
from projects.permissions import can_edit_matrix
from projects.services._common import StaleEdit, check_length, guard_text, require_allowed

COLUMN_LABELS = {
    MatrixColumn.ALTERNATIVES: _l("Alternativer"),
    MatrixColumn.INVOLVED: _l("Hvem er involvert"),
    MatrixColumn.VULNERABLE: _l("Hva er sårbart"),
    MatrixColumn.PRACTICE: _l("God praksis"),
}
DEFAULT_ROWS = (
    _l("Bolig"),
    _l("Økonomi"),
    _l("Dagaktivitet: skole og arbeid"),
    _l("Helse"),
    _l("Systemnivå"),
)
NOT_STAFF = _l("Bare sirkelens deltakere og ledere kan endre overgangsmatrisen.")
MAX_ROWS = 40


def load_matrix(session: Session, circle: Circle) -> list[MatrixRow]:
    """Return the rows in order with their cells (two queries)."""
    return list(
        session.scalars(
            select(MatrixRow)
            .where(MatrixRow.circle_id == circle.id)
            .options(selectinload(MatrixRow.cells).joinedload(MatrixCell.updated_by))
            .order_by(MatrixRow.position, MatrixRow.id)
        )
    )


def add_default_rows(session: Session, circle: Circle, *, actor: Member) -> list[MatrixRow]:
    """Start the matrix with the usual transition areas (only while it is empty)."""
    require_allowed(can_edit_matrix(actor, circle), NOT_STAFF)
    if session.scalar(select(func.count(MatrixRow.id)).where(MatrixRow.circle_id == circle.id)):
        raise Conflict(_l("Matrisen har allerede rader."))
    rows = [
        MatrixRow(circle_id=circle.id, title=str(title), position=i, created_by_id=actor.id)
        for i, title in enumerate(DEFAULT_ROWS)
    ]
    session.add_all(rows)
    session.flush()
    return rows


def add_row(session: Session, circle: Circle, *, actor: Member, title: str) -> MatrixRow:
    """Add a transition area of the circle's own."""
    require_allowed(can_edit_matrix(actor, circle), NOT_STAFF)
    title = (title or "").strip()
    if not title:
        raise DomainError(_l("Raden må ha et navn."))
    if len(title) > 200:
        raise DomainError(_l("Navnet kan ha høyst 200 tegn."))
    guard_text(title)
    rows = load_matrix(session, circle)
    if len(rows) >= MAX_ROWS:
        raise DomainError(_l("Matrisen kan ha høyst %(n)d rader.", n=MAX_ROWS))
    if any(r.title.lower() == title.lower() for r in rows):
        raise Conflict(_l("Matrisen har allerede en rad med det navnet."))
    row = MatrixRow(
        circle_id=circle.id,
        title=title,
        created_by_id=actor.id,
        position=max((r.position for r in rows), default=-1) + 1,
    )
    session.add(row)
    session.flush()
    return row


def get_row(session: Session, circle: Circle, row_id: int) -> MatrixRow | None:
    """Return the circle's row."""
    return session.scalar(
        select(MatrixRow).where(MatrixRow.id == row_id, MatrixRow.circle_id == circle.id)
    )


def get_cell(session: Session, row: MatrixRow, column: MatrixColumn) -> MatrixCell | None:
    """Return the cell, if ever written."""
    return session.scalar(
        select(MatrixCell)
        .where(MatrixCell.row_id == row.id, MatrixCell.column == column)
        .options(joinedload(MatrixCell.updated_by))
    )


def _stale(cell: MatrixCell | None) -> StaleEdit:
    if cell is None:
        return StaleEdit("", 0)
    return StaleEdit(
        cell.body, cell.revision_number, cell.updated_by.name if cell.updated_by else ""
    )


def save_cell(
    session: Session,
    circle: Circle,
    row: MatrixRow,
    column: MatrixColumn,
    *,
    actor: Member,
    body: str,
    base_revision: int,
) -> MatrixCell:
    """Save a cell as a new revision, unless someone saved since base_revision."""
    require_allowed(can_edit_matrix(actor, circle), NOT_STAFF)
    if row.circle_id != circle.id:
        raise DomainError(_l("Raden hører ikke til denne sirkelen."))
    body = (body or "").replace("\r\n", "\n").strip()
    check_length(body, 20_000)
    guard_text(body)
    cell = get_cell(session, row, column)
    if (cell.revision_number if cell else 0) != base_revision:
        raise _stale(cell)
    if cell is not None and cell.body == body:
        return cell
    now, number = utcnow(), base_revision + 1
    if cell is None:
        cell = MatrixCell(
            row_id=row.id,
            column=column,
            body=body,
            revision_number=1,
            updated_at=now,
            updated_by_id=actor.id,
        )
        session.add(cell)
        try:
            session.flush()
        except IntegrityError:  # created by someone else at the same moment; the view rolls back
            raise StaleEdit("", 0) from None
    else:
        result = session.execute(
            update(MatrixCell)
            .where(MatrixCell.id == cell.id, MatrixCell.revision_number == base_revision)
            .values(
                **rendered_values(
                    MatrixCell,
                    body=body,
                    revision_number=number,
                    updated_at=now,
                    updated_by_id=actor.id,
                )
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            session.refresh(cell)
            raise _stale(cell)
        session.refresh(cell)
    session.add(
        MatrixCellRevision(
            cell_id=cell.id, number=number, body=body, author_id=actor.id, created_at=now
        )
    )
    session.flush()
    return cell


def cell_revisions(session: Session, cell: MatrixCell) -> list[MatrixCellRevision]:
    """Return the cell's revisions, newest first."""
    return list(
        session.scalars(
            select(MatrixCellRevision)
            .where(MatrixCellRevision.cell_id == cell.id)
            .options(joinedload(MatrixCellRevision.author))
            .order_by(MatrixCellRevision.number.desc())
        )
    )


def matrix_csv(rows: list[MatrixRow]) -> str:
    """Return the matrix as CSV (semicolon-separated, as Norwegian Excel expects)."""
    header = [str(_l("Overgang")), *(str(COLUMN_LABELS[c]) for c in MATRIX_COLUMNS)]
    return csv_text(
        header,
        (
            [row.title, *((row.cell(c).body if row.cell(c) else "") for c in MATRIX_COLUMNS)]
            for row in rows
        ),
    )
