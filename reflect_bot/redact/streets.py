"""Addresses without a house number: streets, Welsh streets, flats and house names.

"lives with nan on Thornbury Close", "kip on the sofa on Wellington Street", "stopping at
5 Heol y Coed", "Flat 3, Kingfisher House", "staying at Rose Cottage, Mill Lane". A
numbered English address ("22 Elm Road") is found in `reflect_bot.redact`; this module
finds the rest and returns (start, end) pairs.

Precision: a street needs a preposition before it ("on", "off", "at", ...), and a street
word that is rarely anything else (Road, Street, Close, Lane, ...); a word that often is
(Court, Way, Place, Park, Green, House) counts only when the sentence says where someone
lives or stays ("lives at", "staying at", "address", "hostel", "sofa"). "Crown Court" and
"Youth Court" are never addresses.
"""

from __future__ import annotations

import re

# Street words that are almost never anything but a street after a capitalised name.
_PLAIN = (
    "Road|Rd|Street|Avenue|Ave|Close|Lane|Ln|Drive|Crescent|Cres|Grove|Gardens|Gdns|"
    "Terrace|Tce|Mews|Boulevard|Croft|Wynd"
)
# Street words that need a living cue: "Kingsway Court", "Station Approach", "Hill View".
_LOOSE = (
    "Way|Court|Ct|Place|Pl|Walk|Square|Sq|Row|Rise|View|Parade|Green|Vale|Fold|Gate|Mount|"
    "Chase|Yard|Wharf|Approach|Bank|Brow|Park|Heights|Meadow|Meadows|Grange|Mead|Garth|Dene|"
    "Hollow|Nook|Quay|Circus|Causeway|Embankment|Promenade|Precinct|Estate|Fields|Hill"
)
# House and block names: "Kingfisher House", "Rose Cottage".
_HOUSE = (
    "House|Court|Lodge|Cottage|Cottages|Tower|Towers|Heights|Mansions|Buildings|Hall|Point|"
    "Farm|Barn|Villa|Villas|Manor|Grange|Bungalow|Block"
)
_NAME_WORD = r"(?:St\.?|[A-Z][\w'’\-]*[a-z][\w'’\-]*)"
_NAME_WORDS = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}}"
# Not a street: courts, and words that make the phrase a building or an idea.
_NOT_STREET_RE = re.compile(
    r"^(?:Crown|Magistrates|Magistrates'|Youth|Family|County|High|Supreme|Coroner's|Coroners|"
    r"Combined|Appeal|Civil|Royal|The|A|An)\b"
)

_GENERIC = frozenset("New High Old Station Church Market Main".split())
_PREP = r"(?:on|off|at|in|along|near|to|from|round|onto|into|opposite|of|behind|by)"
_STREET_RE = re.compile(
    rf"(?<![\w])(?:{_PREP})[ \t]+(?:(the)[ \t]+)?({_NAME_WORDS})[ \t]+({_PLAIN}|{_LOOSE})\b\.?"
)
_WELSH_RE = re.compile(
    r"(?<![\w])(?:([0-9]{1,4}[A-Za-z]?),?[ \t]+)?"
    r"((?:Heol|Ffordd|Stryd|Lôn|Lon|Rhodfa|Cilgant|Teras|Clos|Llys)"
    r"(?:[ \t]+(?:y|yr|'r))?[ \t]+[A-Z][\w'’\-]+(?:[ \t]+[A-Z][\w'’\-]+)?)"
)
_FLAT_RE = re.compile(
    r"(?<![\w])(?i:Flat|Apartment|Apt|Unit|Room|Maisonette)\.?[ \t]+[0-9]{1,4}[A-Za-z]?,?[ \t]+"
    rf"{_NAME_WORDS}[ \t]+(?:{_HOUSE})\b"
)
_HOUSE_RE = re.compile(rf"(?<![\w])({_NAME_WORDS})[ \t]+(?:{_HOUSE})\b")
# Someone's home is being described somewhere before the street, on the same line.
_LIVING_RE = re.compile(
    r"\b(?:lives?|living|lived|staying|stays|stayed|stopping|stops|moved|moving|move|"
    r"resides|residing|housed|rehoused|address|kip|kipping|sofa|sofa-surfing|hostel|flat|"
    r"home|site|pulled|parked|tenancy|bedsit|sleeping|sleeps|squatting)\b",
    re.IGNORECASE,
)
_AFTER_RE = re.compile(rf",[ \t]*({_NAME_WORDS}[ \t]+(?:{_PLAIN}|{_LOOSE}))\b")


def _living_before(text: str, pos: int, width: int = 80) -> bool:
    start = max(0, pos - width)
    chunk = text[start:pos]
    for br in ("\n", "\r"):
        cut = chunk.rfind(br)
        if cut >= 0:
            chunk = chunk[cut + 1 :]
    return bool(_LIVING_RE.search(chunk))


def find_streets(text: str) -> list[tuple[int, int]]:
    """Spans of streets, Welsh streets, flats and house names that a person lives at."""
    out: list[tuple[int, int]] = []
    for m in _STREET_RE.finditer(text):
        name, word = m.group(2), m.group(3)
        if _NOT_STREET_RE.match(name):
            continue
        # "at New Street", "on High Street": a station or any town's centre, not a home
        # unless the sentence says someone lives there.
        plain = re.fullmatch(_PLAIN, word) is not None and name not in _GENERIC

        if (m.group(1) or not plain) and not _living_before(text, m.start()):
            continue
        out.append((m.start(2), m.end()))
    for m in _WELSH_RE.finditer(text):
        if m.group(1) or _living_before(text, m.start()):
            out.append((m.start(), m.end()))
    for m in _FLAT_RE.finditer(text):
        out.append((m.start(), m.end()))
    for m in _HOUSE_RE.finditer(text):
        if _NOT_STREET_RE.match(m.group(1)):
            continue
        before = text[max(0, m.start() - 30) : m.start()]
        if re.search(rf"\b{_PREP}[ \t]+$|[:,][ \t]*$", before) and _living_before(
            text, m.start()
        ):
            out.append((m.start(), m.end()))
    return out


def street_after(text: str, end: int) -> tuple[int, int] | None:
    """"Rose Cottage, Mill Lane": the street right after an address that ends at `end`."""
    after = _AFTER_RE.match(text, end)
    if after and not _NOT_STREET_RE.match(after.group(1)):
        return after.start(1), after.end(1)
    return None
