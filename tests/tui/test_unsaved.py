"""Nothing typed is lost: an answer typed and not yet sent is kept by finish, back and skip;
quitting with unsaved work asks first (ctrl+q again quits anyway), and quits at once when
there is nothing to lose. The fixed composer stands in for the model: these are about keys
and state, not about which guidance is found."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import ContentSwitcher, Markdown

from reflect_bot.tui.widgets.confirm import QuitDialog
from reflect_bot.tui.widgets.message_input import MessageInput

from .helpers import SIZE, answer_stage, send, start_guided, wait_for

pytestmark = pytest.mark.anyio

TYPED = "I kept thinking about it on the drive home."


async def type_into(pilot, box: MessageInput, text: str) -> None:
    box.focus()
    box.clear()
    box.post_message(events.Paste(text))
    await pilot.pause()


async def test_finish_keeps_an_answer_typed_without_enter(make_fixed_app):
    app = make_fixed_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_guided(pilot)
        await answer_stage(pilot, "He arrived late and shouted.")
        await type_into(pilot, screen.query_one("#stage-answer", MessageInput), TYPED)
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: screen.query_one(ContentSwitcher).current
                       == "guided-summary")
        assert screen.reflection.answers[1].text == TYPED
        summary = screen.query_one("#guided-summary-text", Markdown).source
        assert f"> {TYPED}" in summary
        assert summary.count("(not reached)") == len(screen.reflection.answers) - 2


async def test_finish_with_nothing_new_typed_adds_no_answer(make_fixed_app):
    app = make_fixed_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_guided(pilot)
        await answer_stage(pilot, "He arrived late and shouted.")
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: screen.reflection.done and not screen.busy)
        assert [a.text for a in screen.reflection.answers][:2] == [
            "He arrived late and shouted.", None]


async def test_back_and_skip_keep_what_was_typed_for_that_stage(make_fixed_app):
    app = make_fixed_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_guided(pilot)
        await answer_stage(pilot, "He arrived late and shouted.")
        box = screen.query_one("#stage-answer", MessageInput)
        await type_into(pilot, box, TYPED)
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: not screen.busy and screen.reflection.index == 0)
        assert box.text == "He arrived late and shouted."
        await pilot.press("ctrl+o")  # on to stage 2 again: the words typed there are back
        await wait_for(pilot, lambda: not screen.busy and screen.reflection.index == 1)
        assert box.text == TYPED
        assert screen.reflection.answers[1].text is None  # a draft, not yet an answer


async def test_quit_with_an_unsaved_conversation_asks_first(make_fixed_app):
    app = make_fixed_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "He shouted at me in the session and I froze.")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitDialog))
        assert "conversation has not been saved" in str(
            app.screen.query_one("#confirm-question").render())
        await pilot.press("escape")  # Stay
        await wait_for(pilot, lambda: not isinstance(app.screen, QuitDialog))
        assert not app._exit and app.screen.turns  # noqa: SLF001
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitDialog))
        await pilot.press("ctrl+q")  # again: quit anyway
        await wait_for(pilot, lambda: app._exit)  # noqa: SLF001


async def test_quit_with_words_typed_in_a_guided_answer_asks_first(make_fixed_app):
    app = make_fixed_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_guided(pilot)
        await type_into(pilot, screen.query_one("#stage-answer", MessageInput), TYPED)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitDialog))
        assert "guided reflection" in str(app.screen.query_one("#confirm-question").render())
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: app._exit)  # noqa: SLF001


async def test_quit_with_nothing_to_lose_quits_at_once(make_fixed_app):
    app = make_fixed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")  # a screen visited but nothing typed
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: app._exit)  # noqa: SLF001
        assert not isinstance(app.screen, QuitDialog)
