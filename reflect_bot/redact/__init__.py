"""Identifiers of people on probation -> typed, numbered placeholders.

Why this exists: a reflection is criminal-offence and health data about third parties, so
nothing identifying may reach disk, an export or a projected screen. `redact()` replaces
each identifier with a placeholder such as ``[NAME-1]`` or ``[CRN-1]``, numbered per text,
so the reflection still reads ("[NAME-1] missed the appointment; [NAME-1]'s sister [NAME-2]
called").

How it decides, and why:
- Recall first. Identifiers are recognised by their *shape*, not their validity: a PNC ID
  with a mistyped check letter, a phone number in the drama range (07700 900xxx) or an
  NHS-shaped number next to the word "NHS" that fails its check digit is still redacted.
  Check digits (PNC mod-23, NHS mod-11) and the NI prefix rules are only used to *raise*
  confidence for a bare number with no context, never to let a context-backed one through.
- Context words ("NHS", "born", "CRN", "lives in", "his mum") widen what is caught.
- Names come from titles (Mr, Mrs, Ms, Miss, Mx, Dr), a bundled list of first names
  followed by a capitalised surname, "Word Surname" with a bundled surname list, name
  particles ("Ní Bhriain", "ap Gruffydd"), two capitalised words that are no English word
  ("Nicu Lăcătuș"), and the user's own list. Case notes are typed in lower case, so
  context.py also reads a name from what surrounds it: "his son kyle", "met with oluwaseun
  adeyemi", "calls him Chuks", "kyle said". Once a name is found, every other capitalised
  mention of it, possessives included, gets the same placeholder.
- Addresses: a house number and a street, in any case ("at 6 market street"); or, without
  a number (streets.py), a named street after "on", "at", "off"... where someone lives,
  Welsh streets ("Heol y Coed"), flats, plots and house names; and every part of an
  address written out after "address:" (fields.py).
- Precision is protected by bundled lists (reflect_bot/data/): theorists and models
  (Gibbs, Kolb, Schön, ...), organisations and places are never taken for names, and a
  word in the English word list (english_words.txt) is never a name by context alone, so
  "his son will be there" and "we hope he will pay the bill in May" stay as they are.
- Long texts are read in pieces of whole lines (pieces.py), so time and memory grow in
  step with the text.
- Placeholders already in the text are never touched, new numbers continue after the
  highest one present, and detection repeats until nothing new is found, so redacting
  redacted text changes nothing. A placeholder never contains or swallows a line break.

No heavy imports: the standard library, plus ``phonenumbers`` imported lazily and only for
text with a long run of digits, so `reflect-bot redact` starts at once.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reflect_bot.config import config_dir
from reflect_bot.errors import UsageError
from reflect_bot.redact import pieces as _pieces
from reflect_bot.redact.addresses import _find_address
from reflect_bot.redact.candidate import _Cand
from reflect_bot.redact.dates import _find_dob
from reflect_bot.redact.names import (
    _allowed_regions,
    _citation_regions,
    _name_candidates,
    _user_name_candidates,
)
from reflect_bot.redact.numbers import (
    _find_crn,
    _find_email,
    _find_nhs,
    _find_ni,
    _find_phone,
    _find_pnc,
    _find_postcode,
    _find_prison,
    nhs_check_ok,
    ni_prefix_ok,
    pnc_check_letter,
)
from reflect_bot.redact.tokens import _BREAK_RE, _WORD_RE, _Tok, _tokens
from reflect_bot.redact.words import (
    _STOPWORDS,
    _TITLES,
    _Vocab,
    _vocab,
)

__all__ = [
    "TYPES",
    "PLACEHOLDER_RE",
    "Span",
    "Redaction",
    "redact",
    "load_names_file",
    "user_names",
    "USER_NAMES_FILE",
    "nhs_check_ok",
    "ni_prefix_ok",
    "pnc_check_letter",
]

TYPES: tuple[str, ...] = (
    "CRN",
    "PNC",
    "PRISON_NO",
    "NI",
    "NHS",
    "PHONE",
    "EMAIL",
    "POSTCODE",
    "DOB",
    "ADDRESS",
    "NAME",
)

#: A placeholder as written by `redact` (also recognised in input, and left alone).
PLACEHOLDER_RE = re.compile(r"\[(" + "|".join(TYPES) + r")-([0-9]+)\]")

#: The user's own redaction list, one name a line, inside `config_dir()`.
USER_NAMES_FILE = "redact-names.txt"


# When two candidates overlap, the more specific kind wins (then the longer one).
_PRIORITY = {
    "EMAIL": 100,
    "CRN": 90,
    "PNC": 90,
    "PRISON_NO": 90,
    "NI": 90,
    "NHS": 85,
    "POSTCODE": 80,
    "DOB": 75,
    "PHONE": 70,
    "ADDRESS": 60,
    "NAME": 50,
}


@dataclass(frozen=True)
class Span:
    """One redacted identifier: offsets into the ORIGINAL text, its type and placeholder."""

    start: int
    end: int
    type: str
    placeholder: str


@dataclass(frozen=True)
class Redaction:
    """The redacted text and the spans that were replaced, in text order."""

    text: str
    spans: tuple[Span, ...]



# --------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------

_DETECTORS = (
    _find_email,
    _find_crn,
    _find_pnc,
    _find_prison,
    _find_ni,
    _find_nhs,
    _find_phone,
    _find_postcode,
    _find_dob,
    _find_address,
)



class _Intervals:
    """Disjoint [start, end) ranges, kept sorted, for quick "does this overlap?" checks."""

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for a, b in sorted(ranges):
            if self.ends and a < self.ends[-1]:  # merge overlapping ranges
                self.ends[-1] = max(self.ends[-1], b)
            else:
                self.starts.append(a)
                self.ends.append(b)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end)  # ranges starting before `end`
        return i > 0 and self.ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        """Add a range that overlaps none already here."""
        i = bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


def _choose(cands: list[_Cand], occupied: _Intervals) -> list[_Cand]:
    """Keep the best of overlapping candidates: more specific type, then longer, earlier.
    Chosen ones are added to `occupied`."""
    chosen: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (-_PRIORITY[c.type], -(c.end - c.start), c.start)):
        if c.end <= c.start or occupied.overlaps(c.start, c.end):
            continue
        chosen.append(c)
        occupied.add(c.start, c.end)
    return chosen


@dataclass
class _Numbering:
    """Placeholder numbers, shared across passes so one name keeps one number."""

    counters: dict[str, int] = field(default_factory=dict)
    by_key: dict[tuple[str, str], int] = field(default_factory=dict)
    name_by_key: dict[str, int] = field(default_factory=dict)
    name_by_word: dict[str, int] = field(default_factory=dict)

    def _next(self, type_: str) -> int:
        self.counters[type_] = self.counters.get(type_, 0) + 1
        return self.counters[type_]

    def number(self, c: _Cand) -> int:
        if c.type != "NAME":
            k = (c.type, c.key)
            if k not in self.by_key:
                self.by_key[k] = self._next(c.type)
            return self.by_key[k]
        words = c.tokens
        key = " ".join(words)
        if key in self.name_by_key:
            num = self.name_by_key[key]
        elif len(words) == 1 and words[0] in self.name_by_word:
            num = self.name_by_word[words[0]]
        elif len(words) > 1 and words[0] in self.name_by_key:
            num = self.name_by_key[words[0]]  # "Sarah" earlier, "Sarah Jones" now
        else:
            num = self._next("NAME")
        self.name_by_key.setdefault(key, num)
        for w in words:
            self.name_by_word.setdefault(w, num)
        return num


def _spread(
    toks: list[_Tok], chosen: list[_Cand], vocab: _Vocab, words: dict[str, bool]
) -> list[_Cand]:
    """Other mentions of the names found: "Mr Jones" makes every capitalised "Jones" a name.

    `words` holds the name words found so far in the whole text (word -> from the user's
    list, when the allowlist yields); the names in `chosen` are added to it."""
    for c in chosen:
        if c.type == "NAME":
            for w in c.spread:
                words[w] = words.get(w, False) or c.user
    out = []
    for t in toks:
        user = words.get(t.low)
        if user is None or t.low in _STOPWORDS or t.low in _TITLES or not t.name_shaped():
            continue
        if not user and (t.low in vocab.people or t.low in vocab.terms):
            continue
        kind = vocab.kind.get(t.low)
        if kind == "never" or (kind == "word" and t.first_of_sentence and not t.possessive):
            continue
        out.append(_Cand(t.start, t.end, "NAME", t.low, (t.low,), (), user))
    return out


def _one_pass(
    text: str, names: list[str], numbering: _Numbering, known: dict[str, bool]
) -> list[tuple[int, int, str, str]]:
    """Find new identifiers in `text`; return (start, end, type, placeholder) in text order."""
    vocab = _vocab()
    occupied = _Intervals((m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text))
    cands: list[_Cand] = []
    for detect in _DETECTORS:
        cands.extend(detect(text))
    toks = _tokens(text)
    allowed = _allowed_regions(toks, vocab)
    cited = _citation_regions(text, vocab)
    not_names = _Intervals(allowed + cited)
    allowed_only = _Intervals(allowed)
    for c in _name_candidates(toks, vocab):
        if (allowed_only if c.rule == "title" else not_names).overlaps(c.start, c.end):
            continue
        cands.append(c)
    cands.extend(_user_name_candidates(text, names))
    cands = [
        c
        for c in cands
        if not _BREAK_RE.search(text, c.start, c.end)
        and not (c.type == "PHONE" and c.key in vocab.public_numbers)
    ]
    chosen = _choose(cands, occupied)
    more = [
        c
        for c in _spread(toks, chosen, vocab, known)
        if c.user or not not_names.overlaps(c.start, c.end)
    ]
    chosen += _choose(more, occupied)
    chosen.sort(key=lambda c: c.start)
    return [(c.start, c.end, c.type, f"[{c.type}-{numbering.number(c)}]") for c in chosen]


def _clean_names(names: Iterable[str]) -> list[str]:
    if isinstance(names, str):
        names = [names]
    seen: dict[str, str] = {}
    for raw in names:
        name = " ".join(str(raw).split())
        if len(name) >= 2 and not _BREAK_RE.search(name):
            seen.setdefault(name.lower(), name)
    # Longer names first, so "Kyle Smith" wins over "Kyle" where both are listed.
    return sorted(seen.values(), key=len, reverse=True)


def redact(text: str, names: Iterable[str] = ()) -> Redaction:
    """Replace every identifier in `text` with a typed placeholder numbered per text.

    `names` are extra names to redact (the user's own list): whole words, any case,
    possessives kept outside the placeholder ("[NAME-1]'s"). Line breaks are never part of
    a span, so the result has exactly the lines of the input. Idempotent: placeholders
    already present are left alone and numbering continues after them.

    Time and memory grow in step with the text: it is read in pieces of whole lines (see
    `pieces.py`), sharing the numbering and the names found, so a name keeps one number
    throughout and a name first found late is still hidden where it was mentioned earlier.
    """
    if not isinstance(text, str):
        raise TypeError(f"redact() needs a str, not {type(text).__name__}")
    clean = _clean_names(names)
    numbering = _Numbering()
    for m in PLACEHOLDER_RE.finditer(text):
        type_, num = m.group(1), int(m.group(2))
        numbering.counters[type_] = max(numbering.counters.get(type_, 0), num)

    known: dict[str, bool] = {}  # name words found so far, anywhere in the text
    cuts = _pieces.split_pieces(text, _pieces.PIECE)
    blocks = [_Block(text, start, end) for start, end in cuts]
    seen_at: list[int] = []
    for block in blocks:
        block.settle(clean, numbering, known)
        seen_at.append(len(known))
    # A name found in a later piece is hidden in the earlier ones too (dicts keep their
    # order, so the words found after a piece settled are the tail of `known`).
    found_at = {w: k for k, w in enumerate(known)}
    for block, seen in zip(blocks, seen_at, strict=True):
        if seen < len(found_at) and block.mentions(found_at, seen):
            block.settle(clean, numbering, known)
    spans = [span for block in blocks for span in block.spans]
    spans.sort(key=lambda s: s.start)
    return Redaction("".join(block.current for block in blocks), tuple(spans))


class _Block:
    """One piece of the text: its redacted form so far and the spans found in it."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.offset = start
        self.current = text[start:end]
        # Pieces of `current` that are unchanged original text: (cur_start, orig_start, length).
        self.pieces: list[tuple[int, int, int]] = [(0, 0, end - start)]
        self.spans: list[Span] = []

    def mentions(self, found_at: dict[str, int], since: int) -> bool:
        """Does the piece hold a word that was found as a name at or after `since`?

        `found_at` maps each name word to the order it was found in. Looking each word of
        the piece up keeps this linear in the piece, however many names the text holds."""
        for m in _WORD_RE.finditer(self.current):
            word = m.group().lower()
            if word[-2:] in ("'s", "’s"):
                word = word[:-2]
            if found_at.get(word, -1) >= since:
                return True
        return False

    def settle(self, names: list[str], numbering: _Numbering, known: dict[str, bool]) -> None:
        """Redact until nothing new is found.

        Each pass redacts what it finds; a later pass looks again at the redacted text, so
        the result is a fixed point (redacting it again finds nothing). Every pass with
        findings shrinks the unredacted text, so this ends."""
        while True:
            found = _one_pass(self.current, names, numbering, known)
            if not found:
                return
            new_pieces: list[tuple[int, int, int]] = []
            out: list[str] = []
            pos = 0
            cursor = 0  # where current[pos] lands in the new text
            for start, end, type_, placeholder in found:
                orig_start, orig_end = _to_original(self.pieces, start, end)
                self.spans.append(
                    Span(orig_start + self.offset, orig_end + self.offset, type_, placeholder)
                )
                new_pieces.extend(_clip_pieces(self.pieces, pos, start, cursor - pos))
                out.append(self.current[pos:start])
                out.append(placeholder)
                cursor += (start - pos) + len(placeholder)
                pos = end
            new_pieces.extend(_clip_pieces(self.pieces, pos, len(self.current), cursor - pos))
            out.append(self.current[pos:])
            self.pieces = new_pieces
            self.current = "".join(out)


def _to_original(pieces: list[tuple[int, int, int]], start: int, end: int) -> tuple[int, int]:
    """Map a span of the current text (inside original text) back to the original offsets."""
    for cur, orig, length in pieces:
        if cur <= start and end <= cur + length:
            return orig + (start - cur), orig + (end - cur)
    raise AssertionError("a span crossed a placeholder")  # pragma: no cover


def _clip_pieces(
    pieces: list[tuple[int, int, int]], lo: int, hi: int, delta: int
) -> list[tuple[int, int, int]]:
    """The parts of `pieces` within [lo, hi) of the current text, moved by `delta`."""
    out = []
    for cur, orig, length in pieces:
        a, b = max(cur, lo), min(cur + length, hi)
        if a < b:
            out.append((a + delta, orig + (a - cur), b - a))
    return out


# --------------------------------------------------------------------------------------
# The user's own list
# --------------------------------------------------------------------------------------


def load_names_file(path: Path) -> list[str]:
    """Names from a file, one a line; blank lines and '#' comments are skipped."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"names file not found: {path}") from None
    except IsADirectoryError:
        raise UsageError(f"names file is a folder, not a file: {path}") from None
    except PermissionError:
        raise UsageError(f"cannot read names file (permission denied): {path}") from None
    except UnicodeDecodeError:
        raise UsageError(f"names file is not UTF-8 text: {path}") from None
    except OSError as exc:
        raise UsageError(f"cannot read names file {path}: {exc.strerror or exc}") from None
    names = []
    for line in raw.splitlines():
        name = " ".join(line.split("#", 1)[0].split())
        if name:
            names.append(name)
    return names


def user_names() -> list[str]:
    """The user's own redaction list, `config_dir()/redact-names.txt` (empty if absent)."""
    path = config_dir() / USER_NAMES_FILE
    if not path.exists():
        return []
    return load_names_file(path)
