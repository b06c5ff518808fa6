"""Hostile files made cheaply: a 99,000-page PDF, a stream bomb, ZIP and XML bombs."""

from __future__ import annotations

import io
import zipfile
import zlib

from tests.circle.documents.builders import docx_body, rewrite_zip


def _pdf(objects: list[bytes]) -> bytes:
    """Return a PDF whose object i+1 is objects[i], with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def many_pages_pdf(pages: int, *, declared: int | None = None) -> bytes:
    """Return a PDF of `pages` pages sharing one content stream (small and quick to write)."""
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    content = b"BT /F1 12 Tf 72 720 Td (Side) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count %d /Kids [%s] >>" % (declared or pages, kids),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>"
    objects.extend([page] * pages)
    return _pdf(objects)


def stream_bomb_pdf(megabytes: int = 200) -> bytes:
    """Return a one-page PDF whose content stream inflates to `megabytes` MB of spaces."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    packed = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [4 0 R] >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>",
    ]
    return _pdf(objects)


def zip_bomb_docx(megabytes: int = 300) -> bytes:
    """Return a DOCX with one extra member that unpacks to `megabytes` MB of zeros."""
    out = io.BytesIO(docx_body("Rutine"))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("customXml/item9.xml", "w", force_zip64=True) as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


def many_members_docx(members: int = 6000) -> bytes:
    """Return a DOCX of thousands of tiny members."""
    out = io.BytesIO(docx_body("Rutine"))
    with zipfile.ZipFile(out, "a") as archive:
        for i in range(members):
            archive.writestr(f"customXml/i{i}.xml", "<a/>")
    return out.getvalue()


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def entity_bomb_docx() -> bytes:
    """Return a DOCX whose body defines nested entities (a billion laughs, if expanded)."""
    entities = '<!ENTITY a "hahahahahahahahahaha">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]><w:document {_W}><w:body>'
        "<w:p><w:r><w:t>&j;</w:t></w:r></w:p></w:body></w:document>"
    )
    return rewrite_zip(docx_body("Rutine"), {"word/document.xml": xml})


def deep_docx(depth: int = 20_000) -> bytes:
    """Return a DOCX whose body nests content controls thousands of levels deep."""
    inner = "<w:p><w:r><w:t>Dypt</w:t></w:r></w:p>"
    xml = (
        f'<?xml version="1.0"?><w:document {_W}><w:body>'
        + "<w:sdt><w:sdtContent>" * depth
        + inner
        + "</w:sdtContent></w:sdt>" * depth
        + "</w:body></w:document>"
    )
    return rewrite_zip(docx_body("Rutine"), {"word/document.xml": xml})
