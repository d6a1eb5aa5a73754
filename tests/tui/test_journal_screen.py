"""Journal screen: list (newest first), search, view, export, delete, retention, passphrase."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from reflect_bot.journal import Draft, Journal
from reflect_bot.settings import Settings

from .helpers import SIZE, wait_for

pytestmark = pytest.mark.anyio


def seed(*drafts: Draft, passphrase: str | None = None) -> list[int]:
    with Journal() as journal:
        if passphrase:
            journal.encrypt(passphrase)
        return [journal.save(Journal.prepare(d)) for d in drafts]


def conversation(words: str, days_ago: int) -> Draft:
    return Draft(
        kind="conversation",
        turns=[("practitioner", words), ("reply", "Thank you for writing this down.")],
        created=datetime.now(UTC) - timedelta(days=days_ago),
    )


def table_ids(app) -> list[int]:
    table = app.screen.query_one("#journal-table", DataTable)
    return [int(table.coordinate_to_cell_key((row, 0)).row_key.value)
            for row in range(table.row_count)]


def shown_text(app) -> str:
    return str(app.screen.query_one("#journal-entry", Static).render())


async def open_journal(pilot) -> None:
    await pilot.press("f5")
    await wait_for(pilot, lambda: pilot.app.screen.id != "_default"
                   and getattr(pilot.app.screen, "journal", None) is not None
                   and "Opening" not in str(pilot.app.screen.query_one("#journal-status",
                                                                         Static).render()))


async def test_lists_newest_first_and_shows_the_highlighted_entry(make_app):
    older, newer = seed(conversation("An older session about a missed appointment", 5),
                        conversation("A newer session where he shouted", 1))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        assert table_ids(app) == [newer, older]
        assert "A newer session where he shouted" in shown_text(app)
        assert app.focused is app.screen.query_one("#journal-table", DataTable)
        await pilot.press("down")
        await wait_for(pilot, lambda: "An older session" in shown_text(app))


async def test_search_keeps_matching_entries(make_app):
    seed(conversation("We talked about housing", 3), conversation("He missed his appointment", 2))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        app.screen.query_one("#journal-query", Input).value = "housing"
        await wait_for(pilot, lambda: len(table_ids(app)) == 1)
        assert "housing" in shown_text(app)
        app.screen.query_one("#journal-query", Input).value = "no such words"
        await wait_for(pilot, lambda: not table_ids(app))
        status = str(app.screen.query_one("#journal-status", Static).render())
        assert "No entries match" in status


async def test_entry_text_is_shown_literally(make_app):
    seed(conversation("He typed [bold]this[/] and [red]that[/red]", 1))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        assert "[bold]this[/] and [red]that[/red]" in shown_text(app)


async def export(pilot, out: Path, button: str) -> None:
    """ctrl+e, type where to, press `button`, wait for the file."""
    await pilot.press("ctrl+e")
    await wait_for(pilot, lambda: pilot.app.screen.query("#export-path"))
    pilot.app.screen.query_one("#export-path", Input).value = str(out)
    await pilot.click(button)
    await wait_for(pilot, out.exists)


async def test_export_one_entry_to_markdown(make_app, tmp_path: Path):
    first, second = seed(conversation("First reflection", 2), conversation("Second one", 1))
    out = tmp_path / "export.md"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        await export(pilot, out, "#export-one")
    text = out.read_text(encoding="utf-8")
    assert f"## Entry {second}:" in text and "Second one" in text
    assert "First reflection" not in text
    assert out.stat().st_mode & 0o777 == 0o600


async def test_export_everything(make_app, tmp_path: Path):
    seed(conversation("First reflection", 2), conversation("Second one", 1))
    out = tmp_path / "all.md"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        await export(pilot, out, "#export-all")
    text = out.read_text(encoding="utf-8")
    assert text.index("First reflection") < text.index("Second one")  # oldest first


async def test_delete_asks_first_and_cancel_keeps_it(make_app):
    (only,) = seed(conversation("Keep me unless I say so", 1))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        await pilot.press("delete")
        await wait_for(pilot, lambda: app.screen.query("#confirm-question"))
        await pilot.press("escape")
        await pilot.pause()
        assert table_ids(app) == [only]
        await pilot.press("delete")
        await wait_for(pilot, lambda: app.screen.query("#confirm-question"))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: not table_ids(app))
    with Journal() as journal:
        assert journal.list() == []


async def test_retention_applied_when_the_journal_first_opens(make_app):
    old, recent = seed(conversation("From long ago", 40), conversation("From last week", 7))
    app = make_app(Settings(retention_days=30))
    async with app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        await wait_for(pilot, lambda: table_ids(app) == [recent])
    with Journal() as journal:
        assert [e.id for e in journal.list()] == [recent]


async def test_encrypted_journal_asks_for_the_passphrase(make_app):
    seed(conversation("A private reflection", 1), passphrase="correct horse")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await wait_for(pilot, lambda: app.screen.query("#passphrase-input"))
        field = app.screen.query_one("#passphrase-input", Input)
        assert field.password
        field.value = "wrong passphrase"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query("#passphrase-problem"))
        problem = str(app.screen.query_one("#passphrase-problem", Static).render())
        assert "passphrase does not open this journal" in problem
        app.screen.query_one("#passphrase-input", Input).value = "correct horse"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.journal is not None and table_ids(app))
        assert "A private reflection" in shown_text(app)
