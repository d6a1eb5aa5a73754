"""Where to write a Markdown export (and, for the journal, one entry or all of them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from reflect_bot.tui.widgets.key_footer import KeyFooter
from reflect_bot.tui.widgets.literal import clean


@dataclass(frozen=True)
class ExportChoice:
    path: Path
    what: str  # the key of the button pressed (see ExportDialog's `choices`)
    replace: bool = False  # the file exists and the practitioner said to replace it


def default_export_path(stem: str = "reflect-bot-journal", today: date | None = None) -> Path:
    """A file in the home folder named by date (the dialog shows it before anything is
    written, and the practitioner can change it)."""
    today = today or date.today()
    return Path.home() / f"{stem}-{today:%Y-%m-%d}.md"


class ExportDialog(ModalScreen[ExportChoice | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export-cancel")]

    def __init__(self, choices: dict[str, str], default: Path, intro: str) -> None:
        """`choices`: button key -> label, the first one the default (Enter in the path)."""
        super().__init__()
        self.choices = choices
        self.default = default
        self.intro = intro

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Static(self.intro)
            yield Input(str(self.default), id="export-path")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="export-cancel")
                for i, (key, label) in enumerate(self.choices.items()):
                    yield Button(label, id=f"export-{key}",
                                 variant="primary" if i == 0 else "default")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._choose(next(iter(self.choices)))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export-cancel":
            self.dismiss(None)
        else:
            self._choose(str(event.button.id).removeprefix("export-"))

    def _choose(self, what: str) -> None:
        from reflect_bot.files import OutputError, TargetExists, check_destination
        from reflect_bot.tui.widgets.confirm import ConfirmDialog

        raw = clean(self.query_one("#export-path", Input).value).strip()
        if not raw:
            self.notify("Type where the file should go.", severity="warning")
            return
        path = Path(raw).expanduser()
        try:  # the same rules as the command line; a file already there is asked about
            check_destination(path)
        except TargetExists:
            def answered(replace: bool | None) -> None:
                if replace:
                    self.dismiss(ExportChoice(path, what, replace=True))

            self.app.push_screen(
                ConfirmDialog(f"{path} already exists. Replace it?", yes="Replace"), answered
            )
            return
        except OutputError as exc:
            self.notify(str(exc), severity="error")
            return
        self.dismiss(ExportChoice(path, what))

    def action_cancel(self) -> None:
        self.dismiss(None)
