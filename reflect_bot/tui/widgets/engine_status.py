"""One line that says how loading is going (or that it failed), hidden once ready.

Every screen says the same thing in the same words (`status_text`), and a message sent
meanwhile is described as queued until then (chat_message.PendingMessage), so the two agree.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import App
from textual.widgets import Static

TYPE_ON = " You can type now: anything you send is answered as soon as it is ready."
BUILD_SECONDS = "about 30-40 s"  # the shipped corpus on two cores (README, Benchmarks)


def status_text(app: App) -> str:
    """Where loading has got to: loading -> corpus -> indexing (first run) -> replies."""
    state = app.engine_state
    if state == "failed":
        return f"The guidance could not be loaded: {app.engine_error}"
    if state == "indexing":
        done, total = app.index_progress
        percent = 100 * done // total if total else 0
        left = ""
        if done and total and app.index_started is not None:
            # a busy machine is slower than the usual figure: say what this one is doing
            seconds = (time.monotonic() - app.index_started) * (total - done) / done
            left = f", about {seconds / 60:.0f} min left" if seconds >= 90 else (
                f", about {max(5, round(seconds / 5) * 5):.0f} s left")
        return (f"Building the guidance index (first run, {BUILD_SECONDS}): "
                f"{percent}% done{left}…")
    if state == "replies":
        return ("Getting replies ready (first run: this can take a few minutes)…"
                if app.first_run else "Getting replies ready…")
    if state == "corpus":
        return "Guidance loaded; loading the search model…"
    return "Loading the guidance…"


class EngineStatus(Static):
    """Follows `app.engine_state` and `app.index_progress`; hidden once ready."""

    def on_mount(self) -> None:
        self.add_class("engine-status")
        self.watch(self.app, "engine_state", self.show)
        self.watch(self.app, "index_progress", lambda _: self.show(self.app.engine_state),
                   init=False)

    def show(self, state: str) -> None:
        text = status_text(self.app)
        self.update(Text(text if state == "failed" else text + TYPE_ON))
        self.set_class(state not in ("ready", "failed"), "-loading")
        self.display = state != "ready"
