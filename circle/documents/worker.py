"""Run a reader in a child process with time, CPU and memory limits, so it cannot hurt us.

The parent starts ``python -I -B -c <boot>``; the child sets its own limits first, reads a
JSON header line and the file's bytes from stdin, calls the reader, and writes one JSON
object to stdout. JSON, not pickle: the child parses untrusted files, so nothing it sends
back may run code in the parent.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import logging
import math
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from circle.documents.budget import MIB, Budget
from circle.documents.model import Document, Part, Refusal, thousands

log = logging.getLogger(__name__)

_BOOT = (
    "import json, sys; sys.path[:0] = json.loads(sys.argv[1]); "
    "from circle.documents.worker import main; main()"
)


def _limit(budget: Budget) -> None:
    """Set this process's own limits: address space, CPU seconds, no core files, and a low
    CPU priority (a higher niceness than the parent's; a process may lower, never raise it)."""
    lower = budget.niceness - os.nice(0)
    if lower > 0:
        os.nice(lower)
    memory = budget.memory_mb * MIB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = math.ceil(budget.timeout_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _encode(result: Any) -> Any:
    if isinstance(result, Document):
        return {"document": dataclasses.asdict(result)}
    return {"value": result}


def _decode(payload: dict[str, Any]) -> Any:
    if "document" in payload:
        fields = dict(payload["document"])
        fields["parts"] = [Part(**part) for part in fields.get("parts", [])]
        return Document(**fields)
    return payload.get("value")


def _call(header: dict[str, Any], data: bytes, budget: Budget) -> dict[str, Any]:
    try:
        module, _, name = header["func"].partition(":")
        func = getattr(importlib.import_module(module), name)
        result = func(data, *header.get("args", []), budget=budget)
        return {"status": "ok", **_encode(result)}
    except Refusal as refusal:
        return {"status": "refused", "code": refusal.code, "params": refusal.params}
    except MemoryError:
        return {"status": "refused", "code": "memory", "params": {}}
    except RecursionError:
        return {"status": "refused", "code": "too_deep", "params": {}}
    except Exception as exc:  # noqa: BLE001 - whatever a parser raises, the file is refused
        return {"status": "refused", "code": "unreadable", "params": {"error": type(exc).__name__}}


def main() -> None:
    """The child's side: limits first, then read the request, run it, answer in JSON."""
    header = json.loads(sys.stdin.buffer.readline())
    budget = Budget(**header["budget"])
    _limit(budget)
    data = sys.stdin.buffer.read()
    answer = _call(header, data, budget)
    del data
    try:
        out = json.dumps(answer, ensure_ascii=False).encode("utf-8", "surrogatepass")
    except MemoryError:
        out = json.dumps({"status": "refused", "code": "memory", "params": {}}).encode()
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()


def _reference(func: Callable[..., Any] | str) -> str:
    if isinstance(func, str):
        return func
    return f"{func.__module__}:{func.__qualname__}"


def run_budgeted(func: Callable[..., Any] | str, data: bytes, *args: Any, budget: Budget) -> Any:
    """Call ``func(data, *args, budget=budget)`` in a child process within the budget.

    ``func`` is a module-level function (or "module:name"); ``args`` and its result must be
    JSON values, or the result a Document. Raises Refusal when the reader refuses the file,
    runs out of time or memory, or dies.
    """
    header = {
        "func": _reference(func),
        "args": list(args),
        "budget": dataclasses.asdict(budget),
    }
    request = json.dumps(header).encode() + b"\n" + data
    command = [sys.executable, "-I", "-B", "-c", _BOOT, json.dumps(sys.path)]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and our own module
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        close_fds=True,
        # The reader needs none of our settings, and a file it parses must not reach them.
        env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8"},
    )
    try:
        out, err = process.communicate(request, timeout=budget.timeout_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise Refusal("timeout", seconds=thousands(math.ceil(budget.timeout_seconds))) from None
    except BaseException:
        process.kill()
        process.communicate()
        raise
    try:
        answer = json.loads(out) if process.returncode == 0 and out else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise _death(process.returncode, err, budget)
    if answer.get("status") == "ok":
        return _decode(answer)
    params = answer.get("params") or {}
    if answer.get("code") == "unreadable":
        log.info("document reader failed: %s", params.get("error", "?"))
    raise Refusal(str(answer.get("code")), **params)


def _death(returncode: int | None, err: bytes, budget: Budget) -> Refusal:
    """Return the refusal for a child that died without answering."""
    if returncode == -signal.SIGXCPU:
        return Refusal("timeout", seconds=thousands(math.ceil(budget.timeout_seconds)))
    tail = err[-500:].decode("utf-8", "replace")
    log.info("document reader died (exit code %s): %s", returncode, tail)
    if "MemoryError" in tail:
        return Refusal("memory")
    return Refusal("unreadable")
