"""Budgets: huge, hostile or runaway files are refused quickly, and the caller lives on."""

from __future__ import annotations

import os
import time

import pytest

from circle.documents import Budget, DocumentError, read_document
from circle.documents.errors import DocumentError as Error
from circle.documents.model import Refusal
from circle.documents.worker import run_budgeted
from tests.circle.documents import bombs
from tests.circle.documents.builders import docx_body, pdf_page_two

MB = 1024 * 1024


def _refused(data: bytes, name: str, budget: Budget | None = None) -> tuple[str, float]:
    start = time.monotonic()
    with pytest.raises(DocumentError) as excinfo:
        read_document(data, name, budget=budget)
    return str(excinfo.value), time.monotonic() - start


def _still_reads() -> None:
    """The calling process survived and reads the next file as usual."""
    assert read_document(docx_body("Rutine for ettervern"), "neste.docx").pages


def test_pdf_with_99000_pages_is_refused_before_its_pages_are_parsed() -> None:
    start = time.monotonic()
    data = bombs.many_pages_pdf(99_000)
    assert time.monotonic() - start < 5 and len(data) <= 16 * MB
    message, seconds = _refused(data, "tykk.pdf")
    assert "Filen har flere enn 3 000 sider" in message
    assert seconds < 20
    _still_reads()


def test_pdf_that_lies_about_its_page_count_is_refused_too() -> None:
    message, _seconds = _refused(bombs.many_pages_pdf(99_000, declared=1), "løgn.pdf")
    assert "Filen har flere enn 3 000 sider" in message


def test_page_cap_comes_from_the_budget() -> None:
    data = bombs.many_pages_pdf(30)
    message, _seconds = _refused(data, "tretti.pdf", Budget(max_pages=20))
    assert "flere enn 20 sider" in message
    assert len(read_document(data, "tretti.pdf", budget=Budget(max_pages=30)).pages) == 30


def test_95_mb_text_file_is_refused_at_once() -> None:
    data = b"Ettervern og bolig for unge voksne. " * (95 * MB // 36)
    assert len(data) > 94 * MB
    message, seconds = _refused(data, "stor.txt")
    assert "mer enn 10 000 000 tegn" in message
    assert seconds < 5


def test_text_over_the_character_budget_is_refused_in_the_reader() -> None:
    # Few enough bytes to be sent to the reader, too many characters to keep.
    data = ("Bolig og økonomi. " * 40_000).encode()
    message, _seconds = _refused(data, "lang.txt", Budget(max_characters=500_000))
    assert "mer enn 500 000 tegn" in message


def test_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    data = bombs.zip_bomb_docx(300)
    assert len(data) < 2 * MB
    message, seconds = _refused(data, "bombe.docx")
    assert "pakker seg ut til mer enn 256 MB" in message
    assert seconds < 10
    _still_reads()


def test_archive_of_thousands_of_members_is_refused() -> None:
    message, _seconds = _refused(bombs.many_members_docx(6000), "mange.docx")
    assert "flere enn 5 000 deler" in message


def test_xml_entities_are_never_expanded() -> None:
    message, seconds = _refused(bombs.entity_bomb_docx(), "latter.docx")
    assert "skadet" in message and seconds < 10


def test_deeply_nested_xml_is_refused() -> None:
    message, _seconds = _refused(bombs.deep_docx(), "dyp.docx")
    assert "for dypt nestet" in message


def test_pdf_stream_bomb_is_refused() -> None:
    data = bombs.stream_bomb_pdf(200)
    assert len(data) < 2 * MB
    message, seconds = _refused(data, "bombe.pdf")
    assert "pakker seg ut til altfor mye data" in message
    assert seconds < 20


def test_real_reader_out_of_time_is_refused() -> None:
    message, _seconds = _refused(pdf_page_two("Side to"), "treg.pdf", Budget(timeout_seconds=0.01))
    assert "Filen tok for lang tid å lese" in message


def _run(func: str, budget: Budget) -> tuple[str, float]:
    start = time.monotonic()
    with pytest.raises(Refusal) as excinfo:
        run_budgeted(f"tests.circle.documents.hostile:{func}", b"data", budget=budget)
    return str(Error.from_refusal(excinfo.value)), time.monotonic() - start


def test_parser_that_never_returns_is_stopped_at_the_time_limit() -> None:
    message, seconds = _run("spin", Budget(timeout_seconds=1.5))
    assert "Filen tok for lang tid å lese (mer enn 2 sekunder)" in message
    assert 1.4 < seconds < 10
    _still_reads()


def test_parser_that_eats_memory_is_stopped_at_the_memory_limit() -> None:
    message, seconds = _run("eat_memory", Budget(memory_mb=300))
    assert "Filen krevde for mye minne" in message
    assert seconds < 20
    _still_reads()


def test_parser_that_crashes_takes_only_its_own_process() -> None:
    pid = os.getpid()
    message, _seconds = _run("crash", Budget())
    assert "Filen kunne ikke leses" in message
    assert os.getpid() == pid
    _still_reads()


def test_reader_gets_the_bytes_and_returns_its_answer() -> None:
    data = os.urandom(3 * MB)
    assert run_budgeted("tests.circle.documents.hostile:echo_length", data, budget=Budget()) == len(
        data
    )


def test_budget_from_configuration() -> None:
    budget = Budget.from_config(
        {"DOCUMENT_MAX_PAGES": "10", "DOCUMENT_TIMEOUT_SECONDS": "5", "DOCUMENT_MEMORY_MB": "512"}
    )
    assert (budget.max_pages, budget.timeout_seconds, budget.memory_mb) == (10, 5.0, 512)
    assert Budget.from_config({}) == Budget()


def test_configuration_reads_the_environment(tmp_path) -> None:  # noqa: ANN001
    from circle.config import load_config

    config = load_config(
        {"DATA_DIR": str(tmp_path), "DOCUMENT_MAX_PAGES": "50", "DOCUMENT_MEMORY_MB": "700"}
    )
    budget = Budget.from_config(config)
    assert budget.max_pages == 50 and budget.memory_mb == 700


def test_reader_sees_none_of_the_settings(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("SECRET_KEY", "hemmelig-nokkel")
    names = run_budgeted("tests.circle.documents.hostile:environment", b"", budget=Budget())
    assert "SECRET_KEY" not in names and set(names) <= {"PATH", "LC_ALL", "LC_CTYPE"}


def test_reader_runs_at_the_configured_low_priority(tmp_path) -> None:  # noqa: ANN001
    """Reading competes with pages for the CPU: the reader yields (niceness 19 by default, as
    configured otherwise), and never ends up less nice than the process that started it."""
    from circle.config import load_config

    assert run_budgeted("tests.circle.documents.hostile:priority", b"", budget=Budget()) == 19
    config = load_config({"DATA_DIR": str(tmp_path), "DOCUMENT_NICENESS": "7"})
    budget = Budget.from_config(config)
    assert budget.niceness == 7
    expected = max(7, os.nice(0))
    assert run_budgeted("tests.circle.documents.hostile:priority", b"", budget=budget) == expected
