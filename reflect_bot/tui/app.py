"""The Textual app: a thin shell over the reflect_bot core.

The first frame paints at once; the corpus, the model and the index load in a thread
worker started on mount (the heavy imports happen inside it, see tui/engine.py). Screens
watch `engine_state` and ask `app.engine` once it is READY; typing works meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import Theme

from reflect_bot.errors import JournalError, ReflectBotError
from reflect_bot.settings import Settings, load_settings_or_defaults, save_settings
from reflect_bot.tui.engine import Engine, EngineChanged, EngineFailed, EngineReady, EngineState

if TYPE_CHECKING:
    from reflect_bot.journal import Draft, Journal, Prepared
    from reflect_bot.reply import Composer
    from reflect_bot.retrieval import Retriever

HIGH_CONTRAST = Theme(
    name="reflect-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ff9f00",
    warning="#ffff00",
    error="#ff5f5f",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    boost="#333333",
    dark=True,
)


# Workers that only read or compute: quitting does not wait for them.
ABANDON_ON_QUIT = frozenset(
    {"engine", "reflect-reply", "reflect-safety", "guided-step", "browse-search", "prepare"}
)


def lazy_screen(path: str) -> Callable[[], Screen]:
    """A mode's screen, imported the first time the mode is opened (a faster first frame)."""

    def make() -> Screen:
        module, _, name = path.partition(":")
        return getattr(importlib.import_module(module), name)()

    return make


class ReflectApp(App):
    """reflect-bot: reflective support grounded in trauma-informed practice guidance."""

    TITLE = "reflect-bot"
    SUB_TITLE = "reflective practice, offline"
    CSS_PATH = "app.tcss"
    MODES = {
        "reflect": lazy_screen("reflect_bot.tui.screens.reflect:ReflectScreen"),
        "guided": lazy_screen("reflect_bot.tui.screens.guided:GuidedScreen"),
        "browse": lazy_screen("reflect_bot.tui.screens.browser:BrowserScreen"),
        "journal": lazy_screen("reflect_bot.tui.screens.journal:JournalScreen"),
    }
    DEFAULT_MODE = "reflect"
    # -narrow (under 120 columns): the compact layouts in app.tcss, for 80x24 terminals
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        # Priority: the text boxes bind F5/F6 themselves (select word/line), and the
        # screen keys must work wherever the cursor is.
        Binding("f1", "help", "Help", id="help", priority=True),
        Binding("f2", "switch_mode('reflect')", "Reflect", id="mode-reflect", priority=True),
        Binding("f3", "switch_mode('guided')", "Guided", id="mode-guided", priority=True),
        Binding("f4", "switch_mode('browse')", "Guidance", id="mode-browse", priority=True),
        Binding("f5", "switch_mode('journal')", "Journal", id="mode-journal", priority=True),
        Binding("ctrl+t", "cycle_theme", "Theme", id="cycle-theme", show=False),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]
    COMMAND_HELP = {
        "help": ("Help", "What reflect-bot is for, the keys, where data lives, crisis routes"),
        "mode-reflect": ("Reflect", "Talk through a session and get guidance"),
        "mode-guided": ("Guided reflection", "Walk Gibbs, Driscoll, Kolb or Schön stage by stage"),
        "mode-browse": ("Guidance browser", "Search and present the guidance (trainer mode)"),
        "mode-journal": ("Journal", "Your saved, redacted reflections"),
        "cycle-theme": ("Next theme", "Dark, light and high contrast"),
    }

    # mirrors `engine.state` (set only by the handlers below) so screens can watch it
    engine_state: reactive[EngineState] = reactive(EngineState.LOADING)
    index_progress: reactive[tuple[int, int]] = reactive((0, 0))  # texts encoded, of total

    def __init__(
        self,
        knowledge: Sequence[str] = (),
        settings: Settings | None = None,
        *,
        retriever: Retriever | None = None,
        composer: Composer | None = None,
    ) -> None:
        """`retriever` (already open) skips loading; `composer` replaces the retrieval
        composer (tests use a fixed one; a local generative model could go here)."""
        super().__init__()
        self.settings = settings or Settings()
        # knowledge: the CLI has already added settings.knowledge_dirs
        self.engine = Engine(knowledge, self.settings, retriever=retriever, composer=composer)
        self.journal: Journal | None = None
        self.register_theme(HIGH_CONTRAST)
        self.theme = self.settings.theme
        # Said once the first frame is up: a damaged settings file, a journal kept aside.
        self.startup_notices: list[str] = []

    def on_mount(self) -> None:
        self.call_after_refresh(self.announce)
        if self.engine.state is EngineState.READY:
            self.engine_state = EngineState.READY
        else:
            # After the first frame: importing the encoder holds the GIL for a moment,
            # which would otherwise delay the first paint.
            self.call_after_refresh(self.load_engine)

    def announce(self) -> None:
        """What went wrong since the last start, each said once: the settings file's
        problems now, a journal kept aside from a thread (`_announce_journal`)."""
        for notice in self.startup_notices:
            self._please_note(notice)
        self._announce_journal()

    @work(thread=True, group="journal-notes", name="journal-notes")
    def _announce_journal(self) -> None:
        """A damaged journal kept aside, read from a note beside it (no passphrase needed).
        In a thread: the journal module brings the redactor (0.2-0.3 s of imports), which
        the first frame need not wait for. Not abandoned on quit: reading the note removes
        it."""
        from reflect_bot.journal import moved_aside

        for notice in moved_aside():
            self.call_from_thread(self._please_note, notice)

    def _please_note(self, notice: str) -> None:
        self.notify(notice, title="Please note", severity="warning", timeout=30)

    @work(thread=True, exclusive=True, group="engine", name="load-engine")
    def load_engine(self) -> None:
        """Corpus, model and index: seconds of work, kept off the UI thread."""
        self.engine.load(self.post_message)

    def on_engine_changed(self, message: EngineChanged) -> None:
        self.engine.moved(message)
        self.index_progress = self.engine.index_progress
        self.engine_state = self.engine.state

    def on_engine_ready(self, message: EngineReady) -> None:
        self.engine.moved(message)
        for warning in message.warnings:
            self.notify(warning, severity="warning")
        self.engine_state = self.engine.state

    def on_engine_failed(self, message: EngineFailed) -> None:
        self.engine.moved(message)
        self.notify(message.error, title="Could not load", severity="error")
        self.engine_state = self.engine.state

    # --- the journal -----------------------------------------------------------------

    def with_journal(self, then: Callable[[Journal], object]) -> None:
        """Call `then(journal)` on the UI thread once the journal is open, asking for its
        passphrase first if it is encrypted. Opened once, then kept for the session."""
        if self.journal is not None:
            then(self.journal)
        else:
            self._open_journal(then, None)

    @work(thread=True, exclusive=True, group="journal-open", name="open-journal")
    def _open_journal(self, then: Callable[[Journal], object], passphrase: str | None) -> None:
        from reflect_bot.journal import Journal, is_encrypted

        try:
            if passphrase is None and is_encrypted():
                self.call_from_thread(self._ask_passphrase, then, "")
                return
            journal = Journal(passphrase=passphrase)
        except JournalError as exc:
            if passphrase is not None:
                self.call_from_thread(self._ask_passphrase, then, str(exc))
            else:
                self.call_from_thread(
                    self.notify, str(exc), title="Journal", severity="error", timeout=10
                )
            return
        self.call_from_thread(self._journal_opened, journal, then)

    def _ask_passphrase(self, then: Callable[[Journal], object], problem: str) -> None:
        from reflect_bot.tui.widgets.passphrase import PassphraseDialog

        def typed(passphrase: str | None) -> None:
            if passphrase:
                self._open_journal(then, passphrase)

        self.push_screen(PassphraseDialog(problem), typed)

    def _journal_opened(self, journal: Journal, then: Callable[[Journal], object]) -> None:
        if self.journal is None:
            self.journal = journal
        else:
            journal.close()
        then(self.journal)

    def save_draft(self, draft: Draft, saved: Callable[[int], None] | None = None) -> None:
        """Show exactly what will be stored, let the practitioner hide more, then save."""
        from reflect_bot.tui.widgets.save_preview import SavePreviewDialog

        if not any(text.strip() for _, text in draft.turns):
            self.notify("There is nothing to save yet.", severity="warning")
            return

        def chosen(prepared: Prepared | None) -> None:
            if prepared is None:
                self.notify("Nothing was saved.", timeout=3)
            else:
                self.with_journal(lambda journal: self._save(journal, prepared, saved))

        self.push_screen(SavePreviewDialog(draft), chosen)

    @work(thread=True, group="journal-save", name="save-entry")
    def _save(
        self, journal: Journal, prepared: Prepared, saved: Callable[[int], None] | None
    ) -> None:
        try:
            entry_id = journal.save(prepared)
        except JournalError as exc:
            self.call_from_thread(self.notify, str(exc), title="Not saved", severity="error")
            return
        self.call_from_thread(
            self.notify, f"Saved to your journal as entry {entry_id} (F5 to see it)."
        )
        if saved is not None:
            self.call_from_thread(saved, entry_id)

    def unsaved_work(self) -> list[str]:
        """What quitting now would lose, one phrase per screen with work in it."""
        found = []
        for mode in self.MODES:
            try:
                stack = self.get_screen_stack(mode)
            except KeyError:
                continue
            for screen in stack:
                what = screen.unsaved() if hasattr(screen, "unsaved") else ""
                if what:
                    found.append(what)
        return found

    async def action_quit(self) -> None:
        """Quit, asking first if anything typed would be lost (ctrl+q again quits)."""
        from reflect_bot.tui.widgets.confirm import QuitDialog

        unsaved = self.unsaved_work()
        if not unsaved or isinstance(self.screen, QuitDialog):
            await self.leave()
        else:
            self.push_screen(QuitDialog(unsaved), self._quit_chosen)

    async def _quit_chosen(self, yes: bool | None) -> None:
        if yes:
            await self.leave()

    async def leave(self) -> None:
        """Exit once nothing is being written: a journal save, delete or export in progress
        finishes first (work that only reads or computes is simply dropped)."""
        writing = [w for w in self.workers if w.group not in ABANDON_ON_QUIT and w.is_running]
        if writing:
            self.notify("Finishing saving before quitting…", timeout=2)
            await self.workers.wait_for_complete(writing)
        self.exit()

    def on_unmount(self) -> None:
        if self.journal is not None:
            self.journal.close()

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Never opens anything: reflect-bot stays offline. A link clicked in a reply or in
        help is copied instead, to open elsewhere if the practitioner chooses."""
        self.copy_to_clipboard(url)
        self.notify(f"reflect-bot does not open links, as it works offline. Copied: {url}",
                    timeout=6)

    # --- actions --------------------------------------------------------------------

    def action_help(self) -> None:
        from reflect_bot.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_cycle_theme(self) -> None:
        from reflect_bot.settings import THEMES

        current = THEMES.index(self.theme) if self.theme in THEMES else -1
        self.theme = THEMES[(current + 1) % len(THEMES)]

    def watch_theme(self, theme: str) -> None:
        if theme == self.settings.theme:
            return
        self.settings.theme = theme
        try:
            save_settings(self.settings)
        except ReflectBotError as exc:
            self.notify(str(exc), severity="warning")
        else:
            self.notify(f"Theme: {theme}", timeout=2)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.id in self.COMMAND_HELP:
                title, help_text = self.COMMAND_HELP[binding.id]
                action = binding.action
                yield SystemCommand(
                    f"{title} ({binding.key})", help_text, lambda a=action: self.run_action(a)
                )
        yield from getattr(screen, "commands", lambda: ())()


def run_app(args: argparse.Namespace) -> int:
    """`reflect-bot` with no command: open the app.

    Quitting is immediate: the app waits for any journal write or export to finish (see
    `ReflectApp.leave`), then the process ends without joining the loading thread (which may
    be halfway through importing torch or building the index) or tearing down torch's
    modules, which together took 2-7 s on this machine.
    """
    notices: list[str] = []
    app = ReflectApp(knowledge=args.knowledge, settings=load_settings_or_defaults(notices.append))
    app.startup_notices = notices
    app.run(loop=asyncio.new_event_loop())  # not asyncio.run: it joins every worker thread
    code = app.return_code or 0
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
