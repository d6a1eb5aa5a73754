"""The guidance by area, topic and passage, one level at a time.

A tree cannot wrap its labels, so at 80 columns topic names were cut ("Threat responses:
fight, f"); here each level is a list whose entries wrap. Enter opens an area or a topic;
the first entry (or Backspace) goes back up a level.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reflect_bot.corpus import Corpus, area_title


class TopicList(OptionList):
    BINDINGS = [Binding("backspace", "up", "Up a level", id="topics-up", show=False)]

    @dataclass
    class PassageChosen(Message):
        """A passage was highlighted (`selected` False) or chosen with Enter."""

        passage_id: str
        selected: bool

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.corpus: Corpus | None = None
        self.area: str | None = None  # where we are: None (all areas), an area, or a topic
        self.topic: str | None = None

    def fill(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.show_areas()

    def areas(self) -> list[str]:
        assert self.corpus is not None
        return sorted({t.area for t in self.corpus.topics.values()}, key=area_title)

    def show_areas(self) -> None:
        self.area = self.topic = None
        self._show([Option(Text(area_title(a), style="bold"), id=f"area:{a}")
                    for a in self.areas()])

    def show_topics(self, area: str) -> None:
        assert self.corpus is not None
        self.area, self.topic = area, None
        topics = sorted((t for t in self.corpus.topics.values() if t.area == area),
                        key=lambda t: t.title)
        self._show([Option(Text("‹ All areas", style="italic"), id="up"),
                    *(Option(t.title, id=f"topic:{t.id}") for t in topics)])

    def show_passages(self, topic_id: str) -> None:
        assert self.corpus is not None
        topic = self.corpus.topics[topic_id]
        self.area, self.topic = topic.area, topic_id
        self._show([Option(Text(f"‹ {area_title(topic.area)}", style="italic"), id="up"),
                    Option(Text(topic.title, style="bold"), disabled=True),
                    *(Option(self.corpus.get(pid).title, id=f"passage:{pid}")
                      for pid in topic.passage_ids)])

    def _show(self, options: list[Option]) -> None:
        self.clear_options()
        self.add_options(options)
        # the first entry to open or read (not "‹ back" nor a heading)
        self.highlighted = next(
            (i for i, o in enumerate(options) if o.id != "up" and not o.disabled), 0
        )

    def action_up(self) -> None:
        if self.topic is not None and self.area is not None:
            self.show_topics(self.area)
        elif self.area is not None:
            self.show_areas()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        kind, _, value = (event.option.id or "").partition(":")
        if kind == "up":
            self.action_up()
        elif kind == "area":
            self.show_topics(value)
        elif kind == "topic":
            self.show_passages(value)
        elif kind == "passage":
            self.post_message(self.PassageChosen(value, selected=True))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        kind, _, value = (event.option.id or "").partition(":")
        if kind == "passage":
            self.post_message(self.PassageChosen(value, selected=False))
