"""Addresses without a house number: streets, Welsh streets, flats and house names.

"lives with nan on Thornbury Close", "kip on the sofa on Wellington Street", "stopping at
5 Heol y Coed", "Flat 3, Kingfisher House" (or a tenement's "Flat 1/2", "Flat 2F1"),
"staying at Rose Cottage, Mill Lane", and the
same typed in lower case ("staying on maple grove", "plot 6", "flat 14b marlowe house"); a
house named on its own where someone lives ("staying at rose cottage", "lives at the
willows"). A
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

from reflect_bot.redact.context import lexicon
from reflect_bot.redact.words import _STOPWORDS, LOWER_STREET_WORDS, UNIT_WORDS

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

# Words before a street word that make it no street name: "his own way", "the same road".
_NOT_NAME = UNIT_WORDS | frozenset("own same other wrong right usual".split())
_GENERIC = frozenset("New High Old Station Church Market Main".split())
_PREP = r"(?:on|off|at|in|along|near|to|from|round|onto|into|opposite|of|behind|by)"
_STREET_RE = re.compile(
    rf"(?<![\w])(?:{_PREP})[ \t]+(?:(the)[ \t]+)?({_NAME_WORDS})[ \t]+({_PLAIN}|{_LOOSE})\b\.?"
)
# Welsh streets, in any case: "23 Heol y Parc", "5 ffordd las", "lives on heol dewi sant".
_WELSH_RE = re.compile(
    r"(?<![\w])(?:([0-9]{1,4}[A-Za-z]?),?[ \t]+)?"
    r"((?i:Heol|Ffordd|Stryd|Lôn|Lon|Rhodfa|Cilgant|Teras|Clos|Llys)(?:['’]r)?"
    r"(?:[ \t]+(?i:y|yr|'r))?[ \t]+([^\W\d_][\w'’\-]+)(?:[ \t]+([^\W\d_][\w'’\-]+))?)"
)
_UNIT = r"(?i:Flat|Apartment|Apt|Unit|Room|Maisonette)"
# A flat's number: "3", "14b", or where it is in a tenement, Glasgow's "1/2" (first floor,
# second door) and Edinburgh's "2F1" (second floor, flat one).
UNIT_NUMBER = r"(?:[0-9]{1,2}/[0-9]{1,2}|[0-9][Ff][0-9]{1,2}|[0-9]{1,4}[A-Za-z]?)"
_FLAT_RE = re.compile(
    rf"(?<![\w]){_UNIT}\.?[ \t]+{UNIT_NUMBER},?[ \t]+{_NAME_WORDS}[ \t]+(?:{_HOUSE})\b"
)
# The same in lower case: "flat 14b marlowe house".
_LOWER_FLAT_RE = re.compile(
    rf"(?<![\w]){_UNIT}\.?[ \t]+{UNIT_NUMBER},?[ \t]+[a-z][\w'’\-]*(?:[ \t]+[a-z][\w'’\-]*)?"
    r"[ \t]+(?:house|court|lodge|cottage|tower|towers|heights|mansions|buildings|point|block)\b"
)
# A flat, a plot on a site, a pitch or a house number on its own where someone lives:
# "lives in a trailer on plot 6", "moved to apartment 302", "lives at number 4".
_BARE_UNIT_RE = re.compile(
    r"(?<![\w])(?i:flat|apartment|apt|maisonette|plot|pitch|bedsit|number|no)\.?[ \t]+"
    rf"{UNIT_NUMBER}"
    r"(?![\w/.:]|[.:][0-9])"
)
_NEXT_WORD_RE = re.compile(r"[ \t]+([^\W\d_]+)")
# A house name after "at" or "to" with its street after it: "Staying at The Old Forge,
# Church Road", "Moved to The Willows, Station Road".
_HOUSE_NAME_RE = re.compile(
    rf"(?<![\w])(?:at|to|in|into)[ \t]+((?:The[ \t]+)?{_NAME_WORDS})"
    rf"(?=,[ \t]*{_NAME_WORDS}[ \t]+(?:{_PLAIN}|{_LOOSE})\b)"
)
# Streets typed in lower case after a living cue: "staying with his cousin on maple
# grove", "at her nan's on elm drive", "a site off station lane", "at meadowside park".
_LOWER_STREET_RE = re.compile(
    rf"(?<![\w])(?:{_PREP})[ \t]+((?:[a-z][\w'’\-]*[ \t]+){{1,2}})"
    rf"((?i:{_PLAIN}|{_LOOSE}))\b(?![\w'’\-])"
)
# After "close", "drive", "way"... these words make it no street: "lives close to", "a
# drive away", "on his way home".
_NOT_STREET_AFTER_RE = re.compile(
    r"[ \t]+(?:to|by|up|down|away|from|out|off|home|past|round|of|with|in|into|back)\b"
)
_HOUSE_RE = re.compile(rf"(?<![\w])({_NAME_WORDS})[ \t]+(?:{_HOUSE})\b")
# Someone's home is being described somewhere before the street, on the same line.
_LIVING_RE = re.compile(
    r"\b(?:lives?|living|lived|staying|stays|stayed|stopping|stops|moved|moving|move|"
    r"resides|residing|housed|rehoused|address|kip|kipping|sofa|sofa-surfing|hostel|flat|"
    r"home|site|pulled|parked|tenancy|bedsit|sleeping|sleeps|squatting)\b"
    # at someone's home: "she's at her nan's", "stopping at his mate's"
    r"|\bat[ \t]+(?:his|her|their|my|a)[ \t]+[a-z\-]+['’]s\b",
    re.IGNORECASE,
)
_AFTER_RE = re.compile(rf"(?:,|[ \t]+and)[ \t]*({_NAME_WORDS}[ \t]+(?:{_PLAIN}|{_LOOSE}))\b")
# The same typed in lower case: "plot 12, holly park site".
_LOWER_AFTER_RE = re.compile(
    rf"(?:,|[ \t]+and)[ \t]*((?:[a-z][\w'’\-]*[ \t]+){{1,2}}(?i:{_PLAIN}|{_LOOSE}))"
    r"\b(?![\w'’\-])"
)


def living_before(text: str, pos: int, width: int = 80) -> bool:
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

        if (m.group(1) or not plain) and not living_before(text, m.start()):
            continue
        out.append((m.start(2), m.end()))
    for m in _WELSH_RE.finditer(text):
        end = m.end()
        if m.group(4) and m.group(4).lower() in _STOPWORDS:
            end = m.end(3)  # "lives on heol dewi up the valley": the street is two words
        if m.group(3).lower() in _STOPWORDS:
            continue
        if m.group(1) or living_before(text, m.start()):
            out.append((m.start(), end))
    for rx in (_FLAT_RE, _LOWER_FLAT_RE):
        out.extend((m.start(), m.end()) for m in rx.finditer(text))
    for m in _BARE_UNIT_RE.finditer(text):
        after = _NEXT_WORD_RE.match(text, m.end())
        if after and after.group(1).lower() in UNIT_WORDS:
            continue  # "a bigger flat 2 years ago"
        if living_before(text, m.start()):
            out.append((m.start(), m.end()))
    for m in _HOUSE_NAME_RE.finditer(text):
        if living_before(text, m.start()) and not _NOT_STREET_RE.match(m.group(1)[4:]):
            out.append((m.start(1), m.end(1)))
    for m in _AT_HOUSE_RE.finditer(text):
        if (span := _named_house(text, m)) is not None and living_before(text, m.start()):
            out.append(span)
    for m in _LOWER_STREET_RE.finditer(text):
        if (span := _lower_street(text, m)) is not None:
            out.append(span)
    for m in _HOUSE_RE.finditer(text):
        if _NOT_STREET_RE.match(m.group(1)):
            continue
        before = text[max(0, m.start() - 30) : m.start()]
        if re.search(rf"\b{_PREP}[ \t]+$|[:,][ \t]*$", before) and living_before(
            text, m.start()
        ):
            out.append((m.start(), m.end()))
    return out


# A named house with no number, in any case, where someone lives: "staying at rose
# cottage", "moved into Ivy Lodge", "lives at marlowe house", "lives at the willows".
_WORD_RE = re.compile(r"[^\W\d_][\w'’\-]*")
# Words that end a house's name whatever the words before them ("rose cottage", "meadow
# farm"), and ones that need a name that is no English word ("marlowe house", not
# "shared house").
_HOUSE_WORDS = frozenset("cottage cottages lodge farm farmhouse manor villa grange barn".split())
_BUILDING_WORDS = frozenset("house court hall tower towers mansions buildings point".split())
_AT_HOUSE_RE = re.compile(
    r"(?<![\w])(?i:at|to|into|in)[ \t]+("
    r"(?i:the)[ \t]+[^\W\d_]+(?:[ \t]+[^\W\d_]+)?"
    r"|(?:[^\W\d_][\w'’\-]*[ \t]+){1,2}(?i:"
    + "|".join(sorted(_HOUSE_WORDS | _BUILDING_WORDS))
    + r")(?![\w'’\-]))"
)
# "the willows", "the old forge": what English houses are called.
_HOUSE_NOUNS = frozenset(
    "willows laurels limes elms beeches pines firs oaks hollies cedars poplars gables "
    "chestnuts birches maples larches rowans hawthorns sycamores orchard paddock coppice "
    "spinney rectory vicarage forge granary".split()
)
_OLD_NOUNS = frozenset(
    "forge rectory vicarage mill bakery dairy smithy granary schoolhouse".split()
)


def _named_house(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    """The house named right after "at", "in", "into" or "to" in `m`, or None."""
    words = list(_WORD_RE.finditer(m.group(1)))
    lows = [w.group().lower() for w in words]
    base = m.start(1)
    if len(lows) >= 2 and lows[0] == "the":  # "the willows", "the old forge"
        if lows[1] in _HOUSE_NOUNS:
            return base, base + words[1].end()
        if len(lows) >= 3 and lows[1] == "old" and lows[2] in _OLD_NOUNS:
            return base, base + words[2].end()
        return None
    lex = lexicon()
    for k in range(1, min(len(lows), 3)):
        name = lows[:k]
        if any(w in _STOPWORDS or w in _NOT_NAME or w[-2:] in ("'s", "’s") for w in name):
            return None
        if lows[k] in _HOUSE_WORDS or (
            lows[k] in _BUILDING_WORDS and any(lex.unusual(w) for w in name)
        ):
            return base, base + words[k].end()
    return None


def _lower_street(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    """A street typed in lower case, if the words before the street word are a name and
    the sentence says someone lives there. A word that is often something else ("court",
    "park", "green") needs a name that is no English word ("meadowside park")."""
    words = m.group(1).split()
    street = m.group(2)
    lex = lexicon()
    if not street.islower() or any(w in _STOPWORDS or w in _NOT_NAME for w in words):
        return None
    if street in ("close", "drive", "way", "walk") and _NOT_STREET_AFTER_RE.match(text, m.end()):
        return None
    if street not in LOWER_STREET_WORDS and all(lex.ordinary(w) for w in words):
        return None
    if not living_before(text, m.start()):
        return None
    return m.start(1), m.end()


def street_after(text: str, end: int) -> tuple[int, int] | None:
    """"Rose Cottage, Mill Lane", "the corner of york road and park lane": the street
    right after an address that ends at `end`."""
    after = _AFTER_RE.match(text, end)
    if after and not _NOT_STREET_RE.match(after.group(1)):
        return after.start(1), after.end(1)
    after = _LOWER_AFTER_RE.match(text, end)
    if after and after.group(1).islower():
        words = after.group(1).split()[:-1]
        if not any(w in _STOPWORDS or w in _NOT_NAME for w in words):
            return after.start(1), after.end(1)
    return None
