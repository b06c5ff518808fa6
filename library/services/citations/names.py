"""Author names: people (family and given names) and organisations written whole."""

from __future__ import annotations

import re
from collections.abc import Mapping

from library.models import DocumentType, Report

# Parts of a word that make a name an organisation: Norwegian public bodies first.
_ORG_PARTS = (
    "bydel",
    "kommune",  # also fylkeskommune
    "direktorat",
    "departement",
    "etat",  # etaten, Bufetat, Utlendingsetaten
    "tilsyn",
    "statsforvalter",
    "fylkesmann",
    "ombud",
    "nemnd",
    "forvaltning",
    "sykehus",
    "helseforetak",
    "institutt",
    "senter",
    "universitet",
    "høgskole",
    "forening",
    "forbund",
    "tjenesten",
    "fabrikken",
    "velferd",
    "regjering",
    "stortinget",
    "husbanken",
)
# Whole words (abbreviations and names) that make a name an organisation.
_ORG_WORDS = frozenset(
    {
        "nav",
        "bufdir",
        "bufetat",
        "imdi",
        "udir",
        "hdir",
        "ks",
        "nova",
        "fafo",
        "sintef",
        "rkbu",
        "oslomet",
        "ntnu",
        "oecd",
        "ssb",
        "fhi",
        "as",
        "asa",
    }
)
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "la"})
_THESIS_KINDS = (
    ("master", "Masteroppgave"),
    ("bachelor", "Bacheloroppgave"),
    ("doktor", "Doktorgradsavhandling"),
    ("ph.d", "Doktorgradsavhandling"),
    ("phd", "Doktorgradsavhandling"),
)


def recognised_organisation(name: str) -> bool:
    """Return whether a name reads as an organisation (a public body, an institute...)."""
    if "," in name:
        return False  # "Family, Given" is a person written family name first
    lowered = name.lower()
    words = re.findall(r"[\wæøå.]+", lowered.replace("-", " "))
    if len(words) < 2 or len(words) > 5:
        return True
    return any(w in _ORG_WORDS for w in words) or any(p in lowered for p in _ORG_PARTS)


def is_organisation(name: str, marks: Mapping[str, bool] | None = None) -> bool:
    """Return whether a name is an organisation: a member's mark, else recognised."""
    if marks and name in marks:
        return bool(marks[name])
    return recognised_organisation(name)


def report_org(report: Report, name: str) -> bool:
    """Return whether a name on the report is an organisation."""
    return is_organisation(name, report.organisation_marks or {})


def split_name(name: str) -> tuple[str, str]:
    """Return (family, given) for a person's name written either way round."""
    name = re.sub(r"\s+", " ", name).strip()
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        return family, given
    parts = name.split(" ")
    # Particles belong to the family name ("van der Berg", "de Vibe").
    i = len(parts) - 1
    while i > 1 and parts[i - 1].lower() in _PARTICLES:
        i -= 1
    return " ".join(parts[i:]), " ".join(parts[:i])


def initials(given: str) -> str:
    """Return APA initials: "Per Håkan" -> "P. H.", "Anne-Lise" -> "A.-L."."""
    out = []
    for word in given.split():
        pieces = [p for p in word.split("-") if p]
        out.append("-".join(p[0].upper() + "." for p in pieces))
    return " ".join(out)


def apa_name(name: str, marks: Mapping[str, bool] | None = None) -> str:
    """Return a name as APA lists it: "Brøndbo, P. H.", or an organisation whole."""
    if is_organisation(name, marks):
        return clean(name)
    family, given = split_name(name)
    return f"{family}, {initials(given)}" if given else family


def given_first(name: str, marks: Mapping[str, bool] | None = None) -> str:
    """Return "P. H. Brøndbo" (as APA writes editors after the title), or the organisation."""
    if is_organisation(name, marks):
        return clean(name)
    family, given = split_name(name)
    return f"{initials(given)} {family}".strip()


def family_name(name: str, marks: Mapping[str, bool] | None = None) -> str:
    """Return the family name (or the whole organisation name)."""
    return clean(name) if is_organisation(name, marks) else split_name(name)[0]


def clean(text: str) -> str:
    """Return text on one line with single spaces."""
    return re.sub(r"\s+", " ", text).strip()


def title_part(report: Report) -> str:
    """Return the title with the subtitle after a colon."""
    return f"{report.title}: {report.subtitle}" if report.subtitle else report.title


def thesis_kind_in(text: str) -> str | None:
    """Return the thesis label a text names ("Masteroppgave"), if any."""
    lowered = text.lower()
    return next((label for key, label in _THESIS_KINDS if key in lowered), None)


def thesis_label(report: Report) -> str:
    """Return what kind of thesis a report is, e.g. "Masteroppgave i sosialt arbeid"."""
    if report.series and thesis_kind_in(report.series):
        return clean(report.series)
    for text in (report.publisher, report.subtitle):
        label = thesis_kind_in(text or "")
        if label:
            return label
    return "Avhandling"


def series_is_thesis_label(report: Report) -> bool:
    """Return whether a thesis's series only names the kind of thesis (not a real series)."""
    return report.document_type == DocumentType.THESIS and bool(
        report.series and thesis_kind_in(report.series)
    )


def container_title(report: Report) -> str:
    """Return the journal an article appeared in (older records kept it as the publisher)."""
    if report.container_title:
        return clean(report.container_title)
    if report.document_type == DocumentType.ARTICLE:
        return clean(report.publisher)
    return ""


def publisher(report: Report) -> str:
    """Return the publisher, unless it is really the article's journal."""
    if report.document_type == DocumentType.ARTICLE and not report.container_title:
        return ""
    return clean(report.publisher)
