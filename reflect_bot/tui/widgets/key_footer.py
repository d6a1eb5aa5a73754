"""The key bar at the foot of every screen.

Textual's Footer keeps every key on one row and cuts off what does not fit: at 80 columns
that was everything after F2, Quit included. On a narrow screen (the app's `-narrow`
breakpoint) this one wraps the keys into rows instead, so every key can be read.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer

NARROW_COLUMNS = 5


class KeyFooter(Footer):
    def compose(self) -> ComposeResult:
        yield from super().compose()
        keys = int(self.styles.grid_size_columns or 0)
        if self.screen.has_class("-narrow") and keys > NARROW_COLUMNS:
            self.styles.grid_size_columns = NARROW_COLUMNS
            self.styles.height = -(-keys // NARROW_COLUMNS)
        else:
            self.styles.height = 1

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.recompose)
