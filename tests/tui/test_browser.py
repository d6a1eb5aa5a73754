"""Guidance browser (trainer mode): search shows results with the query's words highlighted,
the topic tree lists every passage, and the presenter view steps through results."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList, Static

from reflect_bot.lexical import tokens
from reflect_bot.tui.screens.browser import BrowserScreen, PresenterScreen
from reflect_bot.tui.widgets.topic_list import TopicList

from .helpers import SIZE, wait_for

pytestmark = pytest.mark.anyio


def is_reverse(style) -> bool:
    return "reverse" in style.split() if isinstance(style, str) else bool(style.reverse)


async def open_browser(pilot) -> BrowserScreen:
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen))
    return pilot.app.screen


async def search(pilot, screen: BrowserScreen, query: str) -> OptionList:
    screen.query_one("#browse-query", Input).value = query
    results = screen.query_one("#browse-results", OptionList)
    await wait_for(pilot, lambda: results.option_count > 0 and screen.shown is not None)
    return results


async def test_search_shows_results_and_highlights_the_query(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browser(pilot)
        results = await search(pilot, screen, "shouting and anger in a session")
        ids = [results.get_option_at_index(i).id for i in range(results.option_count)]
        expected = [h.passage.id
                    for h in app.engine.search("shouting and anger in a session", 12)]
        assert ids == expected
        shown = screen.query_one("#browse-passage", Static).render()
        marked = [shown.plain[s.start:s.end] for s in shown.spans if is_reverse(s.style)]
        assert marked, "the query's words are highlighted in the passage"
        stems = set(tokens("shouting and anger in a session"))
        assert all(tokens(word)[0] in stems for word in marked)
        assert screen.shown.title in shown.plain and "Sources" in shown.plain
        status = str(screen.query_one("#browse-status", Static).render())
        assert f"{len(ids)} passages" in status


async def test_moving_through_results_shows_each_passage(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browser(pilot)
        results = await search(pilot, screen, "missed appointments")
        await pilot.press("enter")  # from the search box into the results
        await pilot.press("down")
        await pilot.pause()
        assert screen.shown.id == results.get_option_at_index(1).id


async def test_topic_tree_lists_the_whole_corpus(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browser(pilot)
        topics = screen.query_one("#topic-tree", TopicList)
        leaves = []
        for area in topics.areas():
            topics.show_topics(area)
            ids = [topics.get_option_at_index(i).id for i in range(topics.option_count)]
            for topic in (i.removeprefix("topic:") for i in ids if i.startswith("topic:")):
                topics.show_passages(topic)
                leaves += [o.id.removeprefix("passage:") for o in
                           (topics.get_option_at_index(i) for i in range(topics.option_count))
                           if o.id and o.id.startswith("passage:")]
        assert sorted(leaves) == sorted(p.id for p in app.engine.corpus.passages)


async def test_presenter_steps_through_results(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browser(pilot)
        results = await search(pilot, screen, "window of tolerance")
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, PresenterScreen))
        body = app.screen.query_one("#presenter-body", Static)
        first = app.engine.passage(results.get_option_at_index(0).id)
        assert body.render().plain.startswith(first.title)  # as written, never upper-cased
        await pilot.press("right")
        second = app.engine.passage(results.get_option_at_index(1).id)
        assert body.render().plain.startswith(second.title)
        position = str(app.screen.query_one("#presenter-position", Static).render())
        assert position == f"2 of {results.option_count}"
        await pilot.press("pageup")  # a presentation clicker's "back"
        assert body.render().plain.startswith(first.title)
        await pilot.press("pagedown")
        assert body.render().plain.startswith(second.title)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowserScreen))


async def test_markup_in_the_search_box_is_harmless(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browser(pilot)
        await search(pilot, screen, "[bold]anger[/] [/]")
        status = str(screen.query_one("#browse-status", Static).render())
        assert "[bold]anger[/] [/]" in status
