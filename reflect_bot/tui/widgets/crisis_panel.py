"""The crisis routes, at the top of the screen, in words, until the practitioner closes it.

Compact, so that every route (999, Samaritans, Shout, NHS 111, employee support, a manager)
is in view at once even at 80x24; F1 Help gives each route's details.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

if TYPE_CHECKING:
    from reflect_bot.tui.app import ReflectApp

LABEL = "CRISIS SUPPORT: people you can talk to now"


class CrisisPanel(VerticalScroll):
    """Hidden until `show()`; stays when the conversation moves on, until dismissed."""

    if TYPE_CHECKING:
        app: ReflectApp  # the type checker sees this app's own attributes


    class Dismissed(Message):
        """The practitioner closed the panel."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="crisis-top"):
            yield Static(LABEL, id="crisis-label")
            yield Button("Close (ctrl+r)", id="crisis-dismiss", variant="warning", compact=True)
        # the routes (#crisis-routes) are mounted at the first `show`: the panel starts
        # hidden, and Textual's Markdown is slow to import for the first frame

    def show(self, kind: str) -> None:
        """Show the routes for a crisis of this kind ("self" or "danger")."""
        from textual.widgets import Markdown

        from reflect_bot import safety
        from reflect_bot.prompts import default_prompts

        routes = safety.banner(kind, default_prompts().safety,  # type: ignore[arg-type]
                               self.app.settings.organisation(), compact=True)
        shown = self.query("#crisis-routes")
        if shown:
            shown.first(Markdown).update(routes)
        else:
            self.mount(Markdown(routes, id="crisis-routes"))
        self.add_class("-visible")
        self.scroll_home(animate=False)

    @property
    def shown(self) -> bool:
        """Whether the routes are showing (not Textual's `visible`, which this must not hide:
        Textual reads that for focus and mouse hits)."""
        return self.has_class("-visible")

    def dismiss(self) -> None:
        if self.shown:
            self.remove_class("-visible")
            self.post_message(self.Dismissed())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "crisis-dismiss":
            event.stop()
            self.dismiss()
