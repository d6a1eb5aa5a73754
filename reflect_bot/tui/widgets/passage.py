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


def passage_text(passage: Passage, query_words: Iterable[str] = ()) -> Text:
    out = Text()
    out.append(passage.title, style="bold")
    out.append(f"\n{passage.topic}", style="italic")
    out.append("\n\n")
    out.append_text(highlight(passage.text, query_words))
    out.append("\n\nSources", style="bold")
    for source in passage.sources:
        out.append(f"\n• {source.author_or_publisher} ({source.year}). {source.title}. ")
        out.append(source.url, style="underline")
    return out


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'‘“(])")


def presenter_text(passage: Passage, query_words: Iterable[str] = ()) -> Text:
    """For a room: the title as written (acronyms such as ACEs kept), then one sentence to
    a paragraph so each can be read from the back, and the sources small at the end."""
    words = list(query_words)
    out = Text()
    out.append(passage.title, style="bold underline")
    out.append(f"\n{passage.topic}", style="italic")
    for sentence in _SENTENCE_END.split(passage.text.strip()):
        out.append("\n\n")
        out.append_text(highlight(sentence, words))
    out.append("\n\n")
    for source in passage.sources:
        out.append(f"\n{source.author_or_publisher} ({source.year}). {source.title}.",
                   style="dim")
    return out


class PassageView(Static):
    """Shows one passage; empty until asked."""

    def show(self, passage: Passage, query_words: Iterable[str] = ()) -> None:
        self.passage = passage
        self.update(passage_text(passage, query_words))
