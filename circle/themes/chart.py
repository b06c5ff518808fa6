"""Draw the vote results as a horizontal bar chart in SVG, on the server (no CDN, no script)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from circle.themes.services import ThemeResult

BAR_HEIGHT = 26
GAP = 10
LABEL_WIDTH = 330
BAR_AREA = 380
WIDTH = LABEL_WIDTH + BAR_AREA + 60


def _truncate(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart_svg(results: Sequence[ThemeResult], title: str) -> Markup:
    """Return an accessible SVG bar chart of dots per theme."""
    top = max((r.dots for r in results), default=0) or 1
    height = len(results) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for i, row in enumerate(results):
        y = GAP + i * (BAR_HEIGHT + GAP)
        width = round(BAR_AREA * row.dots / top) if row.dots else 0
        fill = "#1d5c8f" if row.theme.chosen else "#6f9fc4"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.68:.1f}" text-anchor="end" '
            f'font-size="14" fill="#1b1b1b">{escape(_truncate(row.theme.title))}</text>'
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
            f'fill="{fill}" data-dots="{row.dots}"></rect>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + width + 6}" y="{y + BAR_HEIGHT * 0.68:.1f}" font-size="14" '
            f'fill="#1b1b1b">{row.dots}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every interpolated value is escaped above)
