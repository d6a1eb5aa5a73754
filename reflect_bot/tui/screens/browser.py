"""Guidance browser (trainer mode): search as you type, the topic tree, a passage view
with the query's words highlighted, and a presenter view for projecting to a room."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from reflect_bot.corpus import Passage
from reflect_bot.lexical import words as content_words
from reflect_bot.tui.engine import EngineState
from reflect_bot.tui.widgets.engine_status import status_text
from reflect_bot.tui.widgets.key_footer import KeyFooter
from reflect_bot.tui.widgets.passage import PassageView, presenter_text
from reflect_bot.tui.widgets.topic_list import TopicList

if TYPE_CHECKING:
    from reflect_bot.tui.app import ReflectApp

DEBOUNCE_SECONDS = 0.25
RESULTS = 12


class BrowserScreen(Screen):
    if TYPE_CHECKING:
        app: ReflectApp  # the type checker sees this app's own attributes

    BINDINGS = [
        Binding("ctrl+f", "focus_search", "Search", id="browse-search"),
        Binding("f6", "present", "Present", id="browse-present"),
        Binding("escape", "clear", "Clear", id="browse-clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._debounce: Timer | None = None
        self.query_words: list[str] = []
        self.shown: Passage | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="browser"):
            with Vertical(id="browser-side"):
                yield Input(placeholder="Search the guidance as you type…", id="browse-query")
                yield OptionList(id="browse-results")
                yield TopicList(id="topic-tree")
            with VerticalScroll(id="browser-main"):
                yield Static("", id="browse-status")
                yield PassageView(id="browse-passage")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "engine_state", self._engine_changed)
        self.query_one("#browse-query", Input).focus()

    def _engine_changed(self, state: EngineState) -> None:
        status = self.query_one("#browse-status", Static)
        self._fill_tree()  # the corpus is there from CORPUS on
        ready = state is EngineState.READY
        status.update("" if ready else Text(status_text(self.app.engine)))
        query = self.query_one("#browse-query", Input).value
        if ready and query.strip():
            self.search(query)

    def _fill_tree(self) -> None:
        topics = self.query_one("#topic-tree", TopicList)
        corpus = self.app.engine.corpus
        if corpus is not None and topics.corpus is None:
            topics.fill(corpus)

    # --- searching ------------------------------------------------------------------

    @on(Input.Changed, "#browse-query")
    def _query_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, lambda: self.search(event.value))

    @on(Input.Submitted, "#browse-query")
    def _query_submitted(self, event: Input.Submitted) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self.search(event.value)
        self.query_one("#browse-results", OptionList).focus()

    def search(self, query: str) -> None:
        self.query_words = content_words(query)
        results = self.query_one("#browse-results", OptionList)
        if not query.strip():
            results.clear_options()
            self.query_one("#browse-status", Static).update("")
            return
        if self.app.engine.state is not EngineState.READY:
            self.query_one("#browse-status", Static).update(
                Text(f"{status_text(self.app.engine)} Results will appear as soon as it is "
                     "ready.")
            )
            return
        self._run_search(query)

    @work(thread=True, exclusive=True, group="browse-search")
    def _run_search(self, query: str) -> None:
        hits = self.app.engine.search(query, RESULTS)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_results, query, hits)

    def _show_results(self, query: str, hits: list) -> None:
        results = self.query_one("#browse-results", OptionList)
        results.clear_options()
        results.add_options(
            Option(
                Text.assemble((h.passage.title, "bold"), "\n", (h.passage.topic, "italic dim")),
                id=h.passage.id,
            )
            for h in hits
        )
        self.query_one("#browse-status", Static).update(
            Text(f"{len(hits)} passages for “{query}”", style="dim")
        )
        if hits:
            results.highlighted = 0
            self.show_passage(hits[0].passage.id)

    # --- showing --------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#browse-results")
    def _result_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.show_passage(event.option.id)

    @on(OptionList.OptionSelected, "#browse-results")
    def _result_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.show_passage(event.option.id)
        self.query_one("#browser-main").focus()

    @on(TopicList.PassageChosen)
    def _topic_passage(self, event: TopicList.PassageChosen) -> None:
        self.show_passage(event.passage_id)

    def show_passage(self, passage_id: str) -> None:
        passage = self.app.engine.passage(passage_id)
        if passage is None:
            return
        self.shown = passage
        self.query_one("#browse-passage", PassageView).show(passage, self.query_words)

    # --- actions --------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one("#browse-query", Input).focus()

    def action_clear(self) -> None:
        self.query_one("#browse-query", Input).value = ""
        self.action_focus_search()

    def action_present(self) -> None:
        if self.shown is None:
            self.notify("Choose a passage to present first.", severity="warning")
            return
        results = self.query_one("#browse-results", OptionList)
        options = (results.get_option_at_index(i) for i in range(results.option_count))
        ids = [option.id for option in options if option.id]
        if self.shown.id not in ids:
            ids = [self.shown.id]
        self.app.push_screen(PresenterScreen(ids, ids.index(self.shown.id), self.query_words))

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Search the guidance (ctrl+f)", "Focus the search box",
                            self.action_focus_search)
        yield SystemCommand("Present passage (f6)", "Large, full-screen view for a room",
                            self.action_present)
        yield SystemCommand("Clear search (escape)", "Empty the search box", self.action_clear)


class PresenterScreen(Screen):
    """One passage at a time, full screen, high contrast in every theme, for projecting.
    A terminal cannot choose its font size: the trainer zooms the terminal (often ctrl and
    +), and the text keeps to a readable width in the middle of the screen."""

    if TYPE_CHECKING:
        app: ReflectApp  # the type checker sees this app's own attributes


    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="present-back"),
        # presentation clickers send page down/up or the arrow keys
        Binding("right,pagedown,n,space", "step(1)", "Next", id="present-next"),
        Binding("left,pageup,p", "step(-1)", "Previous", id="present-previous"),
    ]

    def __init__(self, passage_ids: list[str], position: int, highlight: list[str]) -> None:
        super().__init__()
        self.passage_ids = passage_ids
        self.position = position
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="presenter"):
            yield Static(id="presenter-body")
        yield Static(id="presenter-position")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._show_current()

    def action_step(self, delta: int) -> None:
        self.position = (self.position + delta) % len(self.passage_ids)
        self._show_current()

    def _show_current(self) -> None:
        passage = self.app.engine.passage(self.passage_ids[self.position])
        if passage is None:  # the ids came from this corpus: never, but say nothing wrong
            return
        self.query_one("#presenter-body", Static).update(
            presenter_text(passage, self.highlight)
        )
        self.query_one("#presenter", VerticalScroll).scroll_home(animate=False)
        self.query_one("#presenter-position", Static).update(
            Text(f"{self.position + 1} of {len(self.passage_ids)}")
        )

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Next passage (right)", "Show the next result",
                            lambda: self.action_step(1))
        yield SystemCommand("Previous passage (left)", "Show the previous result",
                            lambda: self.action_step(-1))
        yield SystemCommand("Leave presenter view (escape)", "Back to the guidance browser",
                            lambda: self.app.pop_screen())
