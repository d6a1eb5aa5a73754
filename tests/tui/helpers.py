"""Helpers for the Pilot tests."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot

SIZE = (120, 40)


async def wait_for(pilot: Pilot, condition: Callable[[], object], timeout: float = 30.0) -> None:
    """Let the app run until `condition()` is true (workers finish in their own time)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {condition}")
        await pilot.pause(0.05)
    await pilot.pause()


async def send(pilot: Pilot, text: str) -> None:
    """Paste `text` into the Reflect message box, press Enter and wait for the reply."""
    from textual import events

    from reflect_bot.tui.widgets.message_input import MessageInput

    screen = pilot.app.screen
    box = screen.query_one(MessageInput)
    box.focus()
    box.post_message(events.Paste(text))
    await pilot.pause()
    replies = len(screen.turns)
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(screen.turns) > replies)


async def start_guided(pilot: Pilot, model: str | None = None):
    """Open the guided screen (F3) and start `model` (default: the one highlighted)."""
    from textual.widgets import OptionList

    await pilot.press("f3")
    await wait_for(pilot, lambda: pilot.app.screen.query("#model-picker"))
    screen = pilot.app.screen
    if model is not None:
        picker = screen.query_one("#model-picker", OptionList)
        picker.highlighted = picker.get_option_index(model)
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.reflection is not None)
    return screen


async def answer_stage(pilot: Pilot, text: str) -> None:
    """Type `text` as the current stage's answer, press Enter, wait for the next step."""
    from textual import events

    from reflect_bot.tui.widgets.message_input import MessageInput

    screen = pilot.app.screen
    before = (screen.reflection.index, screen.reflection.done)
    box = screen.query_one("#stage-answer", MessageInput)
    box.focus()
    box.clear()
    box.post_message(events.Paste(text))
    await pilot.pause()
    await pilot.press("enter")
    await wait_for(pilot, lambda: not screen.busy
                   and (screen.reflection.index, screen.reflection.done) != before)
