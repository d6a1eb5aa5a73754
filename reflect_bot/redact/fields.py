"""An address written out after "address:" or "her address is", part by part.

"address: flat 9, kingsway court, 112 station road", "new address: 2/1, 58 dumbarton
road", "Address: Maes y Coed, Lôn Isaf, LL55 4RE". After such a cue every comma-separated
part that looks like part of an address is one, whatever its case or language, until the
sentence ends or a part does not look like one ("address: no fixed abode", "his address
is still unknown" stay as they are). A town on its own ("Ludlow") ends it too: a town
is no identifier.

An address line with no cue is read back from its postcode: "Rose Cottage, Mill Lane,
Ruthin LL15 1AB" or "The Laurels, Ffordd Isaf, Holyhead LL65 1AA". The town before the
postcode stays; each comma-separated part before it that has a number, an address word
or the shape of a house name ("The Laurels") is part of the address.
"""

from __future__ import annotations

import re

from reflect_bot.redact.candidate import _horizontal_prefix
from reflect_bot.redact.context import lexicon
from reflect_bot.redact.numbers import _find_postcode
from reflect_bot.redact.streets import living_before
from reflect_bot.redact.words import _STOPWORDS, _STREET_SUFFIXES

# "address:", "new address -", "her address is"; not "to address is", "email address:".
_FIELD_RE = re.compile(
    r"(?<![\w@.])(?:(?:(?:new|home|current|forwarding|last|previous|his|her|their|my|the)"
    r"[ \t]+)?address(?:[ \t]+is[ \t]+|[ \t]*[:\-–][ \t]*))",
    re.IGNORECASE,
)
_NOT_FIELD_BEFORE_RE = re.compile(
    r"(?:\b(?:to|email|e-mail|web|ip|an|a|postal|return)|@)[ \t]*$", re.IGNORECASE
)
# Where the address ends: the line, a sentence ("st." is no sentence end), a clause.
_FIELD_END_RE = re.compile(
    r"[\n\r;()\[\]]|(?<![Ss]t)(?<![Rr]d)(?<![Aa]ve)\.(?:[ \t]|$)|[ \t][\-–—][ \t]"
    r"|[ \t](?:and|but|so|which|where|though|until|since|for|because|tel|mob|phone|email)\b",
    re.IGNORECASE,
)
_PART_RE = re.compile(r"[^,]+")
_ADDRESS_WORDS = frozenset(w.lower() for w in _STREET_SUFFIXES) | frozenset(
    "flat apartment apt unit room maisonette plot pitch house court lodge cottage cottages "
    "tower towers mansions buildings hall farm farmhouse barn villa manor bungalow block "
    "estate site caravan park heol ffordd stryd lôn lon rhodfa cilgant teras clos llys "
    "maes bryn tŷ ty".split()
)
# A part with one of these says something about the address instead of giving it:
# "no fixed abode", "the same as before", "still unknown", "the same house".
_NOT_ADDRESS = frozenset(
    "no none unknown nfa tbc n/a not still same usual previous known confirmed his her their "
    "my".split()
)
_WORD_RE = re.compile(r"[^\W\d_][\w'’\-]*")
_LONGEST = 120  # characters after the cue that can be one address


def _address_like(part: str) -> bool:
    """Does one comma-separated part read as part of an address?"""
    words = _WORD_RE.findall(part)
    if any(ch.isdigit() for ch in part):
        return len(part.split()) <= 6
    if not words or len(words) > 5:
        return False
    lows = [w.lower() for w in words]
    if any(w in _NOT_ADDRESS for w in lows):
        return False
    if any(w in _ADDRESS_WORDS for w in lows):
        return True
    lex = lexicon()
    if len(words) == 1:
        return words[0][0].isupper() and not words[0].isupper() and lex.unusual(lows[0])
    if any(lex.unusual(w) for w in lows if w not in _STOPWORDS):
        return True  # "Maes y Coed", "bryn awel"
    # "The Old Forge": a name in capitals that is no town.
    return words[0][0].isupper() and all(
        w[0].isupper() or w.lower() in ("y", "yr", "of", "on", "the") for w in words
    )


def find_fields(text: str) -> list[tuple[int, int]]:
    """(start, end) of each part of an address written after an address cue."""
    out: list[tuple[int, int]] = []
    for m in _FIELD_RE.finditer(text):
        if _NOT_FIELD_BEFORE_RE.search(text, max(0, m.start() - 12), m.start()):
            continue
        limit = min(len(text), m.end() + _LONGEST)
        stop = _FIELD_END_RE.search(text, m.end(), limit)
        end = stop.start() if stop else limit
        for part in _PART_RE.finditer(text, m.end(), end):
            raw = part.group()
            start = part.start() + len(raw) - len(raw.lstrip())
            stop_at = part.end() - (len(raw) - len(raw.rstrip()))
            if start >= stop_at:
                continue
            if not _address_like(text[start:stop_at]):
                break
            out.append((start, stop_at))
    return out


# Grammar words a part of an address may hold: "Maes y Coed", "The Old Forge".
_IN_ADDRESS = frozenset("the y yr of on upon".split())
# Where someone's home is said to be, inside a part: "... lives at Tŷ Coch".
_AT_RE = re.compile(r"\b(?:at|to|in|into|on)[ \t]+(?=\S)", re.IGNORECASE)
_HOUSE_NUMBER_RE = re.compile(
    r"(?:(?:flat|apartment|apt|unit|room|no\.?|number)[ \t]+)?[0-9]", re.IGNORECASE
)
_PARTS_BACK = 3
_LINE_BACK = 200  # characters before a postcode that can hold its address


def _house_part(part: str) -> bool:
    """Is a whole comma-separated part, with no cue, a house, a street or a flat?"""
    words = _WORD_RE.findall(part)
    if len(words) > 5 or len(part.split()) > 6:
        return False
    lows = [w.lower() for w in words]
    if any(w in _NOT_ADDRESS for w in lows):
        return False
    numbered = _HOUSE_NUMBER_RE.match(part) is not None  # "14 easter road", "3F2", "flat 2"
    addressy = any(w in _ADDRESS_WORDS for w in lows)
    if numbered and (addressy or len(words) <= 1):
        return True
    if not words or any(w in _STOPWORDS and w not in _IN_ADDRESS | _ADDRESS_WORDS for w in lows):
        return False
    if numbered or addressy:
        return True
    # "The Willows", "the coppice": a named house.
    return lows[0] == "the" and len(words) > 1


def find_before_postcode(text: str) -> list[tuple[int, int]]:
    """(start, end) of each part of an address that a postcode ends, read backwards."""
    out: list[tuple[int, int]] = []
    for pc in _find_postcode(text):
        if pc.end - pc.start < 5:
            continue  # an outward code alone ("moved to LS9") ends no address line
        line_start = pc.start - len(_horizontal_prefix(text, pc.start, _LINE_BACK))
        cut = text.rfind(",", line_start, pc.start)  # the town is between cut and pc
        if cut < 0 or len(text[cut + 1 : pc.start].split()) > 3:
            continue
        for _ in range(_PARTS_BACK):
            prev = text.rfind(",", line_start, cut)
            start, end = (prev + 1 if prev >= 0 else line_start), cut
            raw = text[start:end]
            start += len(raw) - len(raw.lstrip())
            end -= len(raw) - len(raw.rstrip())
            if start >= end:
                break
            if _house_part(text[start:end]):
                out.append((start, end))
                cut = prev
                if prev < 0:
                    break
                continue
            # "... lives at Tŷ Coch, Llanfair Road, Ruthin": the tail after "at".
            ats = list(_AT_RE.finditer(text, start, end))
            at = ats[-1] if ats else None
            if at and _house_part(text[at.end() : end]) and living_before(text, at.end()):
                out.append((at.end(), end))
            break
    return out
