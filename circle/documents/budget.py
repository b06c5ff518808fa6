"""The limits an uploaded file is read within: pages, characters, unpacked size, time, memory."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MIB = 1024 * 1024


@dataclass(frozen=True)
class Budget:
    """Limits for reading one file; the defaults suit a 300-page report with room to spare."""

    max_pages: int = 3000
    timeout_seconds: float = 60.0
    memory_mb: int = 1024
    max_characters: int = 10_000_000
    max_unpacked_mb: int = 256
    max_archive_members: int = 5000
    # The reader runs at the lowest CPU priority: pages and logins are served first, and a
    # reader only gets the time nobody else wants (reading is never waited on in a request).
    niceness: int = 19

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Budget:
        """Return the budget set in an app's configuration (DOCUMENT_* keys), else defaults."""
        base = cls()
        return cls(
            max_pages=int(config.get("DOCUMENT_MAX_PAGES") or base.max_pages),
            timeout_seconds=float(config.get("DOCUMENT_TIMEOUT_SECONDS") or base.timeout_seconds),
            memory_mb=int(config.get("DOCUMENT_MEMORY_MB") or base.memory_mb),
            max_characters=int(config.get("DOCUMENT_MAX_CHARACTERS") or base.max_characters),
            max_unpacked_mb=int(config.get("DOCUMENT_MAX_UNPACKED_MB") or base.max_unpacked_mb),
            max_archive_members=int(
                config.get("DOCUMENT_MAX_ARCHIVE_MEMBERS") or base.max_archive_members
            ),
            niceness=int(config.get("DOCUMENT_NICENESS", base.niceness)),
        )

    @property
    def max_unpacked_bytes(self) -> int:
        """The unpacked size an archive (DOCX, XLSX, ODT ...) may reach in all."""
        return self.max_unpacked_mb * MIB


def config_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """Return the DOCUMENT_* configuration keys read from environment variables."""
    keys = {
        "DOCUMENT_MAX_PAGES": int,
        "DOCUMENT_TIMEOUT_SECONDS": float,
        "DOCUMENT_MEMORY_MB": int,
        "DOCUMENT_MAX_CHARACTERS": int,
        "DOCUMENT_MAX_UNPACKED_MB": int,
        "DOCUMENT_MAX_ARCHIVE_MEMBERS": int,
        "DOCUMENT_NICENESS": int,
    }
    return {key: kind(env[key]) for key, kind in keys.items() if env.get(key)}
