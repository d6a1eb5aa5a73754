"""One line that says the guidance is still loading (or could not be), hidden once ready."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

LOADING = "Loading the guidance and the search model… you can start typing now."
CORPUS = "Guidance loaded; loading the search model… you can start typing now."


class EngineStatus(Static):
    """Follows `app.engine_state`: loading -> corpus -> ready (hidden) | failed."""

    def on_mount(self) -> None:
        self.add_class("engine-status")
        self.watch(self.app, "engine_state", self.show)

    def show(self, state: str) -> None:
        if state == "failed":
            self.update(Text(f"The guidance could not be loaded: {self.app.engine_error}"))
        else:
            self.update(LOADING if state == "loading" else CORPUS)
        self.set_class(state in ("loading", "corpus"), "-loading")
        self.display = state != "ready"
