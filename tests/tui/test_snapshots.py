"""SVG snapshots of every screen, the save preview and the crisis panel, each at 80x24 (the
size many secure desktops open a terminal at) and at 200x60 (pytest-textual-snapshot).
Deterministic: fixed terminal sizes, fixed conversations and dates, no clock, cursors not
blinking, and a small fixed corpus and composer (tests/tui/fixed.py), so the pictures change
only when the screens or the prompts wording do.

After a deliberate change to how a screen looks (or to the guidance or wording shown),
regenerate with `pytest tests/tui/test_snapshots.py --snapshot-update` and look at the SVGs
in tests/tui/__snapshots__/ before committing them.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest
from textual.widgets import Input

from reflect_bot.journal import Draft, Journal
from reflect_bot.settings import Settings

from .helpers import answer_stage, send, start_guided, wait_for

SHOUTED = "He shouted at me in the session and I froze. I felt scared and useless."
CRISIS = "I can't do this any more. I want to end my life."
SUMMARY_DATE = date(2026, 3, 2)


@pytest.fixture(params=[(80, 24), (200, 60)], ids=["80x24", "200x60"])
def size(request) -> tuple[int, int]:
    return request.param


@pytest.fixture
def make_app(make_fixed_app):
    """Shadows the conftest fixture: the fixed corpus and composer, no model."""
    return make_fixed_app


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates on screen are shown in local time: make local time UTC for every machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def steady(pilot) -> None:
    """No blinking cursors, no toasts: the same pixels every run."""
    for widget in pilot.app.screen.query("TextArea, Input"):
        widget.cursor_blink = False
    pilot.app.clear_notifications()
    await pilot.pause()


def test_reflect_conversation(snap_compare, make_app, size):
    async def run_before(pilot):
        await send(pilot, SHOUTED)
        await steady(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


def test_reflect_crisis_panel(snap_compare, make_app, size):
    async def run_before(pilot):
        await send(pilot, CRISIS)
        await steady(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


def test_reflect_high_contrast(snap_compare, make_app, size):
    async def run_before(pilot):
        await send(pilot, SHOUTED)
        await steady(pilot)

    app = make_app(Settings(theme="reflect-high-contrast"))
    assert snap_compare(app, run_before=run_before, terminal_size=size)


def test_reflect_light_theme_save_preview(snap_compare, make_app, size):
    async def run_before(pilot):
        await send(pilot, "Mr Daniel Price (CRN X123456) shouted at me and I froze.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "prepared", None) is not None)
        await steady(pilot)

    app = make_app(Settings(theme="textual-light"))
    assert snap_compare(app, run_before=run_before, terminal_size=size)


def test_guided_stage(snap_compare, make_app, size):
    async def run_before(pilot):
        await start_guided(pilot)
        await answer_stage(pilot, "He arrived late and shouted when I mentioned the letter.")
        await steady(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


def test_guided_summary(snap_compare, make_app, size):
    async def run_before(pilot):
        screen = await start_guided(pilot, "driscoll")
        screen.summary_date = SUMMARY_DATE
        await answer_stage(pilot, "A session where he would not speak at all.")
        await answer_stage(pilot, "It matters because silence may be how he keeps safe.")
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: screen.reflection.done and not screen.busy)
        await steady(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


async def search_guidance(pilot, query: str = "shouting when cornered") -> None:
    """F4, type a query, wait for the first result to be shown."""
    await pilot.press("f4")
    await wait_for(pilot, lambda: pilot.app.screen.query("#browse-query"))
    screen = pilot.app.screen
    screen.query_one("#browse-query", Input).value = query
    await wait_for(pilot, lambda: screen.shown is not None)


def test_guidance_browser(snap_compare, make_app, size):
    async def run_before(pilot):
        await search_guidance(pilot)
        await steady(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


def test_presenter(snap_compare, make_app, size):
    async def run_before(pilot):
        await search_guidance(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: pilot.app.screen.query("#presenter-body"))
        await steady(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


def test_journal(snap_compare, make_app, size):
    with Journal() as journal:
        for day, words in ((1, "A session about a missed appointment and a warning letter."),
                           (2, "He told me about his brother; I felt out of my depth.")):
            journal.save(Journal.prepare(Draft(
                kind="conversation",
                turns=[("practitioner", words), ("reply", "Thank you for writing this down.")],
                created=datetime(2026, 3, day, 9, 30, tzinfo=UTC),
            )))

    async def run_before(pilot):
        await pilot.press("f5")
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "entries", None))
        await steady(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


def test_help(snap_compare, make_app, size, monkeypatch: pytest.MonkeyPatch):
    # the folders shown are per-run temp dirs: show fixed ones instead
    for name in ("DATA", "CACHE", "CONFIG"):
        monkeypatch.setenv(f"REFLECT_BOT_{name}_DIR", f"/home/you/reflect-bot/{name.lower()}")

    async def run_before(pilot):
        await pilot.press("f1")
        await wait_for(pilot, lambda: pilot.app.screen.query("#help-text"))
        await steady(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)
