"""Export the participant directory as CSV and vCard 4.0."""

from __future__ import annotations

from collections.abc import Iterable

from circle.contentlines import content_lines, escape_text, structured
from circle.csv_export import csv_text
from circle.models import Membership
from circle.phone import tel_uri

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


def directory_csv(rows: Iterable[Membership], role_labels: dict) -> str:
    """Return the directory as CSV text (semicolon-separated, as Norwegian Excel expects)."""
    return csv_text(
        CSV_HEADER,
        (
            (
                m.member.name,
                str(role_labels[m.role]),
                m.unit.name if m.unit else "",
                m.service_site.name if m.service_site else "",
                m.organisation,
                m.member.job_title,
                m.member.email,
                m.member.phone,
            )
            for m in rows
        ),
    )


def _name_parts(name: str) -> tuple[str, str]:
    parts = name.rsplit(" ", 1)
    return (parts[1], parts[0]) if len(parts) == 2 else (parts[0], "")


def directory_vcards(rows: Iterable[Membership]) -> str:
    """Return one vCard 4.0 per member, every value escaped for its property (RFC 6350)."""
    lines = []
    for m in rows:
        member = m.member
        family, given = _name_parts(member.name)
        lines += [
            "BEGIN:VCARD",
            "VERSION:4.0",
            f"FN:{escape_text(member.name)}",
            f"N:{structured(family, given, '', '', '')}",
        ]
        org = m.organisation or (m.unit.name if m.unit else "")
        if org:
            site = m.service_site.name if m.service_site else ""
            lines.append("ORG:" + (structured(org, site) if site else structured(org)))
        if member.job_title:
            lines.append(f"TITLE:{escape_text(member.job_title)}")
        lines.append(f"EMAIL;TYPE=work:{escape_text(member.email)}")
        if member.phone:
            uri = tel_uri(member.phone)
            if uri:
                lines.append(f"TEL;VALUE=uri;TYPE=work,voice:{uri}")
            else:  # not one number in global form: keep what was written, as text
                lines.append(f"TEL;VALUE=text;TYPE=work,voice:{escape_text(member.phone)}")
        lines.append("END:VCARD")
    return content_lines(lines)
