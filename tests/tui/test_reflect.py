"""Reflect screen: send a message, get a cited reply, open a passage, crisis panel, save,
copy, stop a pending reply, start afresh, and text shown literally."""

from __future__ import annotations

import threading

import pytest
from textual import events
from textual.widgets import Input, OptionList, Static

from reflect_bot.journal import Journal
from reflect_bot.tui.widgets.chat_message import PendingMessage, PractitionerMessage, ReplyMessage
from reflect_bot.tui.widgets.crisis_panel import CrisisPanel
from reflect_bot.tui.widgets.literal import MAX_MESSAGE_CHARS
from reflect_bot.tui.widgets.message_input import MessageInput
from reflect_bot.tui.widgets.passage_dialog import PassageDialog

from .helpers import SIZE, send, wait_for

pytestmark = pytest.mark.anyio

SHOUTED = "He shouted at me in the session and I froze. I felt scared and useless."
CRISIS = "I can't do this any more. I want to end my life."


def is_reverse(style) -> bool:
    """A span style from rendered Content: a Style object or a style string."""
    return "reverse" in style.split() if isinstance(style, str) else bool(style.reverse)


def cited_ids(screen) -> list[str | None]:
    cited = screen.query_one("#cited-list", OptionList)
    return [cited.get_option_at_index(i).id for i in range(cited.option_count)]


async def test_a_message_gets_a_reply_with_citations(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, SHOUTED)
        screen = app.screen
        reply = screen.turns[-1].reply
        assert reply.cited, "the shipped guidance has something on being shouted at"
        shown = screen.query(ReplyMessage).last()
        assert "[1]" in shown.markdown_text and reply.cited[0].passage.title in shown.markdown_text
        assert not screen.query(PendingMessage)
        assert cited_ids(screen) == [None, *(f"1:{c.marker}" for c in reply.cited)]
        assert screen.query_one(MessageInput).text == ""  # the box is ready for more


async def test_opening_a_cited_passage_by_keyboard_and_mouse(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, SHOUTED)
        first = app.screen.turns[-1].reply.cited[0].passage
        await pilot.press("tab")  # from the message box straight to the cited passages
        assert app.focused is app.screen.query_one("#cited-list", OptionList)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PassageDialog))
        text = str(app.screen.query_one("#passage-dialog-text", Static).render())
        assert first.title in text and first.topic in text and "Sources" in text
        assert first.sources[0].title in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, PassageDialog))
        second = app.screen.turns[-1].reply.cited[1].passage
        cited = app.screen.query_one("#cited-list", OptionList)
        # option 0 is the "Reply 1" heading; a title may wrap, so ask where option 2 starts
        line = cited._index_to_line[2]  # noqa: SLF001 (no public map from option to line)
        await pilot.click(cited, offset=(4, cited.gutter.top + line - cited.scroll_y))
        await wait_for(pilot, lambda: isinstance(app.screen, PassageDialog))
        assert app.screen.passage == second


async def test_crisis_panel_leads_and_stays_until_dismissed(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        panel = screen.query_one(CrisisPanel)
        assert not panel.display or not panel.shown
        await send(pilot, CRISIS)
        assert screen.turns[-1].reply.crisis
        assert panel.shown and panel.region.y < screen.query_one("#reflect").region.y
        label = str(screen.query_one("#crisis-label", Static).render())
        assert "CRISIS SUPPORT" in label  # said in words, not by colour alone
        routes = screen.query_one("#crisis-routes").source
        assert "Samaritans" in routes and "116 123" in routes
        await send(pilot, SHOUTED)  # the conversation moves on; the routes stay
        assert panel.shown
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not panel.shown


async def test_copy_last_reply(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, SHOUTED)
        await pilot.press("ctrl+y")
        reply = app.screen.turns[-1].reply
        assert app.clipboard == reply.to_text()
        assert "**" not in app.clipboard  # plain text, not Markdown


async def test_save_previews_redactions_and_marks_more(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "Mr Daniel Price (CRN X123456) shouted at me near the Crow's Nest cafe.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen.query("#preview-body")
                       and getattr(app.screen, "prepared", None) is not None)
        body = app.screen.query_one("#preview-body", Static).render()
        plain = body.plain
        assert "Daniel" not in plain and "X123456" not in plain
        highlighted = {plain[s.start:s.end] for s in body.spans if is_reverse(s.style)}
        assert "[NAME-1]" in highlighted and "[CRN-1]" in highlighted
        assert "Crow's Nest" in plain
        more = app.screen.query_one("#redact-more", Input)
        more.value = "Crow's Nest"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.prepared is not None
                       and "Crow's Nest" not in app.screen.prepared.turns[0][1].text)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.journal is not None and app.screen.saved_turns == 1)
    with Journal() as journal:
        (entry,) = journal.list()
    stored = " ".join(text for _, text in entry.turns)
    for secret in ("Daniel", "Price", "X123456", "Crow's Nest"):
        assert secret not in stored
    assert entry.turns[0][0] == "practitioner" and entry.cited


async def test_cancelling_the_preview_saves_nothing(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, SHOUTED)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen.query("#preview-body"))
        await pilot.press("escape")
        await pilot.pause()
    with Journal() as journal:
        assert journal.list() == []


class SlowComposer:
    """Stands in for the composer so a reply can be caught while it is being written."""

    def __init__(self, real) -> None:
        self.real, self.started, self.release = real, threading.Event(), threading.Event()

    def compose(self, message, history=(), *, focus=None):
        self.started.set()
        self.release.wait(10)
        return self.real.compose(message, history, focus=focus)


async def test_escape_stops_a_pending_reply(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        slow = SlowComposer(app.engine.composer())
        app.engine.composer = lambda: slow
        screen = app.screen
        box = screen.query_one(MessageInput)
        box.post_message(events.Paste(SHOUTED))
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, slow.started.is_set)
        assert screen.query(PendingMessage)
        await pilot.press("escape")
        slow.release.set()
        await wait_for(pilot, lambda: not screen.query(PendingMessage))
        await pilot.pause(0.3)  # the worker finishes; its reply must be dropped
        assert screen.turns == [] and not screen.query(ReplyMessage)
        assert not screen.query(PractitionerMessage)
        assert box.text == SHOUTED  # back in the box to change or send again


async def test_new_conversation_asks_then_clears(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, SHOUTED)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.screen.query("#confirm-question"))
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen.turns) == 1
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.screen.query("#confirm-question"))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: not app.screen.turns)
        assert not app.screen.query(ReplyMessage) and not cited_ids(app.screen)


async def test_enter_sends_and_ctrl_j_starts_a_new_line(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h", "i", "ctrl+j", "t", "h", "e", "r", "e")
        box = app.screen.query_one(MessageInput)
        assert box.text == "hi\nthere"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.turns)
        assert app.screen.turns[0].message == "hi\nthere"


async def test_markup_and_escape_sequences_are_shown_literally(make_app):
    typed = "[bold]not bold[/] [/] [red]x[/red] \x1b[31mred\x1b[0m \x1b]0;title\x07done"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, typed)
        said = app.screen.query(PractitionerMessage).last()
        text = said.render()
        assert "[bold]not bold[/] [/] [red]x[/red] red done" in text.plain
        assert "\x1b" not in text.plain
        # only the "You" label is styled: nothing the practitioner typed became markup
        assert all(span.end <= len("You\n") for span in text.spans)
        assert app.screen.turns[0].message.startswith("[bold]not bold[/]")


async def test_a_huge_paste_is_cut_and_the_screen_keeps_working(make_app):
    huge = ("[b]word[/b] \x1b[2J" * 80_000)[: 1_000_000]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        box = app.screen.query_one(MessageInput)
        box.post_message(events.Paste(huge))
        await pilot.pause()
        assert 0 < len(box.text) <= MAX_MESSAGE_CHARS and "\x1b" not in box.text
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.turns, timeout=60)
        said = app.screen.query(PractitionerMessage).last()
        assert said.render().plain.startswith("You\n[b]word[/b]")
        assert said.region.width <= SIZE[0]
