"""The presenter view, for a room: titles as written (acronyms kept), one sentence to a
paragraph, white on black in every theme, and next/previous on the keys a clicker sends."""

from __future__ import annotations

import dataclasses

import pytest
from textual.widgets import Input, Static

from reflect_bot.settings import Settings
from reflect_bot.tui.screens.browser import PresenterScreen
from reflect_bot.tui.widgets.passage import presenter_text

from .fixed import PASSAGES
from .helpers import wait_for

pytestmark = pytest.mark.anyio


def test_titles_keep_their_acronyms_and_sentences_stand_apart():
    passage = dataclasses.replace(
        PASSAGES[0], title="The ten ACEs and what they do not tell you",
        text="ACEs are common. They are not destiny! Ask what helped (and who).",
    )
    plain = presenter_text(passage).plain
    assert plain.startswith("The ten ACEs and what they do not tell you\n")
    assert "ACES" not in plain and "THE TEN" not in plain
    assert "\n\nACEs are common.\n\nThey are not destiny!\n\nAsk what helped (and who)." in plain
    assert PASSAGES[0].sources[0].title in plain


@pytest.mark.parametrize("theme", ["textual-light", "reflect-high-contrast"])
async def test_presenter_steps_with_clicker_keys_and_is_high_contrast(make_fixed_app, theme):
    app = make_fixed_app(Settings(theme=theme))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await wait_for(pilot, lambda: app.screen.query("#browse-query"))
        browser = app.screen
        browser.query_one("#browse-query", Input).value = "shouting"
        await wait_for(pilot, lambda: browser.shown is not None)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, PresenterScreen))
        presenter = app.screen
        assert presenter.styles.background.hex == "#000000"
        assert presenter.styles.color.hex == "#FFFFFF"
        body = presenter.query_one("#presenter-body", Static)
        titles = [p.title for p in PASSAGES]
        assert body.render().plain.startswith(titles[0])
        for key, expected in (("pagedown", 1), ("right", 2), ("pageup", 1), ("left", 0)):
            await pilot.press(key)
            assert body.render().plain.startswith(titles[expected]), key
        assert str(presenter.query_one("#presenter-position", Static).render()) == "1 of 3"
