"""ZIP-based formats read safely: size and member limits first, XML without entities or network."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from circle.documents.budget import Budget
from circle.documents.model import Part, Refusal, thousands

# No DTDs, no entity expansion, no network; libxml2's default depth limit (256) stays on.
_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=False,
)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
# A number of ten digits may be an identity number whose leading zero a spreadsheet dropped.
_TEN_DIGITS_RE = re.compile(r"^[1-9][0-9]{9}(\.0+)?$")


class Archive:
    """A ZIP archive whose declared sizes were checked against the budget before reading."""

    def __init__(self, data: bytes, budget: Budget, name: str) -> None:
        self.name = name
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
            raise Refusal("damaged", name=name) from exc
        if len(infos) > budget.max_archive_members:
            raise Refusal("too_many_members", n=thousands(budget.max_archive_members))
        if sum(i.file_size for i in infos) > budget.max_unpacked_bytes:
            raise Refusal("too_big_unpacked", mb=thousands(budget.max_unpacked_mb))
        self.members = {i.filename: i for i in infos if not i.is_dir()}
        self.done: set[str] = set()

    def names(self, prefix: str = "", suffix: str = "") -> list[str]:
        """Return member names with the prefix and suffix, in a natural order (2 before 10)."""
        found = [n for n in self.members if n.startswith(prefix) and n.endswith(suffix)]
        return sorted(found, key=_natural)

    def read(self, name: str) -> bytes:
        """Return a member's bytes (at most its declared size, which the budget allowed)."""
        self.done.add(name)
        try:
            with self.zip.open(self.members[name]) as member:
                return member.read()
        except KeyError:
            raise
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
            raise Refusal("damaged", name=self.name) from exc

    def xml(self, name: str) -> Any:
        """Return a member parsed as XML, or None when the archive has no such member."""
        if name not in self.members:
            return None
        return parse_xml(self.read(name), self.name)

    def refuse_embedded(self, folders: Iterable[str]) -> None:
        """Refuse an archive holding embedded files or objects, which cannot be checked."""
        for name in self.members:
            lower = name.lower()
            if "/printersettings/" in lower:
                continue  # the printer's settings, written by Office into many files
            if lower.endswith((".bin", ".ole")) or any(lower.startswith(f) for f in folders):
                raise Refusal("attachments")

    def image_parts(self) -> list[Part]:
        """Return the metadata of every PNG or JPEG picture in the archive."""
        from circle.documents.images import metadata_text

        parts = []
        for name in self.names():
            if name.lower().endswith(IMAGE_SUFFIXES):
                text = metadata_text(self.read(name))
                if text:
                    parts.append(Part("embedded_image", text, name=name.rsplit("/", 1)[-1]))
        return parts

    def other_parts(self, skip: Iterable[str] = ()) -> list[Part]:
        """Return the text of every XML member not read yet (a net for unusual places)."""
        skipped = tuple(skip)
        parts = []
        for name in self.names():
            lower = name.lower()
            if name in self.done or not lower.endswith((".xml", ".rels", ".rdf")):
                continue
            if lower.endswith(".rels") or any(s in lower for s in skipped):
                continue
            text = "\n".join(all_text(self.xml(name)))
            if text.strip():
                parts.append(Part("other", text, name=name))
        return parts


def parse_xml(data: bytes, name: str) -> Any:
    """Parse untrusted XML safely; a broken or too deeply nested document is refused."""
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower() or "nest" in str(exc).lower():
            raise Refusal("too_deep") from exc
        raise Refusal("damaged", name=name) from exc


def all_text(root: Any, attributes: bool = False) -> Iterator[str]:
    """Yield every text node (and, if asked, every attribute value) under an element."""
    if root is None:
        return
    for el in root.iter():
        if attributes and isinstance(el.tag, str):
            for value in el.attrib.values():
                if value.strip():
                    yield value
        if isinstance(el.tag, str) and el.text and el.text.strip():
            yield el.text
        if el.tail and el.tail.strip() and el is not root:
            yield el.tail


def local(tag: Any) -> str:
    """Return an element tag without its namespace."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def number_variants(value: str) -> str:
    """Return a cell's number, and with a leading zero if a spreadsheet may have dropped one."""
    return f"{value} 0{value.split('.')[0]}" if _TEN_DIGITS_RE.match(value) else value


def _natural(name: str) -> tuple[Any, ...]:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name))


def properties_parts(archive: Archive) -> list[Part]:
    """Return the OOXML document properties: core, extended (app) and custom."""
    parts = []
    core = "\n".join(all_text(archive.xml("docProps/core.xml")))
    app = "\n".join(all_text(archive.xml("docProps/app.xml")))
    if (core + app).strip():
        parts.append(Part("properties", f"{core}\n{app}".strip()))
    custom_root = archive.xml("docProps/custom.xml")
    if custom_root is not None:
        lines = []
        for prop in custom_root:
            values = " ".join(t.strip() for t in all_text(prop))
            lines.append(f"{prop.get('name', '')}: {values}")
        if lines:
            parts.append(Part("custom_properties", "\n".join(lines)))
    return parts


def core_info(archive: Archive) -> dict[str, Any]:
    """Return title, author and year from docProps/core.xml."""
    root = archive.xml("docProps/core.xml")
    info: dict[str, Any] = {}
    if root is None:
        return info
    for el in root:
        name, text = local(el.tag), (el.text or "").strip()
        if name == "title" and text:
            info["title"] = text
        elif name == "creator" and text:
            info["author"] = text
        elif name == "created" and text[:4].isdigit():
            info["year"] = int(text[:4])
    return info
