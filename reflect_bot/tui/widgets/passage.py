"""A passage in full: title, topic, text (query words highlighted) and sources."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.text import Text
from textual.widgets import Static

from reflect_bot.corpus import Passage
from reflect_bot.lexical import tokens

_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
HIGHLIGHT = "bold reverse"


def highlight(text: str, query_words: Iterable[str]) -> Text:
    """`text` as literal Rich Text, with every word sharing a stem with the query marked."""
    result = Text(text)
    stems = set(tokens(" ".join(query_words)))
    if not stems:
        return result
    for match in _WORD.finditer(text):
        found = tokens(match.group())
        if found and found[0] in stems:
            result.stylize(HIGHLIGHT, match.start(), match.end())
    return result


def passage_text(
    passage: Passage, query_words: Iterable[str] = (), *, presenter: bool = False
) -> Text:
    words = list(query_words)
    gap = "\n\n" if presenter else "\n"
    out = Text()
    out.append(passage.title.upper() if presenter else passage.title, style="bold")
    out.append(f"{gap}{passage.topic}", style="italic")
    out.append("\n\n")
    out.append_text(highlight(passage.text, words))
    out.append("\n\nSources", style="bold")
    for source in passage.sources:
        out.append(f"\n• {source.author_or_publisher} ({source.year}). {source.title}. ")
        out.append(source.url, style="underline")
    return out


class PassageView(Static):
    """Shows one passage; empty until asked."""

    def show(self, passage: Passage, query_words: Iterable[str] = ()) -> None:
        self.passage = passage
        self.update(passage_text(passage, query_words))
