"""A reply as plain data, and the interface anything that writes replies offers.

The shape of every reply, in order: the crisis routes when they are needed; an
acknowledgement that fits what was said; routes for a hard moment (a death, abuse aimed at
the practitioner); points from the guidance, each quoted exactly from a passage's key points
with a citation marker; reflective questions; the sources; a closing line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from reflect_bot.corpus import Passage, passage_json
from reflect_bot.prompts import Prompts, Stage


@dataclass(frozen=True)
class Point:
    """One piece of guidance: `text` is copied exactly from passage `passage_id`."""

    text: str
    passage_id: str
    marker: int


@dataclass(frozen=True)
class Cited:
    """A passage behind a citation marker, with the search score it was found with."""

    marker: int
    passage: Passage
    score: float | None = None

    def source_line(self) -> str:
        return f"[{self.marker}] {self.passage.reference()}"


@dataclass(frozen=True)
class Reply:
    """One reply, as plain data. Render with `to_text()`, `to_markdown()` or `to_json()`.

    `crisis` is True when the crisis routes lead the reply (`banner_text`/`banner_markdown`).
    `grounded` is False when nothing in the guidance fitted and `note` says so.
    """

    acknowledgement: str
    points: tuple[Point, ...] = ()
    questions: tuple[str, ...] = ()
    cited: tuple[Cited, ...] = ()
    crisis: bool = False
    crisis_kind: str | None = None
    banner_text: str = ""
    banner_markdown: str = ""
    grounded: bool = True
    note: str = ""
    sign_off: str = ""
    # routes for a hard moment that is not an emergency (a death, abuse aimed at you)
    support_text: str = ""
    support_markdown: str = ""
    kind: str = ""  # the kind of message this answers (reply/understand.py)
    # guidance, questions, sources: from prompts/replies.yaml (filled in by the composer)
    headings: tuple[str, str, str] = ("", "", "")

    @property
    def passage_ids(self) -> tuple[str, ...]:
        return tuple(c.passage.id for c in self.cited)

    def to_text(self, *, banner: bool = True) -> str:
        """Plain text for the terminal (no Markdown markup). `banner` False leaves out the
        crisis routes, for a caller that has already shown them (before the model loaded)."""
        return self._render(markdown=False, banner=banner)

    def to_markdown(self, *, banner: bool = True) -> str:
        """Markdown for the app, which renders it."""
        return self._render(markdown=True, banner=banner)

    def to_json(self) -> dict[str, Any]:
        """The object `reflect-bot ask --json` prints."""
        return {
            "reply": self.to_text(),
            "acknowledgement": self.acknowledgement,
            "points": [{"text": p.text, "passage_id": p.passage_id} for p in self.points],
            "questions": list(self.questions),
            "passages": [passage_json(c.passage, c.score) for c in self.cited],
            "crisis": self.crisis,
            "grounded": self.grounded,
            "kind": self.kind,
            "support": self.support_text,
        }

    def _render(self, *, markdown: bool, banner: bool) -> str:
        guidance, questions, sources = self.headings
        head = (lambda s: f"**{s}**") if markdown else (lambda s: s)
        blocks: list[str] = []
        crisis = self.banner_markdown if markdown else self.banner_text
        if crisis and banner:
            blocks.append(crisis)
        if self.acknowledgement:
            blocks.append(self.acknowledgement)
        if self.note:
            blocks.append(self.note)
        support = self.support_markdown if markdown else self.support_text
        if support:
            blocks.append(support)
        if self.points:
            lines = [head(guidance)]
            lines += [f"- {p.text} [{p.marker}]" for p in self.points]
            blocks.append("\n".join(lines))
        if self.questions:
            blocks.append("\n".join([head(questions), *(f"- {q}" for q in self.questions)]))
        if self.cited:
            lines = [head(sources)]
            lines += [c.source_line() for c in self.cited]
            blocks.append(("  \n" if markdown else "\n").join(lines))
        if self.sign_off:
            blocks.append(self.sign_off)
        return "\n\n".join(blocks) + "\n"


@dataclass(frozen=True)
class Turn:
    """A practitioner's message and the reply it got."""

    message: str
    reply: Reply


@dataclass(frozen=True)
class Focus:
    """Steers a reply inside a guided reflection.

    `stage` is the current stage; `context` is what was said at earlier stages (searched
    with the answer when the stage looks at everything so far); `guidance` False means the
    stage only listens; `questions` False leaves questions to the next stage's prompt.
    """

    stage: Stage | None = None
    context: tuple[str, ...] = ()
    guidance: bool = True
    questions: bool = True


class Composer(Protocol):
    """Anything that can answer a practitioner. The app, the CLI and guided reflection use
    only this, so another implementation (a local generative model, say) can replace
    `RetrievalComposer` without touching them."""

    prompts: Prompts

    def compose(
        self, message: str, history: Sequence[Turn] = (), *, focus: Focus | None = None
    ) -> Reply:
        """The reply to `message`, given the conversation so far. Deterministic."""
        ...

    def stage_questions(
        self, stage: Stage, said: Sequence[str] = (), k: int = 3
    ) -> tuple[str, ...]:
        """Up to `k` of a stage's questions that best fit what has been said so far."""
        ...


class Conversation:
    """The turns of one conversation, in memory only (nothing is ever written to disk)."""

    def __init__(self, composer: Composer) -> None:
        self.composer = composer
        self.turns: list[Turn] = []

    def send(self, message: str, *, focus: Focus | None = None) -> Reply:
        """Reply to `message` and remember the turn."""
        reply = self.composer.compose(message, tuple(self.turns), focus=focus)
        self.turns.append(Turn(message, reply))
        return reply
