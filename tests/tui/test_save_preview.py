"""The words-to-hide box in the save preview: applied as typed (no Enter needed), saved even
when ctrl+s comes straight after typing, and only ever to what the practitioner wrote."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from reflect_bot.journal import Journal

from .helpers import SIZE, send, wait_for

pytestmark = pytest.mark.anyio

SAID = "Shouty told me the Example Practice Network letter scared him."


async def open_preview(pilot) -> None:
    await send(pilot, SAID)
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "prepared", None) is not None)


async def test_words_are_hidden_as_they_are_typed_and_only_in_their_words(make_fixed_app):
    app = make_fixed_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_preview(pilot)
        preview = app.screen
        # "Example" is in their words and in the sources the reply quotes
        app.screen.query_one("#redact-more", Input).focus()
        await pilot.press(*"Shouty, Example")
        await wait_for(pilot, lambda: preview.prepared is not None
                       and preview.extra == ["Shouty", "Example"])
        body = preview.query_one("#preview-body", Static).render().plain
        mine, reply = (r.text for _, r in preview.prepared.turns)
        assert "Shouty" not in mine and "Example" not in mine
        assert mine.startswith("[NAME-1] told me the [NAME-2] Practice Network letter")
        assert "Example Practice Network (2024)" in reply  # the quoted source, as written
        assert "[NAME-" not in reply
        assert "Shouty" not in body


async def test_save_straight_after_typing_hides_the_words_first(make_fixed_app):
    app = make_fixed_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_preview(pilot)
        app.screen.query_one("#redact-more", Input).focus()
        await pilot.press(*"Shouty", "ctrl+s")
        await wait_for(pilot, lambda: app.journal is not None and app.screen.saved_turns == 1)
    with Journal() as journal:
        (entry,) = journal.list()
    assert "Shouty" not in " ".join(text for _, text in entry.turns)
