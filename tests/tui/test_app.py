"""The app as a whole: loading state then ready (a message sent meanwhile is answered),
themes remembered, keys and command palette, help, and modes reachable from anywhere."""

from __future__ import annotations

import threading

import pytest
from textual import events
from textual.screen import ModalScreen

from reflect_bot.settings import THEMES, Settings, load_settings
from reflect_bot.tui.app import ReflectApp
from reflect_bot.tui.engine import EngineState
from reflect_bot.tui.screens.browser import BrowserScreen, PresenterScreen
from reflect_bot.tui.screens.guided import GuidedScreen
from reflect_bot.tui.screens.help import HelpScreen
from reflect_bot.tui.screens.journal import JournalScreen
from reflect_bot.tui.screens.reflect import ReflectScreen
from reflect_bot.tui.widgets.chat_message import PendingMessage, ReplyMessage
from reflect_bot.tui.widgets.message_input import MessageInput

from .helpers import SIZE, wait_for

pytestmark = pytest.mark.anyio

SCREENS = (ReflectScreen, GuidedScreen, BrowserScreen, JournalScreen, PresenterScreen)


@pytest.fixture
def gated_open(monkeypatch: pytest.MonkeyPatch, retriever) -> threading.Event:
    """Retriever.open waits until the test sets the returned event, then gives the session
    retriever: the loading state lasts exactly as long as the test wants."""
    gate = threading.Event()

    def slow_open(*args, **kwargs):
        gate.wait(30)
        return retriever

    monkeypatch.setattr("reflect_bot.retrieval.Retriever.open", slow_open)
    return gate


async def test_loading_state_then_ready_and_a_queued_message_is_answered(gated_open):
    app = ReflectApp(settings=Settings())
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReflectScreen)
        status = screen.query_one("#engine-status")
        await wait_for(pilot, lambda: app.engine_state in (EngineState.LOADING, EngineState.CORPUS))
        assert status.display and "loading" in str(status.render()).lower()
        assert "You can type now" in str(status.render())
        # typing works while it loads, and the message waits for the model
        box = screen.query_one(MessageInput)
        box.post_message(events.Paste("He shouted at me and I froze."))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        waiting = screen.query_one(PendingMessage)
        assert "answered as soon as reflect-bot is ready" in str(waiting.render())
        assert not screen.turns
        gated_open.set()
        # ready comes after the reply's parts are built: minutes on a cold cache (run alone)
        await wait_for(pilot, lambda: app.engine_state is EngineState.READY, timeout=600)
        await wait_for(pilot, lambda: screen.turns)
        assert not status.display
        assert screen.query(ReplyMessage) and not screen.query(PendingMessage)
        assert app.engine.corpus is not None and app.engine.retriever is not None


async def test_a_failed_load_is_said_plainly(monkeypatch: pytest.MonkeyPatch):
    from reflect_bot.errors import CorpusError

    def broken(*args, **kwargs):
        raise CorpusError("knowledge/broken.yaml: line 3: invalid YAML")

    monkeypatch.setattr("reflect_bot.retrieval.Retriever.open", broken)
    app = ReflectApp(settings=Settings())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.engine_state is EngineState.FAILED)
        text = str(app.screen.query_one("#engine-status").render())
        assert "could not be loaded" in text and "knowledge/broken.yaml: line 3" in text


async def test_theme_cycles_and_is_remembered(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == THEMES[0]
        for expected in (*THEMES[1:], THEMES[0], THEMES[1]):
            await pilot.press("ctrl+t")
            await pilot.pause()
            assert app.theme == expected
    assert load_settings().theme == THEMES[1]
    again = ReflectApp(retriever=app.engine.retriever, settings=load_settings())
    async with again.run_test(size=SIZE):
        assert again.theme == THEMES[1]


async def test_high_contrast_theme_is_available(make_app):
    app = make_app(Settings(theme="reflect-high-contrast"))
    async with app.run_test(size=SIZE):
        assert app.theme == "reflect-high-contrast"
        assert app.current_theme.background == "#000000"


async def test_function_keys_switch_screens_even_while_typing(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h", "i")  # the message box has focus and binds F5 itself
        for key, screen_type in (("f3", GuidedScreen), ("f4", BrowserScreen),
                                 ("f5", JournalScreen), ("f2", ReflectScreen)):
            await pilot.press(key)
            await wait_for(pilot, lambda t=screen_type: isinstance(app.screen, t))
        assert app.screen.query_one(MessageInput).text == "hi"  # nothing typed was lost
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = app.screen.query_one("#help-text").source
        assert "ctrl+j" in text and "Samaritans" in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ReflectScreen))


def binding_keys(screen_type) -> list[tuple[str, str]]:
    return [(b.id, b.key.split(",")[0]) for b in screen_type.BINDINGS]


@pytest.mark.parametrize("screen_type", SCREENS, ids=lambda t: t.__name__)
def test_every_screen_binding_has_an_id_and_a_palette_command(screen_type):
    screen = screen_type.__new__(screen_type)  # commands() only needs the methods
    titles = [c.title for c in screen.commands()]
    for binding_id, key in binding_keys(screen_type):
        assert binding_id, f"{screen_type.__name__}: a binding without an id"
        assert any(f"({key})" in t for t in titles), f"no palette command for {key}"


def test_app_and_dialog_bindings_have_ids():
    from reflect_bot.tui.widgets import (
        confirm,
        export_dialog,
        passage_dialog,
        passphrase,
        save_preview,
    )

    dialogs = [HelpScreen, confirm.ConfirmDialog, export_dialog.ExportDialog,
               passage_dialog.PassageDialog, passphrase.PassphraseDialog,
               save_preview.SavePreviewDialog]
    for owner in (ReflectApp, *dialogs):
        assert all(b.id for b in owner.BINDINGS), owner.__name__
    for dialog in dialogs:
        assert issubclass(dialog, ModalScreen)
    ids = [b.id for owner in (ReflectApp, *SCREENS) for b in owner.BINDINGS]
    assert len(ids) == len(set(ids)), "binding ids are unique"
    for binding in ReflectApp.BINDINGS:
        assert binding.id == "quit" or binding.id in ReflectApp.COMMAND_HELP


async def test_palette_offers_the_screens_own_commands(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "New conversation (ctrl+n)" in titles and "Journal (f5)" in titles
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, JournalScreen))
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Export to Markdown (ctrl+e)" in titles
        assert "New conversation (ctrl+n)" not in titles


async def test_links_are_never_opened(make_app):
    """Offline, always: a link clicked in a reply is copied, not opened in a browser."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        opened: list[str] = []
        app._driver.open_url = lambda url, new_tab=True: opened.append(url)  # noqa: SLF001
        app.open_url("https://example.org/guidance")
        await pilot.pause()
        assert opened == [] and app.clipboard == "https://example.org/guidance"


async def test_crisis_routes_show_while_the_model_is_still_loading(gated_open):
    """The crisis check needs no model: the routes appear before any reply can."""
    from reflect_bot.tui.widgets.crisis_panel import CrisisPanel

    app = ReflectApp(settings=Settings())
    async with app.run_test(size=SIZE) as pilot:
        box = app.screen.query_one(MessageInput)
        box.post_message(events.Paste("I want to end my life."))
        await pilot.pause()
        await pilot.press("enter")
        panel = app.screen.query_one(CrisisPanel)
        await wait_for(pilot, lambda: panel.shown)
        assert app.engine_state is not EngineState.READY and not app.screen.turns
        assert "Samaritans" in app.screen.query_one("#crisis-routes").source
        gated_open.set()
        await wait_for(pilot, lambda: app.screen.turns)
        assert panel.shown
