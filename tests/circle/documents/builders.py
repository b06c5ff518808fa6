"""Files of every accepted type, each with a given text in one chosen place."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def rewrite_zip(
    data: bytes,
    changes: dict[str, bytes | str],
    *,
    overrides: dict[str, str] | None = None,
    rels: dict[str, list[tuple[str, str, str]]] | None = None,
) -> bytes:
    """Return the archive with members added or replaced, content types and relationships."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        members = {name: src.read(name) for name in src.namelist()}
    for name, value in changes.items():
        members[name] = value.encode() if isinstance(value, str) else value
    if overrides:
        ct = members["[Content_Types].xml"].decode()
        extra = "".join(
            f'<Override PartName="/{part}" ContentType="{kind}"/>'
            for part, kind in overrides.items()
        )
        members["[Content_Types].xml"] = ct.replace("</Types>", extra + "</Types>").encode()
    for rels_name, entries in (rels or {}).items():
        text = members.get(rels_name, f'<Relationships xmlns="{_REL}"></Relationships>'.encode())
        extra = "".join(
            f'<Relationship Id="{rid}" Type="{_OFFICE_REL}/{kind}" Target="{target}"/>'
            for rid, kind, target in entries
        )
        members[rels_name] = (
            text.decode().replace("</Relationships>", extra + "</Relationships>").encode()
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, value in members.items():
            dst.writestr(name, value)
    return out.getvalue()


# ------------------------------------------------------------------------------- DOCX


def _docx(build: Callable[..., None] | None = None) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Rutine for samarbeid om ettervern mellom barnevern og NAV.")
    if build:
        build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _append_body_xml(document, xml: str) -> None:  # noqa: ANN001
    from docx.oxml import parse_xml

    element = parse_xml(xml)
    document.element.body.insert(len(document.element.body) - 1, element)


_W = f'xmlns:w="{W_NS}"'


def docx_body(text: str) -> bytes:
    return _docx(lambda d: d.add_paragraph(text))


def docx_nested_table(text: str) -> bytes:
    def build(d):  # noqa: ANN001, ANN202
        outer = d.add_table(rows=1, cols=2)
        outer.cell(0, 0).text = "Tiltak"
        inner = outer.cell(0, 1).add_table(rows=1, cols=1)
        inner.cell(0, 0).text = text

    return _docx(build)


def docx_split_runs(text: str) -> bytes:
    half = len(text) // 2

    def build(d):  # noqa: ANN001, ANN202
        p = d.add_paragraph()
        p.add_run(text[:half]).bold = True
        p.add_run(text[half:])

    return _docx(build)


def docx_textbox(text: str) -> bytes:
    xml = (
        f'<w:p {_W} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:r><mc:AlternateContent>'
        '<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>'
        f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp>"
        "</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
        f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape>"
        "</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    return _docx(lambda d: _append_body_xml(d, xml))


def docx_deleted(text: str) -> bytes:
    xml = (
        f"<w:p {_W}><w:r><w:t>Gjeldende tekst. </w:t></w:r>"
        f'<w:del w:id="1" w:author="Kari" w:date="2026-01-01T00:00:00Z"><w:r>'
        f"<w:delText>{text}</w:delText></w:r></w:del></w:p>"
    )
    return _docx(lambda d: _append_body_xml(d, xml))


def docx_inserted(text: str) -> bytes:
    xml = (
        f'<w:p {_W}><w:ins w:id="2" w:author="Kari" w:date="2026-01-01T00:00:00Z"><w:r>'
        f"<w:t>{text}</w:t></w:r></w:ins></w:p>"
    )
    return _docx(lambda d: _append_body_xml(d, xml))


def docx_field_code(text: str) -> bytes:
    xml = (
        f'<w:p {_W}><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> MERGEFIELD nr{text} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>«nr»</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    return _docx(lambda d: _append_body_xml(d, xml))


def docx_field_result(text: str) -> bytes:
    xml = (
        f'<w:p {_W}><w:fldSimple w:instr=" DOCPROPERTY Saksnr "><w:r><w:t>{text}</w:t></w:r>'
        "</w:fldSimple></w:p>"
    )
    return _docx(lambda d: _append_body_xml(d, xml))


def docx_header(text: str) -> bytes:
    return _docx(lambda d: setattr(d.sections[0].header.paragraphs[0], "text", text))


def docx_footer(text: str) -> bytes:
    return _docx(lambda d: setattr(d.sections[0].footer.paragraphs[0], "text", text))


def docx_first_page_header(text: str) -> bytes:
    def build(d):  # noqa: ANN001, ANN202
        d.sections[0].different_first_page_header_footer = True
        d.sections[0].first_page_header.paragraphs[0].text = text

    return _docx(build)


def docx_even_page_footer(text: str) -> bytes:
    def build(d):  # noqa: ANN001, ANN202
        d.settings.odd_and_even_pages_header_footer = True
        d.sections[0].even_page_footer.paragraphs[0].text = text

    return _docx(build)


def docx_second_section_header(text: str) -> bytes:
    def build(d):  # noqa: ANN001, ANN202
        from docx.enum.section import WD_SECTION

        section = d.add_section(WD_SECTION.NEW_PAGE)
        section.header.is_linked_to_previous = False
        section.header.paragraphs[0].text = text

    return _docx(build)


def _notes_xml(tag: str, text: str) -> str:
    return (
        f'<w:{tag}s {_W}><w:{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r>'
        f'</w:p></w:{tag}><w:{tag} w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{tag}>'
        f"</w:{tag}s>"
    )


def _docx_with_part(member: str, xml: str, kind: str, content_type: str) -> bytes:
    return rewrite_zip(
        _docx(),
        {member: xml},
        overrides={member: content_type},
        rels={"word/_rels/document.xml.rels": [("rIdX9", kind, member.split("/", 1)[1])]},
    )


_WML_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def docx_footnote(text: str) -> bytes:
    return _docx_with_part(
        "word/footnotes.xml", _notes_xml("footnote", text), "footnotes", f"{_WML_CT}.footnotes+xml"
    )


def docx_endnote(text: str) -> bytes:
    return _docx_with_part(
        "word/endnotes.xml", _notes_xml("endnote", text), "endnotes", f"{_WML_CT}.endnotes+xml"
    )


def docx_comment(text: str) -> bytes:
    def build(d):  # noqa: ANN001, ANN202
        run = d.paragraphs[0].runs[0]
        d.add_comment(run, text=text, author="Kari Nordmann", initials="KN")

    return _docx(build)


def docx_core_property(text: str) -> bytes:
    return _docx(lambda d: setattr(d.core_properties, "subject", text))


def docx_app_property(text: str) -> bytes:
    data = _docx()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        app = z.read("docProps/app.xml").decode()
    return rewrite_zip(
        data,
        {
            "docProps/app.xml": app.replace(
                "</Properties>", f"<Company>{text}</Company></Properties>"
            )
        },
    )


def docx_custom_property(text: str) -> bytes:
    xml = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Saksnummer">'
        f"<vt:lpwstr>{text}</vt:lpwstr></property></Properties>"
    )
    return rewrite_zip(
        _docx(),
        {"docProps/custom.xml": xml},
        overrides={
            "docProps/custom.xml": "application/vnd.openxmlformats-officedocument.custom-properties+xml"
        },
        rels={"_rels/.rels": [("rIdC1", "custom-properties", "docProps/custom.xml")]},
    )


def docx_custom_xml(text: str) -> bytes:
    xml = f'<?xml version="1.0"?><skjema xmlns="urn:test:skjema"><nummer>{text}</nummer></skjema>'
    return rewrite_zip(_docx(), {"customXml/item1.xml": xml})


def docx_image_exif(text: str) -> bytes:
    def build(d):  # noqa: ANN001, ANN202
        d.add_picture(io.BytesIO(jpeg_exif_description(text)))

    return _docx(build)


# -------------------------------------------------------------------------------- PDF


def _pdf(draw: Callable[..., None] | None = None, pages: int = 2, **meta: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for key, value in meta.items():
        getattr(c, f"set{key.capitalize()}")(value)
    for number in range(1, pages + 1):
        c.setFont("Helvetica", 11)
        c.drawString(72, 780, f"Side {number} om samarbeid og ettervern for unge voksne.")
        if draw:
            draw(c, number)
        c.showPage()
    c.save()
    return buf.getvalue()


def pdf_page_two(text: str) -> bytes:
    return _pdf(lambda c, n: n == 2 and c.drawString(72, 700, text))


def pdf_two_lines(text: str) -> bytes:
    half = 6

    def draw(c, n):  # noqa: ANN001, ANN202
        if n == 1:
            c.drawString(300, 700, f"Oppgitt nummer {text[:half]}")
            c.drawString(72, 684, f"{text[half:]} ble registrert.")

    return _pdf(draw)


def pdf_two_runs(text: str) -> bytes:
    def draw(c, n):  # noqa: ANN001, ANN202
        if n == 1:
            t = c.beginText(72, 700)
            t.textOut(text[:4])
            t.setFont("Helvetica-Bold", 11)
            t.textOut(text[4:])
            c.drawText(t)

    return _pdf(draw)


def pdf_info(text: str) -> bytes:
    return _pdf(subject=text)


def pdf_keywords(text: str) -> bytes:
    return _pdf(keywords=text)


def pdf_annotation(text: str) -> bytes:
    return _pdf(lambda c, n: n == 2 and c.textAnnotation(text, Rect=(72, 600, 200, 650)))


def pdf_link(text: str) -> bytes:
    return _pdf(
        lambda c, n: (
            n == 1
            and c.linkURL(f"https://eksempel.test/sak?nr={text}", (72, 600, 200, 650), relative=0)
        )
    )


def pdf_form_field(text: str) -> bytes:
    def draw(c, n):  # noqa: ANN001, ANN202
        if n == 1:
            c.acroForm.textfield(name="personnummer", value=text, x=72, y=600, width=200)

    return _pdf(draw)


def pdf_bookmark(text: str) -> bytes:
    def draw(c, n):  # noqa: ANN001, ANN202
        c.bookmarkPage(f"s{n}")
        c.addOutlineEntry(f"Kapittel {n}" if n == 1 else text, f"s{n}", level=0)

    return _pdf(draw)


def _with_pypdf(data: bytes, change: Callable[..., None]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_xmp(text: str) -> bytes:
    xmp = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>'
        f'<rdf:Alt><rdf:li xml:lang="x-default">{text}</rdf:li></rdf:Alt></dc:description>'
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )

    def change(writer):  # noqa: ANN001, ANN202
        writer.xmp_metadata = xmp.encode()

    return _with_pypdf(_pdf(), change)


def _annotation_with(key: str, value: str) -> Callable[..., None]:
    def change(writer):  # noqa: ANN001, ANN202
        from pypdf.annotations import Text
        from pypdf.generic import NameObject, TextStringObject

        annot = Text(rect=(72, 500, 120, 540), text="Merknad om rutinen")
        annot[NameObject(key)] = TextStringObject(value)
        writer.add_annotation(page_number=0, annotation=annot)

    return change


def pdf_annotation_author(text: str) -> bytes:
    return _with_pypdf(_pdf(), _annotation_with("/T", f"Saksbehandler {text}"))


def pdf_annotation_rich_text(text: str) -> bytes:
    rich = f'<body xmlns="http://www.w3.org/1999/xhtml"><p>Se <b>{text}</b></p></body>'
    return _with_pypdf(_pdf(), _annotation_with("/RC", rich))


def pdf_popup(text: str) -> bytes:
    def change(writer):  # noqa: ANN001, ANN202
        from pypdf.annotations import Popup, Text
        from pypdf.generic import NameObject, TextStringObject

        parent = writer.add_annotation(0, Text(rect=(72, 500, 120, 540), text="Merknad"))
        popup = Popup(rect=(130, 500, 300, 600), parent=parent)
        popup[NameObject("/Contents")] = TextStringObject(text)
        writer.add_annotation(0, popup)

    return _with_pypdf(_pdf(), change)


def pdf_attachment(text: str) -> bytes:
    return _with_pypdf(_pdf(), lambda w: w.add_attachment("liste.txt", f"Nummer {text}".encode()))


def pdf_attachment_annotation(text: str) -> bytes:
    def change(writer):  # noqa: ANN001, ANN202
        from pypdf.generic import (
            ArrayObject,
            DictionaryObject,
            FloatObject,
            NameObject,
            TextStringObject,
        )

        annot = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/FileAttachment"),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (72, 500, 90, 520)]),
                NameObject("/FS"): DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Filespec"),
                        NameObject("/F"): TextStringObject("vedlegg.txt"),
                    }
                ),
                NameObject("/Contents"): TextStringObject("Vedlegg"),
            }
        )
        writer.add_annotation(0, annot)

    return _with_pypdf(_pdf(), change)


# ------------------------------------------------------------------------------- XLSX


def _xlsx(build: Callable[..., None]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Tiltak"
    ws["A1"] = "Tiltak"
    ws["B1"] = "Antall"
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_cell(text: str) -> bytes:
    return _xlsx(lambda wb: wb.active.cell(row=2, column=2, value=text))


def xlsx_number(text: str) -> bytes:
    # Typed into a cell as a number, a leading zero is lost: 05038712345 becomes 5038712345.
    return _xlsx(lambda wb: wb.active.cell(row=2, column=2, value=int(text)))


def xlsx_hidden_sheet(text: str) -> bytes:
    def build(wb):  # noqa: ANN001, ANN202
        ws = wb.create_sheet("Skjult")
        ws.sheet_state = "hidden"
        ws["A1"] = text

    return _xlsx(build)


def xlsx_sheet_name(text: str) -> bytes:
    return _xlsx(lambda wb: wb.create_sheet(f"Sak {text}"[:31]))


def xlsx_comment(text: str) -> bytes:
    from openpyxl.comments import Comment

    return _xlsx(lambda wb: setattr(wb.active["A1"], "comment", Comment(text, "Kari")))


def xlsx_defined_name(text: str) -> bytes:
    from openpyxl.workbook.defined_name import DefinedName

    def build(wb):  # noqa: ANN001, ANN202
        wb.defined_names["Saksnummer"] = DefinedName("Saksnummer", attr_text=f'"{text}"')

    return _xlsx(build)


def xlsx_properties(text: str) -> bytes:
    return _xlsx(lambda wb: setattr(wb.properties, "keywords", text))


def xlsx_header(text: str) -> bytes:
    return _xlsx(lambda wb: setattr(wb.active.oddHeader.center, "text", text))


def xlsx_formula_cached(text: str) -> bytes:
    """A formula cell whose cached result holds the text (openpyxl writes no results)."""
    data = _xlsx(lambda wb: wb.active.cell(row=3, column=1, value="=1+1"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    half = len(text) // 2
    formula = f'CONCATENATE("{text[:half]}","{text[half:]}")'
    sheet = sheet.replace("<f>1+1</f><v></v>", f"<f>{formula}</f><v>{text}</v>")
    sheet = sheet.replace('<c r="A3">', '<c r="A3" t="str">')
    sheet = sheet.replace("<f>1+1</f>", f"<f>{formula}</f><v>{text}</v>")
    return rewrite_zip(data, {"xl/worksheets/sheet1.xml": sheet})


# ------------------------------------------------------------------------------- PPTX


def _pptx(build: Callable[..., None]) -> bytes:
    from pptx import Presentation

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "Overgangsmatrise"
    slide.placeholders[1].text = "Bolig, økonomi og helse for unge voksne."
    build(prs)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def pptx_second_slide(text: str) -> bytes:
    def build(prs):  # noqa: ANN001, ANN202
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = "Neste steg"
        slide.placeholders[1].text = text

    return _pptx(build)


def pptx_table(text: str) -> bytes:
    def build(prs):  # noqa: ANN001, ANN202
        from pptx.util import Inches

        slide = prs.slides.add_slide(prs.slide_layouts[5])
        table = slide.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(2)).table
        table.cell(1, 1).text = text

    return _pptx(build)


def pptx_notes(text: str) -> bytes:
    return _pptx(lambda prs: setattr(prs.slides[0].notes_slide.notes_text_frame, "text", text))


def pptx_properties(text: str) -> bytes:
    return _pptx(lambda prs: setattr(prs.core_properties, "subject", text))


def pptx_comment(text: str) -> bytes:
    xml = (
        '<p:cmLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
        '<p:cm authorId="0" dt="2026-01-01T00:00:00" idx="1"><p:pos x="10" y="10"/>'
        f"<p:text>{text}</p:text></p:cm></p:cmLst>"
    )
    return rewrite_zip(
        _pptx(lambda prs: None),
        {"ppt/comments/comment1.xml": xml},
        overrides={
            "ppt/comments/comment1.xml": "application/vnd.openxmlformats-officedocument.presentationml.comments+xml"
        },
        rels={
            "ppt/slides/_rels/slide1.xml.rels": [("rIdK1", "comments", "../comments/comment1.xml")]
        },
    )


def pptx_layout(text: str) -> bytes:
    def build(prs):  # noqa: ANN001, ANN202
        layout = prs.slide_layouts[0]
        layout.placeholders[0].text_frame.text = text

    return _pptx(build)


# -------------------------------------------------------------------------- OpenDocument

_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"'
)
_ODF_MIME = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}


def odf(kind: str, body: str, *, styles: str = "", meta: str = "") -> bytes:
    """Return an OpenDocument file written as XML into a ZIP, as the standard lays it out."""
    tag = {"odt": "text", "ods": "spreadsheet", "odp": "presentation"}[kind]
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODF_NS}>'
        f"<office:body><office:{tag}>{body}</office:{tag}></office:body></office:document-content>"
    )
    styles_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_ODF_NS}>'
        f"<office:master-styles>{styles}</office:master-styles></office:document-styles>"
    )
    meta_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_ODF_NS}>'
        f"<office:meta><dc:title>Rutine</dc:title>{meta}</office:meta></office:document-meta>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODF_MIME[kind]}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), _ODF_MIME[kind])  # first and stored, as required
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("styles.xml", styles_xml, zipfile.ZIP_DEFLATED)
        z.writestr("meta.xml", meta_xml, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


_ODT_INTRO = "<text:p>Rutine for samarbeid om ettervern mellom barnevern og NAV.</text:p>"


def odt_body(text: str) -> bytes:
    return odf("odt", f"{_ODT_INTRO}<text:p>{text}</text:p>")


def odt_second_page(text: str) -> bytes:
    return odf("odt", f"{_ODT_INTRO}<text:soft-page-break/><text:p>{text}</text:p>")


def odt_header(text: str) -> bytes:
    styles = f'<style:master-page style:name="Standard"><style:header><text:p>{text}</text:p></style:header></style:master-page>'
    return odf("odt", _ODT_INTRO, styles=styles)


def odt_footer(text: str) -> bytes:
    styles = f'<style:master-page style:name="Standard"><style:footer><text:p>{text}</text:p></style:footer></style:master-page>'
    return odf("odt", _ODT_INTRO, styles=styles)


def _note(cls: str, text: str) -> str:
    return (
        f'<text:p>Se note<text:note text:id="n1" text:note-class="{cls}"><text:note-citation>1'
        f"</text:note-citation><text:note-body><text:p>{text}</text:p></text:note-body>"
        "</text:note> her.</text:p>"
    )


def odt_footnote(text: str) -> bytes:
    return odf("odt", _ODT_INTRO + _note("footnote", text))


def odt_endnote(text: str) -> bytes:
    return odf("odt", _ODT_INTRO + _note("endnote", text))


def odt_comment(text: str) -> bytes:
    annotation = (
        "<office:annotation><dc:creator>Kari</dc:creator>"
        f"<text:p>{text}</text:p></office:annotation>"
    )
    return odf("odt", f"{_ODT_INTRO}<text:p>Avsnitt{annotation} med kommentar.</text:p>")


def odt_deleted(text: str) -> bytes:
    changes = (
        '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>'
        "<office:change-info><dc:creator>Kari</dc:creator></office:change-info>"
        f"<text:p>{text}</text:p></text:deletion></text:changed-region></text:tracked-changes>"
    )
    return odf("odt", changes + _ODT_INTRO + '<text:p><text:change text:change-id="c1"/></text:p>')


def odt_meta(text: str) -> bytes:
    return odf("odt", _ODT_INTRO, meta=f"<meta:keyword>{text}</meta:keyword>")


def odt_user_defined(text: str) -> bytes:
    return odf(
        "odt",
        _ODT_INTRO,
        meta=f'<meta:user-defined meta:name="Saksnummer">{text}</meta:user-defined>',
    )


def _ods_table(name: str, cell: str) -> str:
    return (
        f'<table:table table:name="{name}"><table:table-row><table:table-cell office:value-type='
        '"string"><text:p>Tiltak</text:p></table:table-cell>'
        f"{cell}</table:table-row></table:table>"
    )


def ods_cell(text: str) -> bytes:
    cell = (
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )
    return odf("ods", _ods_table("Ark1", cell))


def ods_value(text: str) -> bytes:
    cell = (
        f'<table:table-cell office:value-type="float" office:value="{int(text)}">'
        "<text:p>5,04E+09</text:p></table:table-cell>"
    )
    return odf("ods", _ods_table("Ark1", cell))


def ods_sheet_name(text: str) -> bytes:
    return odf("ods", _ods_table(f"Sak {text}", "<table:table-cell/>"))


def ods_comment(text: str) -> bytes:
    cell = (
        '<table:table-cell office:value-type="string"><office:annotation>'
        f"<text:p>{text}</text:p></office:annotation><text:p>Antall</text:p></table:table-cell>"
    )
    return odf("ods", _ods_table("Ark1", cell))


def ods_meta(text: str) -> bytes:
    return odf(
        "ods", _ods_table("Ark1", "<table:table-cell/>"), meta=f"<dc:subject>{text}</dc:subject>"
    )


def _odp_page(text: str, notes: str = "") -> str:
    notes_xml = (
        f"<presentation:notes><draw:frame><draw:text-box><text:p>{notes}</text:p>"
        "</draw:text-box></draw:frame></presentation:notes>"
        if notes
        else ""
    )
    return (
        '<draw:page draw:name="s1"><draw:frame><draw:text-box><text:p>'
        f"{text}</text:p></draw:text-box></draw:frame>{notes_xml}</draw:page>"
    )


def odp_slide(text: str) -> bytes:
    return odf("odp", _odp_page("Overgangsmatrise") + _odp_page(text))


def odp_notes(text: str) -> bytes:
    return odf("odp", _odp_page("Overgangsmatrise", notes=text))


def odp_meta(text: str) -> bytes:
    return odf(
        "odp", _odp_page("Overgangsmatrise"), meta=f"<dc:description>{text}</dc:description>"
    )


# ----------------------------------------------------------------------------- images


def _image(fmt: str, **save: object) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 40)).save(out, fmt, **save)
    return out.getvalue()


def _exif(tag: int, value: object, ifd: int | None = None) -> object:
    from PIL import Image

    exif = Image.Exif()
    if ifd is None:
        exif[tag] = value
    else:
        exif.get_ifd(ifd)[tag] = value
    return exif


def jpeg_exif_description(text: str) -> bytes:
    return _image("JPEG", exif=_exif(0x010E, text))


def jpeg_exif_artist(text: str) -> bytes:
    return _image("JPEG", exif=_exif(0x013B, text))


def jpeg_exif_xp_comment(text: str) -> bytes:
    return _image("JPEG", exif=_exif(0x9C9C, (text + "\x00").encode("utf-16-le")))


def jpeg_exif_user_comment(text: str) -> bytes:
    return _image("JPEG", exif=_exif(0x9286, b"ASCII\x00\x00\x00" + text.encode(), ifd=0x8769))


def jpeg_comment(text: str) -> bytes:
    return _image("JPEG", comment=text.encode())


def png_exif(text: str) -> bytes:
    return _image("PNG", exif=_exif(0x010E, text))


def _png_text(kind: str, text: str) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    if kind == "tEXt":
        info.add_text("Comment", text)
    elif kind == "zTXt":
        info.add_text("Comment", text, zip=True)
    else:
        info.add_itxt("Description", text, lang="nb", tkey="Beskrivelse")
    return _image("PNG", pnginfo=info)


def png_text(text: str) -> bytes:
    return _png_text("tEXt", text)


def png_ztxt(text: str) -> bytes:
    return _png_text("zTXt", text)


def png_itxt(text: str) -> bytes:
    return _png_text("iTXt", text)


# ------------------------------------------------------------------------------- text


def txt_plain(text: str) -> bytes:
    return f"Notat om samarbeid.\n\nOppgitt: {text}\n".encode()


def txt_bom(text: str) -> bytes:
    return f"\ufeffNotat om samarbeid.\n{text}\n".encode()


def txt_utf16(text: str) -> bytes:
    return f"Notat om samarbeid.\n{text}\n".encode("utf-16")


def md_plain(text: str) -> bytes:
    return f"# Rutine\n\nTabell:\n\n| Tiltak | Nr |\n|---|---|\n| Bolig | {text} |\n".encode()


def csv_cell(text: str) -> bytes:
    return f"tiltak;antall;nummer\nbolig;3;{text}\n".encode()


def docx_row_in_content_control(text: str) -> bytes:
    """A table whose second row sits inside a content control (a repeating section)."""
    xml = (
        f"<w:tbl {_W}><w:tr><w:tc><w:p><w:r><w:t>Tiltak</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:sdt><w:sdtContent><w:tr><w:tc><w:p><w:r>"
        f"<w:t>{text}</w:t></w:r></w:p></w:tc></w:tr></w:sdtContent></w:sdt></w:tbl>"
    )
    return _docx(lambda d: _append_body_xml(d, xml))
