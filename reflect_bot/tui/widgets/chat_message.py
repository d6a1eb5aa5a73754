"""The turns of a conversation as they appear on screen."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Markdown, Static

from reflect_bot.tui.widgets.literal import literal


class PractitionerMessage(Static):
    """What the practitioner wrote, shown exactly as typed (never as markup)."""

    def __init__(self, text: str) -> None:
        body = Text.assemble(("You\n", "bold"))
        body.append_text(literal(text))
        super().__init__(body, classes="message -practitioner")
        self.text = text


class ReplyMessage(Markdown):
    """A reply, rendered from the Markdown the composer wrote (no markup strings)."""

    def __init__(self, markdown: str) -> None:
        super().__init__(markdown, classes="message -reply")
        self.markdown_text = markdown


class PendingMessage(Static):
    """Stands in for a reply while it is being written (or waiting for the model)."""

    def __init__(self, waiting_for_model: bool) -> None:
        super().__init__(classes="message -pending")
        self.set_waiting(waiting_for_model)

    def set_waiting(self, waiting_for_model: bool) -> None:
        self.update(
            "Queued: this is answered as soon as reflect-bot is ready (the line at the top "
            "says how far it has got). Escape stops it."
            if waiting_for_model
            else "Thinking it through… (Escape stops it)"
        )
