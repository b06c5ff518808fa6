"""Read an uploaded file: text per page plus every hidden place, within a budget, guarded.

The face other areas use::

    doc = read_document(data, filename, budget=Budget.from_config(app.config))

raises DocumentError (a DomainError with a Norwegian message) for a file that cannot be
used, and IdentityNumberError naming the place for one holding an identity number.
The names are loaded on first use, so the reader's child process imports no Flask.
"""

from __future__ import annotations

import importlib
from typing import Any

_FACE = {
    "ACCEPTED_EXTENSIONS": "circle.documents.sniff",
    "ACCEPTED_TYPES": "circle.documents.sniff",
    "FileType": "circle.documents.sniff",
    "describe_types": "circle.documents.sniff",
    "types_for": "circle.documents.sniff",
    "Budget": "circle.documents.budget",
    "Document": "circle.documents.model",
    "Part": "circle.documents.model",
    "DocumentError": "circle.documents.errors",
    "check_file_type": "circle.documents.reader",
    "read_document": "circle.documents.reader",
    "scan_document": "circle.documents.reader",
}
__all__ = sorted(_FACE)


def __getattr__(name: str) -> Any:
    """Load a public name from the module that defines it."""
    if name not in _FACE:
        raise AttributeError(f"module 'circle.documents' has no attribute {name!r}")
    return getattr(importlib.import_module(_FACE[name]), name)
