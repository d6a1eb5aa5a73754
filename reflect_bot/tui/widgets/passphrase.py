"""Asks for the journal's passphrase (never echoed); a wrong one is said plainly."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from reflect_bot.tui.widgets.key_footer import KeyFooter
from reflect_bot.tui.widgets.literal import literal


class PassphraseDialog(ModalScreen[str | None]):
    """Dismisses with the passphrase typed, or None if the practitioner cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="passphrase-cancel")]

    def __init__(self, problem: str = "") -> None:
        super().__init__()
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="passphrase-dialog"):
            yield Static("Your journal is protected by a passphrase. Type it to open the journal.")
            if self.problem:
                yield Static(literal(self.problem), id="passphrase-problem")
            yield Input(password=True, placeholder="Passphrase", id="passphrase-input")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="passphrase-cancel")
                yield Button("Open journal", id="passphrase-ok", variant="primary")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#passphrase-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "passphrase-ok":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        value = self.query_one("#passphrase-input", Input).value
        if value:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
