"""Words of a text with what the name rules need: case, possessive, sentence start, gap."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# Every character str.splitlines() treats as a line boundary: a span never contains one,
# so redaction can never change the number of lines, however the caller counts them.
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK_RE = re.compile("[" + re.escape(_BREAKS) + "]")

_WORD_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*")
_SENTENCE_END = set(".!?:;•*-–—|>#")
_OPENERS = " \t\"'“”‘’([{"


@dataclass
class _Tok:
    start: int
    end: int  # end of the name itself (a possessive 's is left out)
    core: str
    low: str
    possessive: bool
    gap: str  # the text between the previous word and this one
    first_of_sentence: bool
    caps_line: bool  # the line has no lower-case letters at all
    tail: str = ""  # the last word only: the text after it ("'Tiger'" ends in a quote)

    @property
    def is_initial(self) -> bool:
        return len(self.core) == 1 and self.core.isupper()

    def name_shaped(self, allow_caps: bool = False) -> bool:
        c = self.core
        if len(c) < 2 or not c[0].isupper():
            return False
        if any(ch.islower() for ch in c[1:]):
            return True
        return (allow_caps or self.caps_line) and c.isupper()


def _tokens(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    prev_end = 0
    # Line starts, and whether each line is all capitals ("MET KYLE SMITH").
    line_starts = [0] + [m.end() for m in _BREAK_RE.finditer(text)]
    line_caps = [
        not any(ch.islower() for ch in text[a:b])
        for a, b in zip(line_starts, line_starts[1:] + [len(text)], strict=True)
    ]
    for m in _WORD_RE.finditer(text):
        word = m.group()
        start, end = m.start(), m.end()
        possessive = False
        if len(word) > 3 and word[-2] in "'’" and word[-1] in "sS":
            word, end, possessive = word[:-2], end - 2, True
        gap = text[prev_end:start]
        stripped = gap.strip(_OPENERS)
        broken = bool(_BREAK_RE.search(gap))
        first = not toks or broken or (bool(stripped) and stripped[-1] in _SENTENCE_END)
        caps = line_caps[bisect_right(line_starts, start) - 1]
        toks.append(_Tok(start, end, word, word.lower(), possessive, gap, first, caps))
        prev_end = m.end()
    if toks:
        toks[-1].tail = text[prev_end:]
    return toks


def _joined(prev: _Tok, cur: _Tok, *, comma: bool = False) -> bool:
    """Are two words adjacent parts of one name ("Sarah Jones", "J. Smith")?"""
    if prev.possessive:
        return False
    gap = cur.gap
    if prev.is_initial and gap.startswith("."):
        gap = gap[1:]
    if comma and gap.startswith(","):
        gap = gap[1:]
    return 0 < len(gap) <= 3 and not gap.strip(" \t")
