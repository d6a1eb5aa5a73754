"""Names that only their context or their shape gives away, in any case.

Case notes are typed in a hurry: "met with oluwaseun adeyemi", "his son kyle", "everyone
calls him Chuks", "ewa wiśniewska rang". None of these is capitalised or on a list, so
the rules here read what is around a word instead:

- after a cue that introduces a person ("his partner", "spoke to", "real name is", "calls
  him", "met with"), the next word is a name unless it is an ordinary English word, a place
  or on the keep list; so "his son will be there" and "spoke to probation" are left alone;
- before a verb of speech or action ("kyle said", "Mthunzi answered the door") likewise;
- two unusual words in a row where one is a listed first name or surname ("liam o'connor",
  "wei zhang") are a name without any cue;
- a nickname in quotes inside a name ("Mthunzi 'Zee' Dlamini") belongs to it.

A name found here runs on over further unusual words and name particles ("aoife nic giolla
phádraig", "Bronwen ferch Rhys"). Each rule returns token ranges (first, last) and a rule
name; `reflect_bot.redact` turns them into candidates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from reflect_bot.redact.tokens import _joined, _Tok
from reflect_bot.redact.words import (
    _RELATIONS,
    _STOPWORDS,
    _TITLES,
    CONTEXT_BEFORE,
    NAMING_CUES,
    PARTICLES,
    PERSON_ACTS,
    _Vocab,
    _vocab,
    english_words,
    places,
)

_CONTRACTION_RE = re.compile(r"(?:'(?:m|s|d|ll|ve|re|t)|n't)$")
_CAPS_RUN_RE = re.compile(r"[A-Z]{2}")
_CUES_BY_LAST: dict[str, list[tuple[str, ...]]] = {}
for _cue in CONTEXT_BEFORE:
    _CUES_BY_LAST.setdefault(_cue[-1], []).append(_cue)
_QUOTES_OPEN = "'‘\"“("
_QUOTES_CLOSE = "'’\"”)"
# Months and days are in _STOPWORDS; these are the forms a name cue can be followed by
# that are still not people.
_NOT_AFTER_CUE = frozenset("probation police court staff team office hostel".split())


def acronym(t: _Tok) -> bool:
    """ "POs", "PSOs", "OASys": capitals and a plural or a brand, not a name."""
    return _CAPS_RUN_RE.search(t.core) is not None


class Lexicon:
    """What the rules ask about a word, answered from the bundled lists (and remembered)."""

    def __init__(self, vocab: _Vocab) -> None:
        self.vocab = vocab
        self.english = english_words()
        self.places = places()
        self._unusual: dict[str, bool] = {}

    def kept(self, low: str) -> bool:
        """Never a name by context or shape: grammar, keep list, places, theorists."""
        v = self.vocab
        return (
            low in _STOPWORDS
            or low in _TITLES
            or low in v.terms
            or low in v.people
            or low in self.places
            or low in _NOT_AFTER_CUE
        )

    def ordinary(self, low: str) -> bool:
        """An everyday English word ("will", "grace", "hope"), or one made of them."""
        low = low.replace("’", "'")
        parts = [p for p in low.split("-") if p]
        return low in self.english or any(p in self.english for p in parts)

    def unusual(self, low: str) -> bool:
        """Not English and not kept: "kyle", "oluwaseun", "wiśniewska", "lewis-smith"."""
        known = self._unusual.get(low)
        if known is None:
            if len(self._unusual) > 100_000:
                self._unusual.clear()  # bounded, whatever the text
            known = self._unusual[low] = self._judge(low)
        return known

    def _judge(self, low: str) -> bool:
        low = low.replace("’", "'")
        if len(low) < 2 or self.kept(low) or low in self.english:
            return False
        if _CONTRACTION_RE.search(low):
            return False  # "I'm", "haven't", "we'd"
        parts = [p for p in low.split("-") if p]
        if len(parts) > 1:
            return all(self.listed(p) or not self.ordinary(p) for p in parts)
        return True

    def listed(self, low: str) -> bool:
        v = self.vocab
        bare = low[2:] if low.startswith(("o'", "o’")) and len(low) > 3 else low
        return (
            low in v.first
            or low in v.surnames
            or bare in v.surnames
            or (bare != low and len(bare) >= 3)
        )


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The one Lexicon over the bundled lists."""
    return Lexicon(_vocab())


def _cue_before(toks: list[_Tok], i: int) -> str | None:
    """The cue that introduces a person just before toks[i] ("his partner", "met with")."""
    t = toks[i]
    gap = t.gap.strip(" \t")
    if gap and gap.strip(_QUOTES_OPEN + ":,"):
        return None  # "spoke to. Kyle" or a line break: not a cue for this word
    if "\n" in t.gap or "\r" in t.gap or i == 0:
        return None
    prev = toks[i - 1]
    if prev.low in _RELATIONS and prev.core.islower() and not prev.possessive:
        return prev.low
    for cue in _CUES_BY_LAST.get(prev.low, ()):
        k = len(cue)
        if i < k:
            continue
        words = toks[i - k : i]
        if tuple(w.low for w in words) != cue:
            continue
        if all(_joined(a, b, comma=True) for a, b in zip(words, words[1:], strict=False)):
            return " ".join(cue)
    return None


def _web_part(toks: list[_Tok], i: int) -> bool:
    """Is toks[i] part of a web or email address or an abbreviation ("wiley.com", "ed.")?"""
    if toks[i].gap[-1:] in (".", "/", "@", "\\", "_", "=", "#", "-"):
        return True
    after = toks[i + 1].gap if i + 1 < len(toks) else ""
    return after[:1] in ("/", "@", "_", "=") or after == "."


def _acts_after(toks: list[_Tok], j: int) -> bool:
    """Is toks[j] followed by a verb of speech or action ("kyle said")?"""
    if j + 1 >= len(toks):
        return False
    nxt = toks[j + 1]
    return nxt.low in PERSON_ACTS and _joined(toks[j], nxt)


def _particle(toks: list[_Tok], j: int, word_ok: Callable[[_Tok], bool]) -> bool:
    """Is toks[j] a name particle with a name word right after it ("ap Gruffydd")?"""
    n = len(toks)
    return (
        toks[j].low in PARTICLES
        and j + 1 < n
        and _joined(toks[j], toks[j + 1])
        and word_ok(toks[j + 1])
    )


def _run_on(toks: list[_Tok], i: int, word_ok: Callable[[_Tok], bool], limit: int = 4) -> int:
    """The last token of a name that starts at toks[i]: further name words and particles."""
    last = i
    j = i + 1
    while j < len(toks) and j - i <= limit and not toks[j - 1].possessive:
        if not _joined(toks[j - 1], toks[j]):
            break
        if _particle(toks, j, word_ok) and j + 1 - i <= limit:
            j += 1
            continue
        if toks[j].is_initial and toks[j].low not in ("i", "a"):
            last = j  # "Jonny K", "kyle S."
            j += 1
            continue
        if not word_ok(toks[j]):
            break
        last = j
        j += 1
    return last


def context_names(toks: list[_Tok], vocab: _Vocab) -> list[tuple[int, int, str]]:
    """Token ranges (first, last, rule) of names found by context, quotes and shape."""
    lex = lexicon()
    out: list[tuple[int, int, str]] = []
    n = len(toks)

    web = {toks[i].start for i in range(n) if _web_part(toks, i)}

    def lower_name(t: _Tok) -> bool:
        return t.core.islower() and t.start not in web and lex.unusual(t.low)

    def capital_name(t: _Tok) -> bool:
        return (
            t.name_shaped()
            and not acronym(t)
            and not lex.kept(t.low)
            and (lex.unusual(t.low) or t.low in vocab.first or t.low in vocab.surnames)
        )

    def any_name(t: _Tok) -> bool:
        return lower_name(t) or capital_name(t)

    def first_name(low: str) -> bool:
        parts = [p for p in low.split("-") if p]
        return low in vocab.first or (len(parts) > 1 and all(p in vocab.first for p in parts))

    def quoted(i: int) -> bool:
        """Is toks[i] alone in quotes: 'tiny'?"""
        opened = toks[i].gap.strip(" \t")[-1:]
        closed = toks[i + 1].gap.strip(" \t")[:1] if i + 1 < n else ""
        return opened in ("'", "‘", '"', "“") and closed in ("'", "’", '"', "”")

    for i, t in enumerate(toks):
        if t.low in _STOPWORDS:
            continue  # no rule below takes a grammar word, so skip most words at once
        # After a cue: "his son kyle", "met with oluwaseun adeyemi", "calls him Chuks".
        if (lower_name(t) or capital_name(t)) and _cue_before(toks, i):
            out.append((i, _run_on(toks, i, any_name), "cue"))
            continue
        # A quoted nickname, even an everyday word: "goes by 'tiny'".
        if quoted(i) and _cue_before(toks, i) in NAMING_CUES:
            out.append((i, i, "nickname"))
            continue
        # A listed first name that is no English word, anywhere: "sophie-louise", "kyle"
        # (not in a web address or an abbreviation: "wiley.com", "et al.", "ed.").
        if lower_name(t) and len(t.low) >= 3 and first_name(t.low):
            out.append((i, _run_on(toks, i, lower_name), "first name"))
            continue
        # Before a verb: "kyle said", "Mthunzi answered". Run back over earlier name words.
        if (lower_name(t) or (capital_name(t) and lex.unusual(t.low))) and _acts_after(toks, i):
            first = i
            while first > 0 and _joined(toks[first - 1], toks[first]):
                prev = toks[first - 1]
                if prev.possessive or not (any_name(prev) or _particle(toks, first - 1, any_name)):
                    break
                first -= 1
            out.append((first, i, "acts"))
            continue
        # Two unusual lower-case words, one of them listed: "liam o'connor", "wei zhang".
        if lower_name(t) and i + 1 < n and _joined(t, toks[i + 1]):
            nxt = toks[i + 1]
            if lower_name(nxt) and (lex.listed(t.low) or lex.listed(nxt.low)):
                out.append((i, _run_on(toks, i, lower_name), "lower pair"))
                continue
        # A quoted nickname inside a name: "Mthunzi 'Zee' Dlamini".
        if 0 < i < n - 1 and t.name_shaped():
            before, after = toks[i - 1], toks[i + 1]
            opened = t.gap.strip(" \t")
            closed = after.gap.strip(" \t")
            if (
                len(opened) == 1
                and opened in _QUOTES_OPEN
                and len(closed) == 1
                and closed in _QUOTES_CLOSE
                and capital_name(before)
                and capital_name(after)
                and len(t.gap) <= 3
                and len(after.gap) <= 3
            ):
                out.append((i - 1, i + 1, "nickname"))
    return out
