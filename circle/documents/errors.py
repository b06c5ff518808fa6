"""Why a file was refused, as a Norwegian message for the member."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from circle.documents.model import Refusal
from circle.documents.places import KIND_NAMES
from circle.documents.sniff import describe_types
from circle.errors import DomainError


def _message(code: str, params: dict[str, Any]) -> Any:  # noqa: C901 - one table of messages
    p = params
    if code == "empty":
        return _l("Filen er tom.")
    if code == "active_extension":
        return _l(
            "HTML- og SVG-filer kan ikke lastes opp (.%(ext)s): en nettleser kan kjøre innholdet. "
            "Lagre innholdet som PDF eller tekst.",
            ext=p.get("ext", ""),
        )
    if code == "active_content":
        return _l(
            "HTML- og SVG-filer kan ikke lastes opp: «%(name)s» inneholder en nettside eller et "
            "SVG-bilde.",
            name=p.get("name", ""),
        )
    if code == "unsupported":
        return _l(
            "Filtypen «.%(ext)s» støttes ikke. Last opp %(kinds)s.",
            ext=p.get("ext", ""),
            kinds=describe_types(p.get("allowed")),
        )
    if code == "no_extension":
        return _l(
            "Filen mangler filendelse. Last opp %(kinds)s.", kinds=describe_types(p.get("allowed"))
        )
    if code == "mismatch":
        return _l(
            "Innholdet i «%(name)s» passer ikke med filendelsen .%(ext)s: filen ser ut til å "
            "være %(actual)s.",
            name=p.get("name", ""),
            ext=p.get("ext", ""),
            actual=KIND_NAMES.get(p.get("actual", ""), p.get("actual", "")),
        )
    if code == "encrypted_pdf":
        return _l(
            "PDF-filen er passordbeskyttet og kan ikke leses. Fjern passordet og last opp filen "
            "på nytt."
        )
    if code == "bad_pdf":
        return _l(
            "PDF-filen er skadet eller ufullstendig og kan ikke leses. Lagre eller eksporter den "
            "på nytt og last opp igjen."
        )
    if code == "pdf_limit":
        return _l(
            "PDF-filen har en del som pakker seg ut til altfor mye data, og kan ikke leses. "
            "Lagre eller eksporter den på nytt og last opp igjen."
        )
    if code == "attachments":
        return _l(
            "Filen har vedlagte eller innebygde filer. De kan ikke kontrolleres for "
            "personopplysninger; fjern dem og last opp filen på nytt."
        )
    if code == "damaged":
        return _l(
            "«%(name)s» er skadet og kan ikke leses. Lagre filen på nytt og last opp igjen.",
            name=p.get("name", ""),
        )
    if code == "damaged_archive":
        return _l(
            "«%(name)s» er skadet og kan ikke leses: ZIP-arkivet som filen er lagret i, er "
            "ufullstendig eller ødelagt. Lagre filen på nytt og last opp igjen.",
            name=p.get("name", ""),
        )
    if code == "encoding":
        return _l(
            "Tekstfilen er ikke lagret som UTF-8, og tegnene kan ikke leses sikkert. Lagre den "
            "som UTF-8 og last opp igjen."
        )
    if code == "no_text":
        return _l("Filen inneholder ingen tekst.")
    if code == "too_many_pages":
        return _l("Filen har flere enn %(n)s sider og kan ikke leses her.", n=p.get("n", ""))
    if code == "too_much_text":
        return _l(
            "Filen har mer enn %(n)s tegn tekst og er for stor til å leses her.", n=p.get("n", "")
        )
    if code == "too_big_unpacked":
        return _l(
            "Filen pakker seg ut til mer enn %(mb)s MB og kan ikke leses (den kan være en "
            "såkalt zip-bombe).",
            mb=p.get("mb", ""),
        )
    if code == "too_many_members":
        return _l("Filen består av flere enn %(n)s deler og kan ikke leses.", n=p.get("n", ""))
    if code == "too_deep":
        return _l("Filen er for dypt nestet til å leses.")
    if code == "timeout":
        return _l(
            "Filen tok for lang tid å lese (mer enn %(seconds)s sekunder) og er ikke lagret.",
            seconds=p.get("seconds", ""),
        )
    if code == "memory":
        return _l("Filen krevde for mye minne å lese og er ikke lagret.")
    if code == "lost":
        return _l("Filen kom bort før den ble lest, og er ikke lagret. Last den opp på nytt.")
    return _l("Filen kunne ikke leses og er ikke lagret.")


class DocumentError(DomainError):
    """An uploaded file that cannot be used; the message says why, in Norwegian."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(_message(code, params))

    @classmethod
    def from_refusal(cls, refusal: Refusal) -> DocumentError:
        """Return the error for a refusal made inside the reader."""
        return cls(refusal.code, **refusal.params)

    def __str__(self) -> str:
        return str(self.message)
