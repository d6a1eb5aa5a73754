"""A possible identifier found by one detector, and small helpers detectors share."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reflect_bot.redact.tokens import _BREAK_RE


@dataclass
class _Cand:
    start: int
    end: int
    type: str
    key: str  # what makes two mentions "the same" (numbering)
    tokens: tuple[str, ...] = ()  # NAME only: lower-case name words, initials left out
    spread: tuple[str, ...] = ()  # NAME only: words whose other mentions get redacted too
    user: bool = False  # NAME from the user's own list: the allowlist yields to it
    rule: str = ""  # NAME only: which rule found it (titles outrank citations)


def _horizontal_prefix(text: str, pos: int, width: int) -> str:
    """Up to `width` characters before `pos`, stopping at a line break."""
    chunk = text[max(0, pos - width) : pos]
    cut = max((m.end() for m in _BREAK_RE.finditer(chunk)), default=0)
    return chunk[cut:]


def _horizontal_suffix(text: str, pos: int, width: int) -> str:
    chunk = text[pos : pos + width]
    m = _BREAK_RE.search(chunk)
    return chunk[: m.start()] if m else chunk


def _alnum(s: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", s).upper()
