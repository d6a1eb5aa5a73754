"""A cited passage in full: title, topic, text and sources, over the current screen."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

from reflect_bot.corpus import Passage
from reflect_bot.tui.widgets.key_footer import KeyFooter
from reflect_bot.tui.widgets.passage import PassageView


class PassageDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "app.pop_screen", "Close", id="passage-close")]

    def __init__(self, passage: Passage, marker: int | None = None) -> None:
        super().__init__()
        self.passage = passage
        self.marker = marker

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="passage-dialog-body") as body:
            if self.marker is not None:
                body.border_title = Text(f"Source [{self.marker}]")
            yield PassageView(id="passage-dialog-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(PassageView).show(self.passage)
        self.query_one("#passage-dialog-body").focus()
