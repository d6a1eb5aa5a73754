"""At 80x24, the size many secure desktops open a terminal at, every screen is usable: all
the crisis routes in view, the reply read from its start, the save preview readable, the
guided answer box and its buttons on screen, and every key in the footer. The fixed corpus
and composer stand in for the model (these are about layout, not about what is found)."""

from __future__ import annotations

import pytest
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from reflect_bot.tui.widgets.chat_message import ReplyMessage
from reflect_bot.tui.widgets.crisis_panel import CrisisPanel

from .helpers import answer_stage, send, start_guided, wait_for

pytestmark = pytest.mark.anyio

SMALL = (80, 24)
SHOUTED = "He shouted at me in the session and I froze. I felt scared and useless."
CRISIS = "I can't do this any more. I want to end my life."


def on_screen(widget, footer) -> bool:
    """The whole widget is visible, above the footer."""
    region = widget.region
    return region.height > 0 and region.y >= 0 and region.bottom <= footer.region.y


async def test_every_crisis_route_is_in_view(make_fixed_app):
    app = make_fixed_app()
    async with app.run_test(size=SMALL) as pilot:
        await send(pilot, CRISIS)
        panel = app.screen.query_one(CrisisPanel)
        await wait_for(pilot, lambda: panel.shown)
        routes = app.screen.query_one("#crisis-routes").source
        for route in ("999", "Samaritans", "Shout", "NHS 111", "Employee Assistance", "manager"):
            assert route in routes
        assert panel.max_scroll_y == 0, "nothing in the panel is scrolled out of view"
        assert panel.region.bottom < SMALL[1] - 8, "room is left for the conversation"


async def test_the_view_lands_on_the_start_of_the_reply(make_fixed_app):
    app = make_fixed_app()
    async with app.run_test(size=SMALL) as pilot:
        await send(pilot, CRISIS)  # the routes take the top of the screen: little room below
        await send(pilot, SHOUTED)
        await pilot.pause()
        conversation = app.screen.query_one("#conversation")
        reply = app.screen.query(ReplyMessage).last()
        assert reply.virtual_region.height > conversation.scrollable_content_region.height
        # the reply's first line is the first line in view
        assert conversation.scroll_y == pytest.approx(reply.virtual_region.y - 1, abs=1)


async def test_the_save_preview_shows_enough_to_read(make_fixed_app):
    app = make_fixed_app()
    async with app.run_test(size=SMALL) as pilot:
        await send(pilot, SHOUTED)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: getattr(app.screen, "prepared", None) is not None)
        preview = app.screen.query_one("#preview-text")
        assert preview.scrollable_content_region.height >= 12
        footer = app.screen.query_one(Footer)
        for widget in ("#redact-more", "#preview-save", "#preview-cancel"):
            assert on_screen(app.screen.query_one(widget), footer), widget


async def test_guided_answer_box_and_buttons_stay_in_view(make_fixed_app):
    app = make_fixed_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await start_guided(pilot)
        for text in ("He arrived late and shouted when I mentioned the letter.",
                     "I felt scared and then guilty that I had not seen it coming."):
            await answer_stage(pilot, text)
            await pilot.pause()
            footer = screen.query_one(Footer)
            for widget in ("#stage-answer", "#stage-next", "#stage-finish", "#stage-heading"):
                assert on_screen(screen.query_one(widget), footer), widget


@pytest.mark.parametrize("key", ["f2", "f3", "f4", "f5"])
async def test_every_footer_key_can_be_read(make_fixed_app, key):
    app = make_fixed_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press(key)

        def keys() -> list[FooterKey]:
            return [k for k in app.screen.query(FooterKey) if k.display
                    and "-command-palette" not in k.classes]

        await wait_for(pilot, lambda: any(k.description == "Journal" for k in keys()))
        await pilot.pause(0.1)
        keys = keys()
        descriptions = {k.description for k in keys}
        assert {"Quit", "Help", "Reflect", "Guided", "Guidance", "Journal"} <= descriptions
        for k in keys:
            assert 0 <= k.region.x and k.region.right <= SMALL[0], k.description
            assert k.region.width >= len(k.description) + 2, k.description


async def test_topic_names_wrap_and_the_levels_open_and_close(make_fixed_app):
    from textual.widgets import Static

    from reflect_bot.tui.widgets.topic_list import TopicList

    app = make_fixed_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("f4")
        await wait_for(pilot, lambda: app.screen.query(TopicList))
        topics = app.screen.query_one(TopicList)
        await wait_for(pilot, lambda: topics.option_count)
        topics.focus()
        topics.highlighted = [topics.get_option_at_index(i).id
                              for i in range(topics.option_count)].index("area:trauma-body")
        await pilot.press("enter")
        title = "Threat responses: fight, flight, freeze"
        prompts = [str(topics.get_option_at_index(i).prompt) for i in range(topics.option_count)]
        assert title in prompts
        # wider than the list: it wraps onto more lines rather than being cut
        assert len(title) > topics.scrollable_content_region.width
        assert topics.virtual_size.height > topics.option_count
        await pilot.press("enter")  # the first topic under "‹ All areas"
        await pilot.press("enter")  # its first passage
        shown = str(app.screen.query_one("#browse-passage", Static).render())
        assert shown.startswith("Fight: when a threat response looks like aggression")
        await pilot.press("backspace", "backspace")
        assert topics.area is None and topics.option_count == 2
