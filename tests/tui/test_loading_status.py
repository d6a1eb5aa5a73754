"""While the app loads, the status line says truthfully what it is doing: building the index
(first run) with its progress, then getting replies ready; a message sent meanwhile is
described as queued in words that agree with it. No model: Retriever.open is replaced by
one that reports progress when the test says so, and returns the small fixed retriever."""

from __future__ import annotations

import threading

import pytest
from textual import events

from reflect_bot.index import OpenResult
from reflect_bot.settings import Settings
from reflect_bot.tui.app import ReflectApp
from reflect_bot.tui.engine import EngineState
from reflect_bot.tui.widgets.chat_message import PendingMessage
from reflect_bot.tui.widgets.message_input import MessageInput

from .fixed import FixedComposer, FixedRetriever
from .helpers import SIZE, wait_for

pytestmark = pytest.mark.anyio


@pytest.fixture
def building(monkeypatch: pytest.MonkeyPatch) -> list[threading.Event]:
    """Retriever.open "builds" the index: it reports 0 of 400, waits for the first event,
    reports 256 of 400, waits for the second, then returns a retriever marked as built."""
    gates = [threading.Event(), threading.Event()]

    def open_building(*args, progress=False, **kwargs):
        progress(0, 400)
        gates[0].wait(30)
        progress(256, 400)
        gates[1].wait(30)
        retriever = FixedRetriever()
        retriever.opened = OpenResult(None, "built", None, 1.0, "no cache yet")
        return retriever

    monkeypatch.setattr("reflect_bot.retrieval.Retriever.open", open_building)
    return gates


def status(app) -> str:
    return str(app.screen.query_one("#engine-status").render())


async def test_first_run_says_it_is_building_the_index_with_progress(building):
    app = ReflectApp(settings=Settings(), composer=FixedComposer())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.engine_state is EngineState.INDEXING)
        assert "Building the guidance index (first run, about 30-40 s): 0% done" in status(app)
        assert "search model" not in status(app)
        box = app.screen.query_one(MessageInput)
        box.post_message(events.Paste("He shouted at me and I froze."))
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query(PendingMessage))
        queued = str(app.screen.query_one(PendingMessage).render())
        # the queued message and the status line say the same thing: not ready yet
        assert "answered as soon as" in queued and "ready" in queued
        assert "answered as soon as it is ready" in status(app)
        building[0].set()
        await wait_for(pilot, lambda: "64% done, about" in status(app))
        building[1].set()
        await wait_for(pilot, lambda: app.engine_state is EngineState.READY)
        await wait_for(pilot, lambda: app.screen.turns)
        assert not app.screen.query_one("#engine-status").display
        assert app.engine.first_run


@pytest.fixture
def gated(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Retriever.open waits for the returned event, then gives the small fixed retriever."""
    gate = threading.Event()

    def open_gated(*args, **kwargs):
        gate.wait(30)
        retriever = FixedRetriever()
        retriever.opened = OpenResult(None, "loaded", None, 0.1)
        return retriever

    monkeypatch.setattr("reflect_bot.retrieval.Retriever.open", open_gated)
    return gate


async def test_a_guided_answer_sent_while_loading_is_taken_once_ready(gated):
    """The move waits for the engine's state to settle (no polling) and is then taken."""
    from reflect_bot.tui.screens.guided import GuidedScreen

    from .helpers import start_guided

    app = ReflectApp(settings=Settings(), composer=FixedComposer())
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_guided(pilot, "gibbs")
        assert isinstance(screen, GuidedScreen)
        box = screen.query_one("#stage-answer", MessageInput)
        box.post_message(events.Paste("He walked out of the session."))
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.busy and screen.queued is not None)
        assert "Waiting until reflect-bot is ready" in str(
            screen.query_one("#stage-status").render())
        assert screen.reflection.index == 0 and app.engine.state is not EngineState.READY
        gated.set()
        await wait_for(pilot, lambda: not screen.busy and screen.reflection.index == 1)
        assert app.engine_state is EngineState.READY and screen.queued is None
        assert screen.reflection.answers[0].text == "He walked out of the session."
        assert screen.reflection.composer is app.engine.composer()


async def test_a_new_reflection_drops_a_move_waiting_for_the_engine(gated):
    from .helpers import start_guided

    app = ReflectApp(settings=Settings(), composer=FixedComposer())
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_guided(pilot, "gibbs")
        await pilot.press("ctrl+o")  # skip, while loading
        await wait_for(pilot, lambda: screen.queued is not None)
        await pilot.press("ctrl+n")  # nothing answered yet, so no question asked
        await wait_for(pilot, lambda: screen.reflection is None)
        assert screen.queued is None and not screen.busy
        gated.set()
        await wait_for(pilot, lambda: app.engine_state is EngineState.READY)
        assert screen.reflection is None  # the skip was for the reflection left behind
        screen = await start_guided(pilot, "kolb")
        assert screen.reflection.index == 0 and not screen.busy


class SlowToWarm(FixedComposer):
    """A composer whose parts take as long as the test wants to build."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.warmed = False

    def warm(self) -> None:
        self.gate.wait(30)
        self.warmed = True

    def compose(self, message, history=(), *, focus=None):
        assert self.warmed, "a reply was composed before the composer's parts were built"
        return super().compose(message, history, focus=focus)


async def test_ready_once_the_index_is_loaded_and_a_reply_waits_for_its_parts(monkeypatch):
    """With the index cached, search is ready as soon as the encoder and index are: the
    reply's parts are built after that, and a message sent meanwhile waits for them."""

    def open_cached(*args, **kwargs):
        retriever = FixedRetriever()
        retriever.opened = OpenResult(None, "loaded", None, 0.1)
        return retriever

    monkeypatch.setattr("reflect_bot.retrieval.Retriever.open", open_cached)
    composer = SlowToWarm()
    app = ReflectApp(settings=Settings(), composer=composer)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.engine_state is EngineState.READY)
        assert not composer.warmed and not app.engine.first_run
        assert not app.screen.query_one("#engine-status").display
        box = app.screen.query_one(MessageInput)
        box.post_message(events.Paste("He shouted at me and I froze."))
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query(PendingMessage))
        await pilot.pause(0.3)
        assert not app.screen.turns  # still waiting for the parts, never composed early
        composer.gate.set()
        await wait_for(pilot, lambda: app.screen.turns)
        assert composer.warmed and not app.screen.query(PendingMessage)
