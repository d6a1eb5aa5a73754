"""Names by rule (titles, listed first names and surnames, particles, context), the
user's own list, and where names must not be found (keep list, citations)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from reflect_bot.redact.candidate import _Cand
from reflect_bot.redact.context import (
    _article,
    _person_known,
    acronym,
    context_names,
    field_label,
    lexicon,
    particle_joined,
)
from reflect_bot.redact.tokens import _BREAK_RE, _joined, _Tok
from reflect_bot.redact.words import (
    _ACADEMIC_TITLES,
    _CALLED_AFTER,
    _NOT_SURNAME_SUFFIXES,
    _PERSON_VERBS,
    _PLACE_PREFIXES,
    _RELATIONS,
    _SHORT_TITLES,
    _STOPWORDS,
    _TITLES,
    LEADING_PARTICLES,
    PARTICLES,
    _phrase_pattern,
    _Vocab,
)

_DETERMINERS = frozenset("the a an this that these those any every each no".split())


def _name_candidates(toks: list[_Tok], vocab: _Vocab) -> list[_Cand]:
    """Names by rule: titles, first names (+ surname), relation words, "Word Surname"."""
    out: list[_Cand] = []
    n = len(toks)
    lex = lexicon()

    def blocked(t: _Tok) -> bool:
        return t.low in _STOPWORDS or t.low in vocab.terms or t.low in _TITLES

    def particle(j: int) -> bool:
        """A name particle with a capitalised name word after it: "ap Gruffydd", "Ó Súil",
        or the article in "Mac an tSaoir"."""
        return _article(toks, j) or (
            toks[j].low in PARTICLES
            and j + 1 < n
            and particle_joined(toks[j], toks[j + 1])
            and toks[j + 1].name_shaped()
            and not blocked(toks[j + 1])
        )

    def unusual(t: _Tok) -> bool:
        """A capitalised word that is no English word, place or kept term ("Kazlauskas")."""
        return (
            t.name_shaped()
            and not acronym(t)
            and not blocked(t)
            and t.low not in _PLACE_PREFIXES
            and lex.unusual(t.low)
        )

    def surname_like(t: _Tok) -> bool:
        parts = re.split(r"[\-‐]", t.low)
        listed = t.low in vocab.surnames or any(p in vocab.surnames for p in parts)
        return t.name_shaped() and not blocked(t) and (listed or lex.unusual(t.low))

    def first_name(t: _Tok) -> bool:
        """Listed, or every part of a hyphenated name listed ("Sean-Paul", "Abdul-Karim")."""
        if t.low in vocab.first:
            return True
        parts = [p for p in re.split(r"[\-‐]", t.low) if p]
        return len(parts) > 1 and all(p in vocab.first or p in vocab.surnames for p in parts)

    def saint_before(i: int) -> bool:
        return i > 0 and toks[i - 1].low in _PLACE_PREFIXES and _joined(toks[i - 1], toks[i])

    def acts(i: int) -> bool:
        """Is toks[i] a person by what follows: "Will said", "Will's", "Mark was late"?"""
        if toks[i].possessive:
            return True
        return i + 1 < n and toks[i + 1].low in _PERSON_VERBS and _joined(toks[i], toks[i + 1])

    def extend(i: int, limit: int, *, initials: bool = False, caps: bool = False) -> int:
        """Index of the last name word in the run starting after toks[i] (or i)."""
        last = i
        j = i + 1
        while j < n and j - i <= limit and _joined(toks[j - 1], toks[j]):
            t = toks[j]
            if field_label(toks, j):
                break  # "Surname: Ó Briain   Forename: ..."
            if particle(j):
                last = j + 1
                if toks[j + 1].possessive:
                    break
                j += 2
                continue
            if t.is_initial and initials:
                j += 1
                continue
            if not t.name_shaped(allow_caps=caps) or blocked(t):
                break
            if t.low in _NOT_SURNAME_SUFFIXES:
                break
            last = j
            if t.possessive:
                break
            j += 1
        return last

    def emit(i: int, j: int, rule: str) -> None:
        i = _initials_before(toks, i)  # "A. Kowalczyk", "T Okoro": the initials go too
        words = [t for t in toks[i : j + 1] if not t.is_initial] or toks[i : j + 1]  # "K.B."
        lows = tuple(t.low for t in words)
        out.append(
            _Cand(toks[i].start, toks[j].end, "NAME", " ".join(lows), lows, lows, rule=rule)
        )

    for i, t in enumerate(toks):
        # Titles: "Mr Jones", "Mrs O'Neill", "Dr J. Smith", "MR JONES" ("mr jones" too, but
        # not "I miss London").
        if t.low in _TITLES and i + 1 < n and (t.core[0].isupper() or t.low in _SHORT_TITLES):
            nxt = toks[i + 1]
            gap = nxt.gap[1:] if nxt.gap.startswith(".") else nxt.gap
            if 0 < len(gap) <= 2 and not gap.strip(" \t") and not t.possessive:
                last = i
                j = i + 1
                while j < n and j - i <= 4:
                    w = toks[j]
                    if j > i + 1 and not _joined(toks[j - 1], w):
                        break
                    if j > i + 1 and particle(j):
                        last = j + 1
                        if toks[j + 1].possessive:
                            break
                        j += 2
                        continue
                    if w.is_initial:
                        j += 1
                        continue
                    lower_initial = (  # "mr j price"
                        j == i + 1
                        and len(w.core) == 1
                        and w.core.islower()
                        and w.low not in ("a", "i")
                        and j + 1 < n
                        and toks[j + 1].gap.lstrip(".") in (" ", "  ")
                    )
                    if lower_initial and t.low in _SHORT_TITLES:
                        j += 1
                        continue
                    if w.low in _STOPWORDS:
                        break
                    if not w.name_shaped(allow_caps=True):
                        # "mr jones" typed in a hurry: one lower-case word after Mr/Mrs/Ms/Mx.
                        # A second one if it is no English word: "mrs ewa wiśniewska".
                        after_initial = len(toks[i + 1].core) == 1 and toks[i + 1].core.islower()
                        plain = t.low in _SHORT_TITLES and (
                            j == i + 1 or (j == i + 2 and after_initial)
                        )
                        second = (
                            j == i + 2
                            and last == i + 1
                            and toks[i + 1].core.islower()
                            and lex.unusual(w.low)
                        )
                        if not ((plain or second) and len(w.core) >= 2 and w.core.islower()):
                            break
                        last = j
                        if second or w.possessive:
                            break
                        j += 1
                        continue
                    last = j
                    if w.possessive:
                        break
                    j += 1
                if last > i:
                    lows = [w.low for w in toks[i + 1 : last + 1] if not w.is_initial]
                    academic = t.low in _ACADEMIC_TITLES
                    if not (academic and all(w in vocab.people for w in lows)):
                        emit(i + 1, last, "title")

        # "Ó Súilleabháin said", "Surname: Ó Briain": a one-letter particle is no word.
        if len(t.core) == 1 and t.low in LEADING_PARTICLES and t.core.isupper() and particle(i):
            emit(i, extend(i + 1, 3), "particle")
            continue
        if not t.name_shaped(allow_caps=False) and not (
            t.core.isupper() and len(t.core) >= 2 and t.low in vocab.first
        ):
            continue
        if blocked(t) or saint_before(i):
            continue

        prev = toks[i - 1] if i > 0 else None
        related = False
        if prev is not None and _joined(prev, t, comma=True):
            if prev.low in _RELATIONS and prev.core.islower() and not prev.possessive:
                related = True
            elif prev.low == "called" and i > 1 and toks[i - 2].low in _CALLED_AFTER:
                related = True
            elif prev.low == "as" and i > 1 and toks[i - 2].low == "known":
                related = _person_known(toks, i)  # not "known as Trauma-Informed Practice"

        # "Ní Bhriain", "Ó Súilleabháin": an Irish surname after its particle.
        if t.low in LEADING_PARTICLES and particle(i):
            emit(i, extend(i + 1, 3), "particle")
            continue

        caps_pair = t.core.isupper() and not t.caps_line
        if first_name(t):
            kind = vocab.kind.get(t.low)
            if caps_pair and kind:
                continue
            if (
                i + 1 < n
                and toks[i + 1].low in _NOT_SURNAME_SUFFIXES
                and toks[i + 1].name_shaped()
                and _joined(t, toks[i + 1])
                and not related
            ):
                continue  # "Albert Dock", "Victoria Station": a place named after someone
            last = extend(i, 3, initials=True, caps=caps_pair)
            if caps_pair and last == i:
                continue  # a lone capitalised "JACK" in mixed text: too weak
            if last > i and kind == "never" and not related:
                # "May Day", "August Bank Holiday", "Kent Police": a month or place name
                # needs a listed surname after it ("April Okafor"). A word-like name
                # ("Jordan Reeves", "Will Smith") with any capitalised surname is a name:
                # privacy favours recall over "Grace Period".
                # An unusual surname counts too ("Grace Mwangi-Otieno").
                if not any(
                    w.low in vocab.surnames or unusual(w) for w in toks[i + 1 : last + 1]
                ):
                    last = i
                    if kind == "never":
                        continue
            if last > i:
                emit(i, last, "first+surname")
                continue
            # A first name on its own.
            if t.low in vocab.people:
                continue
            if not related:
                if kind == "never":
                    continue
                if kind == "word" and t.first_of_sentence and not acts(i):
                    continue
                if kind == "word" and prev is not None and prev.low in _DETERMINERS:
                    continue  # "the Bill of Rights", "a Will", "this Hope"
            emit(i, i, "first")
            continue

        if not t.name_shaped():
            continue
        if related and t.low not in vocab.people:
            emit(i, extend(i, 2), "relation")
            continue
        # "Tyrese Johnson": an unknown first word before a listed surname.
        if i + 1 < n and t.low not in vocab.people and _joined(t, toks[i + 1]):
            nxt = toks[i + 1]
            parts = re.split(r"[\-‐]", nxt.low)
            listed = nxt.low in vocab.surnames or any(p in vocab.surnames for p in parts)
            if listed and nxt.name_shaped() and not blocked(nxt):
                emit(i, extend(i, 2), "word+surname")
                continue
            # "Siobhán Ní Bhriain", "Dafydd ap Gruffydd": any name word before a particle.
            if particle(i + 1) and (unusual(t) or first_name(t)):
                emit(i, extend(i, 4), "word+particle")
                continue
            # "Nicu Lăcătuș", "Jonas Kazlauskas": two unusual capitalised words.
            if unusual(t) and surname_like(nxt) and (unusual(nxt) or lex.listed(nxt.low)):
                emit(i, extend(i, 2), "unusual pair")
                continue
    for first, last, rule in context_names(toks, vocab):
        emit(first, last, rule)
    return out


def _initials_before(toks: list[_Tok], i: int) -> int:
    """The first of the capital initials just before toks[i] ("J. R. Smith", "T Okoro"), or
    i. "A" and "I" count only with a full stop after them ("A. Kowalczyk", "A.J. Smith", not
    "A Kowalczyk letter")."""
    first = i
    while first > 0:
        prev = toks[first - 1]
        if not prev.is_initial or not (toks[first].gap == "." or _joined(prev, toks[first])):
            break
        if prev.core in ("A", "I") and not toks[first].gap.startswith("."):
            break
        first -= 1
    return first


def _user_name_candidates(text: str, names: Iterable[str]) -> list[_Cand]:
    out = []
    for raw in names:
        name = " ".join(str(raw).split())
        if len(name) < 2:
            continue
        pattern = re.compile(r"(?<!\w)" + _phrase_pattern(name) + r"(?!\w)", re.IGNORECASE)
        lows = tuple(w.lower() for w in name.split())
        # "Kyle Smith" on the list: a capitalised "Kyle" or "Smith" elsewhere is him too.
        spread = tuple(w for w in lows if len(w) >= 2) if len(lows) > 1 else ()
        for m in pattern.finditer(text):
            out.append(_Cand(m.start(), m.end(), "NAME", " ".join(lows), lows, spread, True))
    return out


def _allowed_regions(toks: list[_Tok], vocab: _Vocab) -> list[tuple[int, int]]:
    """Where the text names a theorist, model or organisation from allowlist.txt, word
    for word, any case, middle initials allowed ("Stephen D. Brookfield")."""
    regions = []
    for i, t in enumerate(toks):
        for words in vocab.phrases.get(t.low, ()):
            j, k = i, 1
            while k < len(words) and j + 1 < len(toks):
                nxt = toks[j + 1]
                if len(nxt.gap) > 4 or _BREAK_RE.search(nxt.gap):
                    break
                j += 1
                if nxt.is_initial:
                    continue
                if nxt.low != words[k]:
                    break
                k += 1
            if k == len(words):
                regions.append((t.start, toks[j].end))
                break
    return regions


_NAMEWORD = r"[A-Z][\w'’\-]*[a-z][\w'’\-]*"
_AUTHORS_RE = re.compile(
    rf"(?<![\w'’\-]){_NAMEWORD}(?:(?:,[ \t]*|,?[ \t]+(?:and|&)[ \t]+){_NAMEWORD})*"
)
_ET_AL = r"(?:[ \t]+et[ \t]+al\.?)?"
_YEAR = r"(?:19|20)[0-9]{2}[a-z]?"
_CITE_PAREN_RE = re.compile(rf"{_ET_AL}[ \t]*\([ \t]*{_YEAR}[ \t]*[),;:]")
_CITE_INSIDE_RE = re.compile(rf"{_ET_AL},?[ \t]+{_YEAR}[ \t]*[),;:]")


# A source's authors with initials, then its title or publisher and its year: "R. F.
# Baumeister, E. Bratslavsky and K. D. Vohs, Review of General Psychology 5(4) (2001)",
# "Ilan H. Meyer (Columbia University) (2003)", as a reply's reference list cites them.
_INITIALLED = rf"(?:{_NAMEWORD}[ \t]+)?(?:[A-Z]\.[ \t]*)+{_NAMEWORD}(?:[ \t]+{_NAMEWORD})?"
_DATED = rf"\([^()\n\r]*(?<![0-9]){_YEAR}(?![0-9])[^()\n\r]*\)"  # "(2001)", "(accessed 2026-12)"
_SOURCE_AUTHORS_RE = re.compile(
    rf"(?<![\w'’\-.]){_INITIALLED}(?:(?:,[ \t]*|,?[ \t]+(?:and|&)[ \t]+){_INITIALLED})*"
    rf"(?=[ \t]*{_DATED}|(?:,[ \t]*[A-Z]|[ \t]*(?=\())(?:[^;()\n\r]|\([^()\n\r]*\))*?{_DATED})"
)


def _citation_regions(text: str, vocab: _Vocab) -> list[tuple[int, int]]:
    """Author lists in citations: "Lacey and Minnis (2020)", "(Maslach and Jackson, 1981)",
    "Petrillo and Bradley", "S. Rex and N. Hosking, Probation Journal (2013)". Surnames
    there are authors, not people on probation."""
    regions = [m.span() for m in _SOURCE_AUTHORS_RE.finditer(text)]
    for m in _AUTHORS_RE.finditer(text):
        cited = bool(_CITE_PAREN_RE.match(text, m.end()) or (
            m.start() > 0 and text[m.start() - 1] == "(" and _CITE_INSIDE_RE.match(text, m.end())
        ))
        if not cited:
            words = re.findall(_NAMEWORD, m.group())
            cited = len(words) >= 2 and any(w.lower() in vocab.people for w in words)
        if cited:
            regions.append((m.start(), m.end()))
    return regions
