"""One line that says how loading is going (or that it failed), hidden once ready.

Every screen says the same thing in the same words (`status_text`), and a message sent
meanwhile is described as queued until then (chat_message.PendingMessage), so the two agree.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from reflect_bot.tui.engine import Engine, EngineState

if TYPE_CHECKING:
    from reflect_bot.tui.app import ReflectApp

TYPE_ON = " You can type now: anything you send is answered as soon as it is ready."
BUILD_SECONDS = "about 30-40 s"  # the shipped corpus on two cores (README, Benchmarks)


def status_text(engine: Engine) -> str:
    """Where loading has got to: loading -> corpus -> indexing (first run) -> replies."""
    state = engine.state
    if state is EngineState.FAILED:
        return f"The guidance could not be loaded: {engine.error}"
    if state is EngineState.INDEXING:
        done, total = engine.index_progress
        percent = 100 * done // total if total else 0
        left = ""
        if done and total and engine.index_started is not None:
            # a busy machine is slower than the usual figure: say what this one is doing
            seconds = (time.monotonic() - engine.index_started) * (total - done) / done
            left = f", about {seconds / 60:.0f} min left" if seconds >= 90 else (
                f", about {max(5, round(seconds / 5) * 5):.0f} s left")
        return (f"Building the guidance index (first run, {BUILD_SECONDS}): "
                f"{percent}% done{left}…")
    if state is EngineState.REPLIES:
        return ("Getting replies ready (first run: this can take a few minutes)…"
                if engine.first_run else "Getting replies ready…")
    if state is EngineState.CORPUS:
        return "Guidance loaded; loading the search model…"
    return "Loading the guidance…"


class EngineStatus(Static):
    """Follows `app.engine_state` and `app.index_progress`; hidden once ready."""

    if TYPE_CHECKING:
        app: ReflectApp  # the type checker sees this app's own attributes

    def on_mount(self) -> None:
        self.add_class("engine-status")
        self.watch(self.app, "engine_state", self.show)
        self.watch(self.app, "index_progress", lambda _: self.show(self.app.engine.state),
                   init=False)

    def show(self, state: EngineState) -> None:
        text = status_text(self.app.engine)
        failed = state is EngineState.FAILED
        self.update(Text(text if failed else text + TYPE_ON))
        self.set_class(not state.settled, "-loading")
        self.display = state is not EngineState.READY
