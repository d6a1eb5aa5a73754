"""A yes/no question before something that cannot be undone."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from reflect_bot.tui.widgets.key_footer import KeyFooter
from reflect_bot.tui.widgets.literal import literal


class ConfirmDialog(ModalScreen[bool]):
    """Dismisses with True only when the practitioner chooses the action; No is the default."""

    BINDINGS = [
        Binding("escape,n", "choose(False)", "Cancel", id="confirm-no"),
        Binding("y", "choose(True)", "Yes", id="confirm-yes"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "Cancel") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-dialog"):
            yield Static(literal(self.question), id="confirm-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.no, id="confirm-no")
                yield Button(self.yes, id="confirm-yes", variant="error")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_choose(self, answer: bool) -> None:
        self.dismiss(answer)


class QuitDialog(ConfirmDialog):
    """Before quitting with work that would be lost: says what, and ctrl+q again quits."""

    def __init__(self, unsaved: list[str]) -> None:
        what = "; ".join(unsaved)
        super().__init__(
            f"Quit reflect-bot? {what[:1].upper()}{what[1:]}, and it will be gone if you quit "
            "now. (Press ctrl+q again to quit anyway.)",
            yes="Quit without saving", no="Stay",
        )
