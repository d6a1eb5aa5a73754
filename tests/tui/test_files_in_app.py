"""The app's side of issues 17 and 18: damage since the last start is announced, and the
app's exports follow the command line's rules (asking before replacing a file).

These need no model: the engine's loading is made to fail at once, and the journal and
export work without it.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from textual.widgets import Input

from reflect_bot.errors import CorpusError, JournalError
from reflect_bot.journal import Journal
from reflect_bot.settings import Settings
from reflect_bot.tui.app import ReflectApp
from reflect_bot.tui.widgets.confirm import ConfirmDialog

from .helpers import SIZE, wait_for
from .test_journal_screen import conversation, open_journal, seed

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(*args, **kwargs):
        raise CorpusError("not needed in these tests")

    monkeypatch.setattr("reflect_bot.retrieval.Retriever.open", unavailable)


def said(app: ReflectApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_journal_kept_aside_is_announced_when_the_app_starts(fresh_home: Path):
    seed(conversation("A reflection that was lost", 1))
    path = fresh_home / "data" / "journal.db"
    path.write_bytes(b"not a database " * 400)
    with pytest.raises(JournalError, match="kept as"):
        Journal()
    (kept,) = [p for p in path.parent.iterdir() if ".damaged-" in p.name]
    app = ReflectApp(settings=Settings())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: any(str(kept) in m for m in said(app)))
        await open_journal(pilot)
        assert "No journal entries yet" not in " ".join(said(app))
    again = ReflectApp(settings=Settings())
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert not any(str(kept) in m for m in said(again))  # said once


async def test_a_damaged_settings_file_is_announced_and_the_app_still_opens(fresh_home: Path):
    from reflect_bot.settings import load_settings_or_defaults

    settings = fresh_home / "config" / "settings.yaml"
    settings.parent.mkdir(parents=True)
    settings.write_text("theme: " + "[" * 20_000 + "]" * 20_000 + "\n")
    notices: list[str] = []
    app = ReflectApp(settings=load_settings_or_defaults(notices.append))
    app.startup_notices = notices
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: any(str(settings) in m for m in said(app)))
        assert app.theme == Settings().theme


async def export_to(pilot, out: Path) -> None:
    await pilot.press("ctrl+e")
    await wait_for(pilot, lambda: pilot.app.screen.query("#export-path"))
    pilot.app.screen.query_one("#export-path", Input).value = str(out)
    await pilot.click("#export-all")
    await pilot.pause()


async def test_the_app_asks_before_replacing_a_file_and_leaves_it_private(tmp_path: Path):
    seed(conversation("A reflection for supervision", 1))
    out = tmp_path / "record.md"
    out.write_text("last month's record\n")
    out.chmod(0o644)
    app = ReflectApp(settings=Settings())
    async with app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        await export_to(pilot, out)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.click("#confirm-no")  # keep it: nothing is written
        await pilot.pause(0.3)
        assert out.read_text() == "last month's record\n"
        await pilot.click("#export-all")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: "A reflection for supervision" in out.read_text())
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


async def test_the_app_refuses_to_export_onto_the_journal(fresh_home: Path):
    seed(conversation("First", 2), conversation("Second", 1))
    journal = fresh_home / "data" / "journal.db"
    app = ReflectApp(settings=Settings())
    async with app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        await export_to(pilot, journal)
        await wait_for(pilot, lambda: any("own folder" in m for m in said(app)))
        assert app.screen.query("#export-path")  # the dialog stays, to choose elsewhere
    with Journal() as j:
        assert len(j.list()) == 2


async def test_a_damaged_entry_is_named_once_and_the_others_listed(fresh_home: Path):
    import sqlite3

    from .test_journal_screen import table_ids

    ids = seed(*(conversation(f"Reflection {n}", 5 - n) for n in range(5)))
    with sqlite3.connect(fresh_home / "data" / "journal.db") as conn:
        conn.execute("UPDATE entries SET body = ? WHERE id = ?", (b"\xff\xfe{", ids[2]))
    conn.close()
    app = ReflectApp(settings=Settings())
    async with app.run_test(size=SIZE) as pilot:
        await open_journal(pilot)
        await wait_for(pilot, lambda: len(table_ids(app)) == 4)
        assert sorted(table_ids(app)) == sorted(set(ids) - {ids[2]})
        await wait_for(pilot, lambda: any(f"entry {ids[2]} is damaged" in m for m in said(app)))
        app.screen.reload()
        await pilot.pause(0.3)
        assert sum(f"entry {ids[2]} is damaged" in m for m in said(app)) == 1
