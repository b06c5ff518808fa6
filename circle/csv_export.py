"""CSV for spreadsheets: semicolon-separated UTF-8 with a BOM, formulas never executed."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

# A cell a spreadsheet would run as a formula. A leading + or - is only that when something
# other than a number follows: "+47 22 33 44 55" and "-12,5" are data and stay as they are.
_NUMBER = re.compile(r"[+-][\d\s.,()/\-]*\d[\d\s.,()/\-]*")
_FORMULA_START = frozenset({"=", "@", "\t", "\r", "\n"})


def csv_safe(value: str) -> str:
    """Return the cell with a leading apostrophe only when a spreadsheet would execute it."""
    first = value[:1]
    if first in _FORMULA_START or (first in {"+", "-"} and not _NUMBER.fullmatch(value)):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Return CSV text as Norwegian Excel reads it: a BOM, semicolons, every cell guarded.

    Cells holding a line break (CR LF, LF or a lone CR) or a semicolon are quoted, so a
    value never adds a row or a column.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        writer.writerow([csv_safe(v or "") for v in row])
    return "\ufeff" + out.getvalue()
