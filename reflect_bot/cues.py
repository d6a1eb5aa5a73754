"""Cue words from prompts/: lowercase words or phrases matched whole; a trailing * matches
any ending ("frustrat*" finds frustrated, frustrating, frustration)."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=4096)
def cue_regex(cue: str) -> re.Pattern[str]:
    if cue.endswith("*"):
        return re.compile(r"(?<![\w'])" + re.escape(cue[:-1]) + r"[\w'-]*")
    return re.compile(r"(?<![\w'])" + re.escape(cue) + r"(?![\w'])")


def mentions(text: str, cues: tuple[str, ...] | list[str]) -> bool:
    """Does lowercased `text` contain any of `cues`?"""
    return any(cue_regex(c).search(text) for c in cues)
