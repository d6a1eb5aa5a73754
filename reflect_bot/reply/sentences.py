"""Sentences of guidance that has no key points (Markdown or text a user adds): the spans
that could be quoted as a point, each an exact slice of its passage."""

from __future__ import annotations

import re

from reflect_bot.corpus import LEANING_OPENERS

SHORT_SENTENCE = 10  # words: a sentence this short takes the next one with it
MAX_PAIR = 45  # words: two sentences together stay a short point


_ABBREVIATIONS = frozenset(
    "e.g i.e etc dr mr mrs ms st no vs cf p pp ch vol ed eds approx fig al".split()
)
_BOUNDARY = re.compile(r"[.!?]+[\"')\u201d\u2019\]]*(?=\s+[\"'(\[\u201c\u2018]?[A-Z0-9])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, so a point is an exact slice of its passage."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        word = re.search(r"([\w.]+)$", text[start : m.start()])
        if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS and m.group()[0] == ".":
            continue
        end = m.end()
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = end
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    # a paragraph break inside a span (local Markdown guidance) ends a sentence too
    out: list[tuple[int, int]] = []
    for s, e in spans:
        pieces = [m.span() for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text[s:e])]
        out += [_trim(text, s + a, s + b) for a, b in pieces if text[s + a : s + b].strip()]
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _words(text: str) -> int:
    return len(text.split())


# A sentence opening with one of these leans on the one before ("This means...", "The
# first is..."), so on its own it would read oddly: it is offered together with that one.
_LEANS_BACK = re.compile(
    r"^(?:this|that|these|those|it|its|they|them|their|such|both|also|so|but|and|or|then|"
    r"here|there|instead|otherwise|however|again|yet|he|she|his|her|the\s+(?:first|second|"
    r"third|fourth|last|other|same|latter|former)|another|each|neither|either|in\s+other\s+words|"
    r"of\s+(?:these|those|them)|as\s+a\s+result|for\s+this\s+reason|even\s+so)\b",
    re.IGNORECASE,
)


def candidate_spans(text: str) -> list[tuple[int, int]]:
    """Spans that could be a point: one sentence that stands on its own, or two together
    (a very short one with the next; one that leans on the one before, with that one)."""
    sentences = sentence_spans(text)
    spans: set[tuple[int, int]] = set()

    def joinable(i: int) -> bool:
        (s1, e1), (s2, e2) = sentences[i], sentences[i + 1]
        return "\n\n" not in text[e1:s2] and _words(text[s1:e2]) <= MAX_PAIR

    for i, (s, e) in enumerate(sentences):
        n = _words(text[s:e])
        if text[s:e].rstrip("\"')\u201d\u2019").endswith("?"):
            continue  # a question in the guidance is not guidance on its own
        leans = bool(_LEANS_BACK.match(text[s:e]))
        if leans:
            if i > 0 and joinable(i - 1) and not _LEANS_BACK.match(text[slice(*sentences[i - 1])]):
                spans.add((sentences[i - 1][0], e))
            continue
        if n < SHORT_SENTENCE:
            if i + 1 < len(sentences) and joinable(i):
                spans.add((s, sentences[i + 1][1]))
            continue
        spans.add((s, e))
    return sorted(spans)


def quotable_spans(text: str) -> list[tuple[int, int]]:
    """Candidate spans that read as a point on their own: not leaning on what came before,
    a statement, quotation marks and brackets closed, at most MAX_PAIR words."""
    out = []
    for s, e in candidate_spans(text):
        span = text[s:e]
        if (
            LEANING_OPENERS.match(span)
            or len(span.split()) > MAX_PAIR
            or span.rstrip("\"')\u201d\u2019").endswith("?")
            or span.count('"') % 2
            or span.count("(") != span.count(")")
            or span.count("\u201c") != span.count("\u201d")
        ):
            continue
        out.append((s, e))
    return out
