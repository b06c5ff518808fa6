"""The circle's transition matrix (overgangsmatrise): rows, cells and cell revisions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circle.extensions import db
from circle.models import Member, UTCDateTime, _enum, utcnow
from circle.rendered import StoredHtml, html_column


class MatrixColumn(enum.StrEnum):
    """The matrix's fixed columns."""

    ALTERNATIVES = "alternatives"
    INVOLVED = "involved"
    VULNERABLE = "vulnerable"
    PRACTICE = "practice"


MATRIX_COLUMNS = tuple(MatrixColumn)


class MatrixRow(db.Model):
    """A transition area (housing, economy, ...) of the circle's matrix."""

    __tablename__ = "transition_matrix_row"
    __table_args__ = (UniqueConstraint("circle_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cells: Mapped[list[MatrixCell]] = relationship(
        back_populates="row", cascade="all, delete-orphan"
    )

    def cell(self, column: MatrixColumn) -> MatrixCell | None:
        """Return the cell in the given column, if written."""
        return next((c for c in self.cells if c.column == column), None)


class MatrixCell(StoredHtml, db.Model):
    """The current text of one cell."""

    markdown_fields = ("body",)

    __tablename__ = "transition_matrix_cell"
    __table_args__ = (UniqueConstraint("row_id", "column"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    row_id: Mapped[int] = mapped_column(ForeignKey("transition_matrix_row.id", ondelete="CASCADE"))
    column: Mapped[MatrixColumn] = mapped_column(_enum(MatrixColumn, "matrix_column"))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = html_column()
    revision_number: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))

    row: Mapped[MatrixRow] = relationship(back_populates="cells")
    updated_by: Mapped[Member | None] = relationship()


class MatrixCellRevision(db.Model):
    """A saved version of a cell."""

    __tablename__ = "transition_matrix_cell_revision"
    __table_args__ = (UniqueConstraint("cell_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(
        ForeignKey("transition_matrix_cell.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[Member | None] = relationship()
