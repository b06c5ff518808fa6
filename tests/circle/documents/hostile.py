"""Readers that misbehave, run through the same budgeted child process as the real ones."""

from __future__ import annotations

import os
import signal

from circle.documents.budget import Budget


def spin(data: bytes, *, budget: Budget) -> None:
    """Never return: a parser caught in a loop."""
    n = 0
    while True:
        n += 1


def eat_memory(data: bytes, *, budget: Budget) -> int:
    """Allocate without end: a parser building an ever larger structure."""
    blocks = []
    while True:
        blocks.append(bytearray(32 * 1024 * 1024))


def crash(data: bytes, *, budget: Budget) -> None:
    """Die from a signal, as a C library bug would."""
    os.kill(os.getpid(), signal.SIGSEGV)


def echo_length(data: bytes, *, budget: Budget) -> int:
    """Return how many bytes arrived: a reader that behaves."""
    return len(data)


def environment(data: bytes, *, budget: Budget) -> list[str]:
    """Return the names of the environment variables the reader sees."""
    return sorted(os.environ)


def priority(data: bytes, *, budget: Budget) -> int:
    """Return this process's niceness (its CPU priority)."""
    return os.nice(0)
