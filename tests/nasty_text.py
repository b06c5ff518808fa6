"""A hypothesis strategy for text that tries to break out of an exported field."""

from __future__ import annotations

from hypothesis import strategies as st

PIECES = [
    *"aæø Z09,;:\\\"'=+-@\té",
    "\r\n",
    "\n",
    "\r",
    "\u2028",
    "PHOTO:",
    "END:VCARD",
    "END:VEVENT",
    "Bcc: x@y.no",
]
NASTY = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)
