"""Rewrite the catalogues sorted and without source locations, so parallel edits rarely clash."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def tidy(path: Path) -> None:
    """Sort a .po file by msgid and drop its location comments."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, no_location=True, sort_output=True, ignore_obsolete=True)


if __name__ == "__main__":
    for name in sys.argv[1:] or [str(p) for p in Path(__file__).parent.glob("*/LC_MESSAGES/*.po")]:
        tidy(Path(name))
