"""The English catalogue covers every UI string and keeps every placeholder."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from babel.messages import frontend
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
BABEL_CFG = ROOT / "babel.cfg"
IGNORED_DIRS = {".venv", "tests", "bench", "migrations"}
KEYWORDS = {
    "_": None,
    "_l": None,
    "gettext": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
}
PLACEHOLDER = re.compile(r"%\([^)]*\)[a-zA-Z]")

Key = tuple[str, str | None]


def _method_map() -> tuple[list[tuple[str, str]], dict]:
    """Read the extraction method map from babel.cfg, as `pybabel extract -F` does."""
    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with BABEL_CFG.open(encoding="utf-8") as fileobj:
        return parse(fileobj, str(BABEL_CFG))


def _keep_directory(path: str) -> bool:
    name = os.path.basename(path)
    return name not in IGNORED_DIRS and not name.startswith(".") and name != "__pycache__"


def _extracted() -> dict[Key, list[str]]:
    """Map (msgid, context) of every translatable string in the code to where it occurs."""
    method_map, options_map = _method_map()
    found: dict[Key, list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=_keep_directory,
    ):
        msgid = message[0] if isinstance(message, (tuple, list)) else message
        if msgid:
            found.setdefault((msgid, context), []).append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def catalogue() -> Catalog:
    with PO_FILE.open("rb") as fileobj:
        return read_po(fileobj, locale="en")


@pytest.fixture(scope="module")
def compiled(catalogue: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """Compile the catalogue to a .mo in a temporary folder and read it back."""
    folder = tmp_path_factory.mktemp("translations") / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    mo_file = folder / "messages.mo"
    with mo_file.open("wb") as fileobj:
        write_mo(fileobj, catalogue)
    with mo_file.open("rb") as fileobj:
        return read_mo(fileobj)


def _forms(value: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def test_catalogue_compiles_without_errors(catalogue: Catalog, compiled: Catalog) -> None:
    problems = [
        f"{message.id!r}: {error}" for message, errors in catalogue.check() for error in errors
    ]
    assert not problems, "\n".join(problems)
    assert len(compiled) > 0


def test_every_extracted_string_has_an_english_translation(
    catalogue: Catalog,
    compiled: Catalog,
) -> None:
    extracted = _extracted()
    assert extracted, "the extractor found no strings: is babel.cfg right?"
    missing = []
    for (msgid, context), where in sorted(extracted.items(), key=lambda item: item[0][0]):
        message = catalogue.get(msgid, context=context)
        in_mo = compiled.get(msgid, context=context)
        translated = (
            message is not None
            and not message.fuzzy
            and all(form.strip() for form in _forms(message.string))
            and in_mo is not None
        )
        if not translated:
            missing.append(f"{msgid!r}  ({where[0]})")
    assert not missing, (
        f"{len(missing)} msgid(s) lack an English translation in {PO_FILE.relative_to(ROOT)}; "
        "run pybabel extract + update and translate them:\n" + "\n".join(missing)
    )


def test_translations_keep_placeholders(catalogue: Catalog) -> None:
    wrong = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        expected = {p for form in _forms(message.id) for p in PLACEHOLDER.findall(form)}
        # English plural forms may leave the count out of the singular, so compare the
        # placeholders used across all forms.
        got = {p for form in _forms(message.string) for p in PLACEHOLDER.findall(form)}
        if got != expected:
            wrong.append(
                f"{message.id!r} -> {message.string!r}: "
                f"expected {sorted(expected)}, got {sorted(got)}"
            )
    assert not wrong, "placeholders differ between msgid and translation:\n" + "\n".join(wrong)
