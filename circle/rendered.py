"""Rendered HTML stored beside each Markdown field, kept in step with its text and the pipeline."""

from __future__ import annotations

from typing import Any, ClassVar

from markupsafe import Markup
from sqlalchemy import Integer, Text, event, or_, select
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column

from circle.identity import exempt
from circle.text import PIPELINE_VERSION, render_markdown

# Not scanned by the identity guard: an `_html` column only ever holds the pipeline's output
# for its source column on the same row, which the guard scans when it changes (a refusal
# there stops the flush before anything is written), and the pipeline adds no digits of its
# own. Scanning it again would double the guard's work on every save and could only name a
# field («…_html») that no form shows.
_HTML_EXEMPTION = "the pipeline's rendering of the scanned Markdown column beside it"


def html_column() -> Mapped[str | None]:
    """Return the column that stores one Markdown field's rendering (NULL: not rendered yet)."""
    return mapped_column(Text, nullable=True, info=exempt(_HTML_EXEMPTION))


def _html(text: str | None) -> str:
    return str(render_markdown(text)) if text else ""


class StoredHtml:
    """Mixin: each field in `markdown_fields` keeps its rendering in a `<field>_html` column.

    The rendering is made when the text is set (so a page only reads it), and `html_version`
    records which PIPELINE_VERSION made the row's renderings, so `flask text rerender` finds
    the rows an older pipeline rendered.
    """

    markdown_fields: ClassVar[tuple[str, ...]] = ()
    html_version: Mapped[int | None] = mapped_column(Integer, nullable=True)

    def rendered(self, field: str) -> Markup:
        """Return a Markdown field as HTML: stored when current, else rendered now (unsaved)."""
        stored = getattr(self, f"{field}_html")
        if stored is not None and self.html_version == PIPELINE_VERSION:
            return Markup(stored)  # noqa: S704 - the pipeline's sanitised output, stored
        return render_markdown(getattr(self, field))

    def render_html(self) -> None:
        """Render every Markdown field of the row with the current pipeline."""
        for field in self.markdown_fields:
            setattr(self, f"{field}_html", _html(getattr(self, field)))
        self.html_version = PIPELINE_VERSION


def rendered_values(model: type[StoredHtml], **values: Any) -> dict[str, Any]:
    """Return UPDATE values with the renderings of the Markdown fields among them added.

    For statements, which bypass the attribute events; the row's version is only claimed
    when every one of its Markdown fields is rendered here.
    """
    fields = [f for f in model.markdown_fields if f in values]
    rendered = {f"{f}_html": _html(values[f]) for f in fields}
    if len(fields) == len(model.markdown_fields):
        rendered["html_version"] = PIPELINE_VERSION
    return values | rendered


def _on_set(field: str) -> Any:
    def render(target: StoredHtml, value: str | None, _old: object, _initiator: object) -> None:
        setattr(target, f"{field}_html", _html(value))
        if target.html_version != PIPELINE_VERSION:
            # The row's other fields still carry an older pipeline's rendering (or none):
            # bring them along, so one version number is true of the whole row.
            for other in target.markdown_fields:
                if other != field:
                    setattr(target, f"{other}_html", _html(getattr(target, other)))
            target.html_version = PIPELINE_VERSION

    return render


@event.listens_for(Mapper, "mapper_configured")
def _listen_to_markdown_fields(mapper: Mapper[Any], cls: type) -> None:
    """Render a StoredHtml model's Markdown fields whenever they are set."""
    if not issubclass(cls, StoredHtml):
        return
    for field in cls.markdown_fields:
        event.listen(getattr(cls, field), "set", _on_set(field))


def stored_html_models(mappers: Any) -> list[type[StoredHtml]]:
    """Return the mapped models that store rendered HTML, by table name."""
    found = [m.class_ for m in mappers if issubclass(m.class_, StoredHtml)]
    return sorted(found, key=lambda cls: cls.__tablename__)


def rerender_batch(
    session: Session, model: type[StoredHtml], *, after_id: int, limit: int, force: bool = False
) -> tuple[int, int] | None:
    """Re-render up to `limit` rows past `after_id` (stale ones unless forced).

    Return the last row's id and how many rows were rendered, or None when none were left.
    """
    query = select(model).where(model.id > after_id).order_by(model.id).limit(limit)
    if not force:
        query = query.where(
            or_(model.html_version.is_(None), model.html_version != PIPELINE_VERSION)
        )
    rows = list(session.scalars(query))
    for row in rows:
        row.render_html()
    session.flush()
    return (rows[-1].id, len(rows)) if rows else None
