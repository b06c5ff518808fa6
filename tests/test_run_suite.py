"""`make test` lints the tree with ruff first and stops on any finding."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import run_suite  # noqa: E402


def _tree(tmp_path: Path, source: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    (tmp_path / "module.py").write_text(source)
    return tmp_path


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    assert run_suite.lint(_tree(tmp_path, '"""A module."""\n\nVALUE = 1\n')) == 0


def test_an_unformatted_file_fails(tmp_path: Path) -> None:
    assert run_suite.lint(_tree(tmp_path, '"""A module."""\n\nVALUE=1\n')) == 1


def test_a_lint_finding_fails(tmp_path: Path) -> None:
    assert run_suite.lint(_tree(tmp_path, '"""A module."""\n\nimport os\n')) == 1


def test_the_suite_does_not_run_when_lint_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []
    monkeypatch.setattr(run_suite, "lint", lambda root=run_suite.ROOT: 1)
    monkeypatch.setattr(run_suite, "_Run", lambda label, env, *args: ran.append(label))
    monkeypatch.setattr(run_suite, "throwaway_postgres", lambda: ran.append("postgres"))
    assert run_suite.main() == 1
    assert ran == []
