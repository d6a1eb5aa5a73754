"""Street addresses: a house number and a street, and (streets.py) streets, Welsh streets,
flats and house names without one."""

from __future__ import annotations

import re

from reflect_bot.redact.candidate import _alnum, _Cand, _horizontal_prefix
from reflect_bot.redact.context import lexicon
from reflect_bot.redact.fields import find_before_postcode, find_fields
from reflect_bot.redact.numbers import _OUTWARD
from reflect_bot.redact.streets import UNIT_NUMBER, find_streets, living_before, street_after
from reflect_bot.redact.words import (
    _STOPWORDS,
    _STREET_SUFFIXES,
    LOWER_STREET_WORDS,
    UNIT_WORDS,
)

# ---- street addresses ---------------------------------------------------------------

_SUFFIXES = frozenset(v for s in _STREET_SUFFIXES for v in (s, s.lower(), s.upper()))
_STREET_NAME_RE = re.compile(r"St\.?|[A-Z][\w'’\-]*[a-z][\w'’\-]*\.?")
# A house number, then up to five words; _street_end() finds where the street ends.
_ADDRESS_RE = re.compile(
    r"(?<![\w/.\-])"
    r"(?:(?i:Flat|Apartment|Apt|Unit|Room|Maisonette|Plot|Pitch)\.?[ \t]+"
    rf"(?:{UNIT_NUMBER},?[ \t]+)?)?"
    r"([0-9]{1,4})[A-Za-z]?(?:[ \t]*[\-–/][ \t]*[0-9]{1,4}[A-Za-z]?)?,?[ \t]+"
    r"((?:[A-Za-z][\w'’\-]*\.?[ \t]+){0,4}[A-Za-z][\w'’\-]*)"
)
_ADDRESS_CTX_RE = re.compile(
    r"\b(?:lives?|living|lived|staying|stays|stayed|moved|moving|resides|residing|housed|"
    r"address(?:[ \t]+is)?|flat|house)[ \t]+(?:on|at|in|to|is|:)?[ \t]*(?:the[ \t]+)?"
    r"((?:[A-Za-z][\w'’\-]*\.?[ \t]+){0,3}[A-Za-z][\w'’\-]*)"
)
_SPACE_WORD_RE = re.compile(r"[^ \t]+")
# What comes before a house number typed in lower case: "at 6 market street", "address:
# 58 dumbarton road", "moved into 41b hollybush lane", or the start of the line.
_NUMBER_BEFORE_RE = re.compile(
    r"(?:\b(?:at|on|to|into|in|from|is|of|address)|[:,(/]|^)[ \t]*$", re.IGNORECASE
)


def _street_end(text: str, start: int, end: int) -> int | None:
    """Where "Elm Road" ends within text[start:end]: capitalised street words, then the
    last word that is a street suffix (Road, Street, Close, ...). None if there is none."""
    words = [(m.start() + start, m.end() + start, m.group())
             for m in _SPACE_WORD_RE.finditer(text[start:end])]
    best = None
    for k in range(1, len(words)):
        if not _STREET_NAME_RE.fullmatch(words[k - 1][2]):
            break
        if words[k][2] in _SUFFIXES:
            best = words[k][1]
    return best


def _lower_street_end(text: str, start: int, end: int) -> int | None:
    """Where "hollybush lane" ends within text[start:end], typed in lower case: one to
    three name words, then a street word that is rarely anything else after a house
    number. Grammar words and units ("5 minutes walk", "3 the road") end the search."""
    words = [(m.start() + start, m.group())
             for m in _SPACE_WORD_RE.finditer(text[start:end])]
    for k, (pos, word) in enumerate(words[:4]):
        bare = word.rstrip(".,;:")
        if k and bare in LOWER_STREET_WORDS:
            return pos + len(bare)
        if k and bare == "st" and k == len(words) - 1:  # "22 high st"
            return pos + len(bare)
        low = bare.lower()
        if low in UNIT_WORDS or not low[:1].isalpha():
            return None
        # "17 st. aidan's walk", "14 the crescent"
        if low in _STOPWORDS and low not in ("st", "saint") and not (k == 0 and low == "the"):
            return None
    return None


def _house_name_end(
    text: str, start: int, end: int, living: bool, number: str = ""
) -> int | None:
    """ "lives at 2 bryn awel, llanelli": a number and a name in a language other than
    English, closed by a comma or the line's end, where someone lives (`living`), or a
    named close with its article ("lives at 2 the coppice,"); or a Welsh name with its
    article anywhere after "at" ("at 2 pen y bryn")."""
    words = text[start:end].split()
    if len(words) > 3 or not _NAME_CLOSED_RE.match(text, end):
        return None
    lex = lexicon()
    lows = [w.lower() for w in words]
    if any(w in UNIT_WORDS for w in lows):
        return None  # "staying till 3 pm,"
    if living and all(w in ("y", "yr") or lex.unusual(w) for w in lows):
        return end  # not "met at 2 pm,"
    if living and len(number) < 4 and lows[0] == "the" and len(lows) > 1 and not any(
        w in _STOPWORDS or w in UNIT_WORDS or w in _TIMES for w in lows[1:]
    ):
        return end  # "lives at 2 the coppice," (not "at 10 the next day", "2024 the High Court")
    if len(lows) == 3 and lows[1] in ("y", "yr") and not any(w in _STOPWORDS for w in lows):
        return end  # a Welsh name with its article: "pen y bryn", "coed y brain"
    return None


_TIMES = frozenset(
    "morning afternoon evening night weekend time moment end start latest earliest "
    "following same first last".split()
)
_NAME_CLOSED_RE = re.compile(r"[ \t]*(?:[,;]|\.(?:[ \t]|$)|$)", re.MULTILINE)
_AFTER_ADDRESS_OUTWARD_RE = re.compile(
    rf",?[ \t]+(?:[A-Z][a-z]+,?[ \t]+){{0,2}}({_OUTWARD})(?![A-Za-z0-9]|[ \t]*[0-9][A-Za-z]{{2}})"
)


def _find_address(text: str) -> list[_Cand]:
    out = []
    pos = 0
    # Searched one match at a time: a number that starts no address ("born 1984, lives at
    # Flat 5, 30 Victoria Road") must not swallow the words where the next one starts.
    while m := _ADDRESS_RE.search(text, pos):
        pos = m.start(1) + 1
        end = _street_end(text, m.start(2), m.end(2))
        if end is None and (
            _NUMBER_BEFORE_RE.search(_horizontal_prefix(text, m.start(), 30))
            or living_before(text, m.start())
        ):
            end = _lower_street_end(text, m.start(2), m.end(2))
            if end is None:
                living = living_before(text, m.start())
                end = _house_name_end(text, m.start(2), m.end(2), living, m.group(1))
        if end is None:
            continue
        pos = end
        if len(m.group(1)) == 4 and text[m.start(2) : end].split()[-1].islower():
            continue  # "in 2022 Home Office court": a year, not a house number
        found = text[m.start() : end]
        out.append(_Cand(m.start(), end, "ADDRESS", " ".join(found.lower().split())))
        tail = _AFTER_ADDRESS_OUTWARD_RE.match(text, end)
        if tail:
            out.append(_Cand(tail.start(1), tail.end(1), "POSTCODE", _alnum(tail.group(1))))
    for m in _ADDRESS_CTX_RE.finditer(text):
        end = _street_end(text, m.start(1), m.end(1))
        if end is not None:
            found = text[m.start(1) : end]
            out.append(_Cand(m.start(1), end, "ADDRESS", " ".join(found.lower().split())))
    for start, end in [*find_streets(text), *find_fields(text), *find_before_postcode(text)]:
        out.append(_Cand(start, end, "ADDRESS", " ".join(text[start:end].lower().split())))
    for c in list(out):
        if c.type == "ADDRESS" and (more := street_after(text, c.end)):
            start, end = more
            out.append(_Cand(start, end, "ADDRESS", " ".join(text[start:end].lower().split())))
    return out
