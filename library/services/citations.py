"""References: APA 7 with Norwegian conventions, BibTeX, RIS and CSL-JSON."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable

from markupsafe import Markup, escape

from library.models import DocumentType, Report

EXPORT_FORMATS = {
    "bib": ("application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}
_ORG_PARTS = (
    "direktorat",
    "kommune",
    "departement",
    "institutt",
    "senter",
    "universitet",
    "høgskole",
    "forening",
    "forbund",
    "tilsyn",
    "ombud",
    "statsforvalter",
    "etaten",
    "tjenesten",
    "fabrikken",
    "velferd",
    "regjering",
    "stortinget",
)
_ORG_WORDS = frozenset(
    {"nav", "nova", "fafo", "sintef", "bufdir", "oecd", "ssb", "fhi", "imdi", "as", "asa"}
)
_THESIS_LABELS = {
    "master": "Masteroppgave",
    "bachelor": "Bacheloroppgave",
    "doktor": "Doktorgradsavhandling",
    "ph.d": "Doktorgradsavhandling",
}


# ------------------------------------------------------------------ names


def is_organisation(name: str) -> bool:
    """Return whether an author name is an organisation rather than a person."""
    if "," in name:
        return False  # "Family, Given" is a person written family name first
    words = name.lower().replace("-", " ").split()
    if len(words) < 2 or len(words) > 5:
        return True
    return any(w in _ORG_WORDS for w in words) or any(p in name.lower() for p in _ORG_PARTS)


def split_name(name: str) -> tuple[str, str]:
    """Return (family, given) for a person's name written either way round."""
    name = re.sub(r"\s+", " ", name).strip()
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        return family, given
    parts = name.split(" ")
    # Norwegian particles belong to the family name ("van der Berg", "de Vibe").
    i = len(parts) - 1
    while i > 1 and parts[i - 1].lower() in {"van", "von", "de", "der", "den", "da", "di", "la"}:
        i -= 1
    return " ".join(parts[i:]), " ".join(parts[:i])


def initials(given: str) -> str:
    """Return APA initials: "Per Håkan" -> "P. H.", "Anne-Lise" -> "A.-L."."""
    out = []
    for word in given.split():
        pieces = [p for p in word.split("-") if p]
        out.append("-".join(p[0].upper() + "." for p in pieces))
    return " ".join(out)


def apa_name(name: str) -> str:
    """Return a name as APA lists it: "Brøndbo, P. H."."""
    if is_organisation(name):
        return name.strip()
    family, given = split_name(name)
    return f"{family}, {initials(given)}" if given else family


def _join_og(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    if len(items) > 20:  # APA 7: the first 19, an ellipsis, then the last
        items = [*items[:19], "…", items[-1]]
        return ", ".join(items[:-1]) + " " + items[-1]
    return ", ".join(items[:-1]) + " og " + items[-1]


def family_name(name: str) -> str:
    """Return the family name (or the whole organisation name)."""
    return name.strip() if is_organisation(name) else split_name(name)[0]


# ------------------------------------------------------------------- APA


def _title_part(report: Report) -> str:
    return f"{report.title}: {report.subtitle}" if report.subtitle else report.title


def _end(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _apa_parts(report: Report) -> tuple[str, str, str, str, str]:
    """Return (who, year, title, suffix, rest) of an APA reference, as plain text.

    The suffix (series and number, thesis label) follows the title but is not italic.
    """
    if report.authors:
        who = _join_og([apa_name(n) for n in report.authors])
    elif report.editors:
        who = _join_og([apa_name(n) for n in report.editors]) + " (Red.)"
    else:
        who = ""
    year = f"({report.year})" if report.year else "(u.å.)"
    title = _title_part(report)
    details = []
    if report.authors and report.editors:
        details.append(_join_og([_given_first(n) for n in report.editors]) + " (Red.)")
    if report.series or report.series_number:
        details.append(" ".join(p for p in (report.series, report.series_number) if p))
    bracket = ""
    if report.document_type == DocumentType.THESIS:
        bracket = f" [{_thesis_label(report)}]"
    suffix = (f" ({'; '.join(details)})" if details else "") + bracket
    rest = []
    if report.publisher and report.publisher not in (report.authors or []):
        rest.append(_end(report.publisher))
    if report.doi:
        rest.append(f"https://doi.org/{report.doi}")
    elif report.url:
        rest.append(report.url)
    return who, year, title, suffix, " ".join(rest)


def _given_first(name: str) -> str:
    if is_organisation(name):
        return name.strip()
    family, given = split_name(name)
    return f"{initials(given)} {family}".strip()


def _thesis_label(report: Report) -> str:
    text = " ".join([report.series, report.publisher, report.subtitle]).lower()
    for key, label in _THESIS_LABELS.items():
        if key in text:
            return label
    return "Avhandling"


def apa(report: Report) -> str:
    """Return the APA 7 reference list entry (Norwegian conventions) as plain text."""
    who, year, title, suffix, rest = _apa_parts(report)
    head = f"{_end(who)} {year}." if who else ""
    if who:
        return " ".join(p for p in (head, _end(title + suffix), rest) if p)
    return " ".join(p for p in (_end(title + suffix), f"{year}.", rest) if p)


def apa_html(report: Report) -> Markup:
    """Return the APA entry as HTML with the title in italics (every part escaped)."""
    who, year, title, suffix, rest = _apa_parts(report)
    if suffix:
        italic = Markup("<em>{}</em>{}").format(title, _end(suffix))
    else:
        italic = Markup("<em>{}</em>").format(_end(title))
    parts: list[Markup | str] = []
    if who:
        parts += [escape(f"{_end(who)} {year}."), italic]
    else:
        parts += [italic, escape(f"{year}.")]
    if rest:
        parts.append(escape(rest))
    return Markup(" ").join(parts)


def apa_in_text(report: Report, page: int | None = None) -> str:
    """Return a parenthetical citation: "(Brøndbo mfl., 2017, s. 47)"."""
    names = report.authors or report.editors
    if not names:
        who = report.title if len(report.title) <= 40 else report.title[:39] + "…"
    elif len(names) == 1:
        who = family_name(names[0])
    elif len(names) == 2:
        who = f"{family_name(names[0])} og {family_name(names[1])}"
    else:
        who = f"{family_name(names[0])} mfl."
    parts = [who, str(report.year) if report.year else "u.å."]
    if page:
        parts.append(f"s. {page}")
    return "(" + ", ".join(parts) + ")"


# ------------------------------------------------------------------ BibTeX


_BIB_TYPES = {
    DocumentType.REPORT: "techreport",
    DocumentType.ARTICLE: "article",
    DocumentType.THESIS: "mastersthesis",
    DocumentType.ROUTINE: "misc",
    DocumentType.WEB_PAGE: "online",
    DocumentType.OTHER: "misc",
}
_BIB_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bib_escape(text: str) -> str:
    """Escape BibTeX's special characters so braces always balance."""
    return "".join(_BIB_ESCAPES.get(c, c) for c in re.sub(r"\s+", " ", text).strip())


def bib_key(report: Report) -> str:
    """Return a citation key like "brondbo2017kunnskapssammenstilling12"."""
    names = report.authors or report.editors
    who = family_name(names[0]) if names else "anon"
    first_word = next((w for w in re.findall(r"\w+", report.title) if len(w) > 3), "rapport")
    raw = f"{who}{report.year or ''}{first_word}"
    ascii_key = unicodedata.normalize(
        "NFKD", raw.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "Ae")
    )
    ascii_key = re.sub(r"[^A-Za-z0-9]", "", ascii_key.encode("ascii", "ignore").decode())
    return f"{ascii_key.lower()}{report.id}"


def _bib_names(names: list[str]) -> str:
    out = []
    for name in names:
        if is_organisation(name):
            out.append("{" + bib_escape(name) + "}")
        else:
            family, given = split_name(name)
            out.append(bib_escape(f"{family}, {given}" if given else family))
    return " and ".join(out)


def bibtex_entry(report: Report) -> str:
    """Return one BibTeX entry."""
    kind = _BIB_TYPES[report.document_type]
    fields: list[tuple[str, str]] = []
    if report.authors:
        fields.append(("author", _bib_names(report.authors)))
    if report.editors:
        fields.append(("editor", _bib_names(report.editors)))
    fields.append(("title", "{" + bib_escape(_title_part(report)) + "}"))
    if report.year:
        fields.append(("year", str(report.year)))
    if report.publisher:
        key = {"techreport": "institution", "mastersthesis": "school"}.get(kind, "publisher")
        fields.append((key, bib_escape(report.publisher)))
    if report.series:
        fields.append(("series", bib_escape(report.series)))
    if report.series_number:
        fields.append(("number", bib_escape(report.series_number)))
    if report.document_type == DocumentType.THESIS:
        fields.append(("type", bib_escape(_thesis_label(report))))
    for key, value in (
        ("isbn", report.isbn),
        ("issn", report.issn),
        ("doi", report.doi),
        ("url", report.url),
        ("language", report.language),
    ):
        if value:
            fields.append((key, bib_escape(value)))
    if report.keywords:
        fields.append(("keywords", bib_escape(", ".join(report.keywords))))
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields)
    return f"@{kind}{{{bib_key(report)},\n{body}\n}}\n"


def bibtex(reports: Iterable[Report]) -> str:
    """Return BibTeX entries for the reports."""
    return "\n".join(bibtex_entry(r) for r in reports)


# --------------------------------------------------------------------- RIS


_RIS_TYPES = {
    DocumentType.REPORT: "RPRT",
    DocumentType.ARTICLE: "JOUR",
    DocumentType.THESIS: "THES",
    DocumentType.ROUTINE: "GEN",
    DocumentType.WEB_PAGE: "ELEC",
    DocumentType.OTHER: "GEN",
}


def _ris_line(tag: str, value: str) -> str:
    clean = re.sub(r"\s+", " ", value).strip()
    return f"{tag}  - {clean}\r\n"


def ris_entry(report: Report) -> str:
    """Return one RIS record."""
    lines = [_ris_line("TY", _RIS_TYPES[report.document_type])]
    lines += [
        _ris_line("AU", n if is_organisation(n) else ", ".join(split_name(n)))
        for n in report.authors
    ]
    lines += [
        _ris_line("A2", ", ".join(split_name(n)) if not is_organisation(n) else n)
        for n in report.editors
    ]
    lines.append(_ris_line("TI", _title_part(report)))
    if report.year:
        lines.append(_ris_line("PY", str(report.year)))
    for tag, value in (
        ("PB", report.publisher),
        ("T3", report.series),
        ("IS", report.series_number),
        ("SN", report.isbn or report.issn),
        ("LA", report.language),
        ("UR", report.url),
        ("DO", report.doi),
    ):
        if value:
            lines.append(_ris_line(tag, value))
    lines += [_ris_line("KW", k) for k in report.keywords]
    if report.abstract:
        lines.append(_ris_line("AB", report.abstract))
    lines.append("ER  - \r\n")
    return "".join(lines)


def ris(reports: Iterable[Report]) -> str:
    """Return RIS records for the reports."""
    return "".join(ris_entry(r) for r in reports)


# ---------------------------------------------------------------- CSL-JSON


_CSL_TYPES = {
    DocumentType.REPORT: "report",
    DocumentType.ARTICLE: "article-journal",
    DocumentType.THESIS: "thesis",
    DocumentType.ROUTINE: "document",
    DocumentType.WEB_PAGE: "webpage",
    DocumentType.OTHER: "document",
}


def _csl_names(names: list[str]) -> list[dict[str, str]]:
    out = []
    for name in names:
        if is_organisation(name):
            out.append({"literal": name.strip()})
        else:
            family, given = split_name(name)
            out.append({"family": family, "given": given} if given else {"family": family})
    return out


def csl_item(report: Report) -> dict[str, object]:
    """Return one CSL-JSON item."""
    item: dict[str, object] = {
        "id": f"report-{report.id}",
        "type": _CSL_TYPES[report.document_type],
        "title": _title_part(report),
    }
    if report.authors:
        item["author"] = _csl_names(report.authors)
    if report.editors:
        item["editor"] = _csl_names(report.editors)
    if report.year:
        item["issued"] = {"date-parts": [[report.year]]}
    for key, value in (
        ("publisher", report.publisher),
        ("collection-title", report.series),
        ("number", report.series_number),
        ("ISBN", report.isbn),
        ("ISSN", report.issn),
        ("language", report.language),
        ("URL", report.url),
        ("DOI", report.doi),
        ("abstract", report.abstract),
    ):
        if value:
            item[key] = value
    if report.keywords:
        item["keyword"] = ", ".join(report.keywords)
    if report.document_type == DocumentType.THESIS:
        item["genre"] = _thesis_label(report)
    return item


def csl_json(reports: Iterable[Report]) -> str:
    """Return a CSL-JSON array for the reports."""
    return json.dumps([csl_item(r) for r in reports], ensure_ascii=False, indent=2)


def export(reports: Iterable[Report], fmt: str) -> str:
    """Return the reports in an export format: "bib", "ris" or "json"."""
    if fmt == "bib":
        return bibtex(reports)
    if fmt == "ris":
        return ris(reports)
    if fmt == "json":
        return csl_json(reports)
    raise ValueError(f"unknown export format: {fmt!r}")
