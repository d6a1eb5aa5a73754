"""Where to cut a long text so that redaction works on bounded pieces.

Redaction looks at most one line around an identifier, so cutting at line breaks loses
nothing; `reflect_bot.redact` carries the numbering and the names found from piece to
piece. A single line longer than a piece is cut after a sentence if there is one near
the limit, else at a space, else (a run with no space at all) at the limit itself.
"""

from __future__ import annotations

import re

#: About how many characters one piece holds.
PIECE = 16_384
# How far back from the limit to look for a line break, then a sentence end or a space.
_LOOK_BACK = PIECE // 2

_BREAK_RE = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_SENTENCE_RE = re.compile(r"[.!?][ \t]+")
_SPACE_RE = re.compile(r"[ \t]+")


def _last_end(rx: re.Pattern[str], text: str, lo: int, hi: int) -> int | None:
    last = None
    for m in rx.finditer(text, lo, hi):
        last = m.end()
    return last


def split_pieces(text: str, size: int = PIECE) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces covering `text`, each about `size` long."""
    out: list[tuple[int, int]] = []
    start, n = 0, len(text)
    look = min(_LOOK_BACK, size // 2)
    while n - start > size:
        hi = start + size
        lo = hi - look
        cut = None
        for rx in (_BREAK_RE, _SENTENCE_RE, _SPACE_RE):
            cut = _last_end(rx, text, lo, hi)
            if cut is not None and cut > start:
                break
        if cut is None or cut <= start:
            cut = hi
        if text[cut - 1] == "\r" and cut < n and text[cut] == "\n":
            cut += 1  # never between the two halves of a CRLF
        out.append((start, cut))
        start = cut
    out.append((start, n))
    return out
