"""Export the participant directory as CSV and vCard 4.0."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from circle.models import Membership

CSV_HEADER = [
    "Navn",
    "Rolle",
    "Enhet",
    "Tjenestested",
    "Organisasjon",
    "Stilling",
    "E-post",
    "Telefon",
]


def _csv_safe(value: str) -> str:
    # A leading =, +, - or @ would make spreadsheet programs run the cell as a formula.
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def directory_csv(rows: Iterable[Membership], role_labels: dict) -> str:
    """Return the directory as CSV text (semicolon-separated, as Norwegian Excel expects)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_HEADER)
    for m in rows:
        writer.writerow(
            [
                _csv_safe(v)
                for v in (
                    m.member.name,
                    str(role_labels[m.role]),
                    m.unit.name if m.unit else "",
                    m.service_site.name if m.service_site else "",
                    m.organisation,
                    m.member.job_title,
                    m.member.email,
                    m.member.phone,
                )
            ]
        )
    return out.getvalue()


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets as RFC 6350 requires."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, start = [], 0
    limit = 75
    while start < len(raw):
        end = min(start + limit, len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # never split a UTF-8 sequence
            end -= 1
        parts.append(raw[start:end].decode("utf-8"))
        start, limit = end, 74
    return "\r\n ".join(parts)


def directory_vcards(rows: Iterable[Membership]) -> str:
    """Return one vCard 4.0 per member."""
    cards = []
    for m in rows:
        lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{_escape(m.member.name)}"]
        parts = m.member.name.rsplit(" ", 1)
        family, given = (parts[1], parts[0]) if len(parts) == 2 else (parts[0], "")
        lines.append(f"N:{_escape(family)};{_escape(given)};;;")
        org = m.organisation or (m.unit.name if m.unit else "")
        if org:
            site = m.service_site.name if m.service_site else ""
            lines.append(f"ORG:{_escape(org)}" + (f";{_escape(site)}" if site else ""))
        if m.member.job_title:
            lines.append(f"TITLE:{_escape(m.member.job_title)}")
        lines.append(f"EMAIL;TYPE=work:{_escape(m.member.email)}")
        if m.member.phone:
            lines.append(f"TEL;TYPE=work,voice;VALUE=uri:tel:{m.member.phone.replace(' ', '')}")
        lines.append("END:VCARD")
        cards.append("\r\n".join(_fold(line) for line in lines))
    return "\r\n".join(cards) + "\r\n"
