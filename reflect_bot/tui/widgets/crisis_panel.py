"""The crisis routes, at the top of the screen, in words, until the practitioner closes it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Markdown, Static

LABEL = "CRISIS SUPPORT: people you can talk to now"


class CrisisPanel(VerticalScroll):
    """Hidden until `show()`; stays when the conversation moves on, until dismissed."""

    class Dismissed(Message):
        """The practitioner closed the panel."""

    def compose(self) -> ComposeResult:
        yield Static(LABEL, id="crisis-label")
        yield Markdown("", id="crisis-routes")
        with Horizontal(id="crisis-buttons"):
            yield Button("Close crisis support (ctrl+r)", id="crisis-dismiss", variant="warning",
                         compact=True)

    def show(self, banner_markdown: str) -> None:
        self.query_one("#crisis-routes", Markdown).update(banner_markdown)
        self.add_class("-visible")
        self.scroll_home(animate=False)

    @property
    def visible(self) -> bool:
        return self.has_class("-visible")

    def dismiss(self) -> None:
        if self.visible:
            self.remove_class("-visible")
            self.post_message(self.Dismissed())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "crisis-dismiss":
            event.stop()
            self.dismiss()
