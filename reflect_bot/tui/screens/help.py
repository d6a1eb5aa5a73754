"""F1: what the app is for, the keys, where data is stored, offline use, crisis routes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from reflect_bot import config, safety
from reflect_bot.prompts import default_prompts
from reflect_bot.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from reflect_bot.tui.app import ReflectApp

HELP_FILE = Path(__file__).resolve().parents[1] / "help.md"


def help_markdown(organisation: safety.Organisation | None = None) -> str:
    return HELP_FILE.read_text(encoding="utf-8").format(
        data_dir=config.data_dir(),
        config_dir=config.config_dir(),
        cache_dir=config.cache_dir(),
        crisis_routes=safety.routes_markdown(default_prompts().safety,
                                             organisation or safety.Organisation()),
    )


class HelpScreen(ModalScreen):
    if TYPE_CHECKING:
        app: ReflectApp  # the type checker sees this app's own attributes

    BINDINGS = [
        Binding("escape,f1,q", "app.pop_screen", "Close help", id="help-close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(help_markdown(self.app.settings.organisation()), id="help-text")
        yield KeyFooter()
