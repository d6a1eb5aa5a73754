"""Reflect (home): the practitioner talks a session through and gets grounded replies.

Thin over the core: `Composer.compose` writes every reply, in a thread worker, so the screen
never waits. A message sent while the guidance is still loading is queued and answered the
moment it is ready; its crisis check (model-free, instant) runs at once all the same.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from reflect_bot.errors import ReflectBotError
from reflect_bot.tui.engine import EngineState
from reflect_bot.tui.widgets.crisis_panel import CrisisPanel
from reflect_bot.tui.widgets.engine_status import EngineStatus
from reflect_bot.tui.widgets.key_footer import KeyFooter
from reflect_bot.tui.widgets.message_input import MessageInput

if TYPE_CHECKING:
    from reflect_bot.reply import Reply, Turn
    from reflect_bot.tui.app import ReflectApp
    from reflect_bot.tui.widgets.chat_message import PendingMessage, PractitionerMessage

# The journal, the reply's modules, the turns' widgets (Textual's Markdown) and the passage
# dialog are imported where they are first used, not here: this screen is in the first
# frame, and they are not (the engine's thread imports the reply's modules meanwhile).

WELCOME = (
    "Say in your own words what happened in the session and how it felt. "
    "Nothing is stored unless you save it (ctrl+s), and names are hidden before it is."
)
CITED_HINT = "The guidance each reply quotes is listed here; choose one to read it in full."
INPUT_HINT = "Enter sends · ctrl+j new line · Tab to the cited passages · F1 help"


class Conversation(VerticalScroll, can_focus=False):
    """The turns so far. Not a Tab stop (Tab goes between the message box and the cited
    passages); page up and page down scroll it from anywhere on the screen."""


class ReflectScreen(Screen):
    if TYPE_CHECKING:
        app: ReflectApp  # the type checker sees this app's own attributes

    BINDINGS = [
        Binding("ctrl+n", "new_conversation", "New", id="reflect-new"),
        Binding("ctrl+s", "save", "Save", id="reflect-save"),
        # priority: the message box would take ctrl+y as "redo"
        Binding("ctrl+y", "copy_reply", "Copy reply", id="reflect-copy", priority=True),
        Binding("escape", "cancel_reply", "Stop reply", id="reflect-cancel"),
        Binding("ctrl+r", "dismiss_crisis", "Close routes", id="crisis-dismiss"),
        Binding("pageup", "scroll_conversation(-1)", "Scroll up", id="reflect-page-up",
                show=False, priority=True),
        Binding("pagedown", "scroll_conversation(1)", "Scroll down", id="reflect-page-down",
                show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.turns: list[Turn] = []
        self.pending: tuple[str, PractitionerMessage, PendingMessage] | None = None
        self.worker: Worker | None = None
        self.saved_turns = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield CrisisPanel(id="crisis-panel")
        yield EngineStatus(id="engine-status")
        with Horizontal(id="reflect"):
            with Conversation(id="conversation"):
                yield Static(WELCOME, id="welcome", classes="message")
            with Vertical(id="cited"):
                yield Static("Cited passages", classes="cited-heading")
                yield Static(CITED_HINT, id="cited-hint")
                yield OptionList(id="cited-list")
        yield MessageInput(
            id="message-input", placeholder="What happened, and how did it feel? (Enter sends)"
        )
        yield Static(INPUT_HINT, classes="input-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(Conversation).anchor()  # stays at the latest turn as replies grow
        self.watch(self.app, "engine_state", self._engine_changed)
        self.query_one(MessageInput).focus()

    def _engine_changed(self, state: EngineState) -> None:
        if state is EngineState.READY and self.pending is not None and self.worker is None:
            self.pending[2].set_waiting(False)
            self._start_reply()
        elif state is EngineState.FAILED and self.pending is not None:
            self.action_cancel_reply()

    # --- sending --------------------------------------------------------------------

    @on(MessageInput.Submitted)
    def _submitted(self, event: MessageInput.Submitted) -> None:
        if self.pending is not None:
            self.notify("One moment: the last message is still being answered (Escape stops it).",
                        severity="warning")
            return
        engine = self.app.engine
        if engine.state is EngineState.FAILED:
            self._early_crisis_check(event.text)  # the routes never depend on the model
            self.notify(f"Replies are unavailable: {engine.error}", severity="error")
            return
        from reflect_bot.tui.widgets.chat_message import PendingMessage, PractitionerMessage

        event.input.clear()
        conversation = self.query_one(Conversation)
        said = PractitionerMessage(event.text)
        waiting = PendingMessage(waiting_for_model=engine.state is not EngineState.READY)
        conversation.mount_all([said, waiting])
        conversation.anchor()  # follow the new turn down, even if they had scrolled up
        self.pending = (event.text, said, waiting)
        self.refresh_bindings()
        if engine.state is EngineState.READY:
            self._start_reply()
        else:
            self._early_crisis_check(event.text)

    def _start_reply(self) -> None:
        assert self.pending is not None
        self.worker = self._reply(self.pending[0], tuple(self.turns))

    @work(thread=True, exclusive=True, group="reflect-reply", name="compose-reply")
    def _reply(self, message: str, history: tuple[Turn, ...]) -> None:
        try:
            reply = self.app.engine.reply(message, history)
        except ReflectBotError as exc:
            self.app.call_from_thread(self._failed, message, str(exc))
            return
        if not get_current_worker().is_cancelled:
            # Textual's call_from_thread types an async callback's result as Never
            self.app.call_from_thread(self._replied, message, reply)  # type: ignore[arg-type]

    def _failed(self, message: str, problem: str) -> None:
        if self.pending is not None and self.pending[0] == message:
            self.action_cancel_reply()
            self.notify(f"No reply this time: {problem}", severity="error", timeout=8)

    @work(thread=True, group="reflect-safety", name="crisis-check")
    def _early_crisis_check(self, message: str) -> None:
        """While the model loads, the crisis routes still appear at once if needed."""
        from reflect_bot import safety

        found = safety.check(message)  # the rules alone; the reply runs the full check
        if found.crisis and found.kind:
            self.app.call_from_thread(self._show_crisis, found.kind)

    def _show_crisis(self, kind: str) -> None:
        self.query_one(CrisisPanel).show(kind)
        self.refresh_bindings()

    @on(CrisisPanel.Dismissed)
    def _crisis_dismissed(self) -> None:
        self.refresh_bindings()
        self.query_one(MessageInput).focus()

    async def _replied(self, message: str, reply: Reply) -> None:
        if self.pending is None or self.pending[0] != message:
            return
        _, _, waiting = self.pending
        self.pending = None
        self.worker = None
        self.refresh_bindings()
        from reflect_bot.reply import Turn
        from reflect_bot.tui.widgets.chat_message import ReplyMessage

        self.turns.append(Turn(message, reply))
        if reply.crisis and reply.banner_markdown:
            self._show_crisis(reply.crisis_kind or "self")
        body = dataclasses.replace(reply, banner_markdown="").to_markdown()
        conversation = self.query_one(Conversation)
        shown = ReplyMessage(body)
        await conversation.mount(shown, before=waiting)
        await waiting.remove()
        self._list_cited(len(self.turns), reply)
        # land on the start of the reply, not its sources (sending anchors to the end again)
        conversation.anchor(False)
        conversation.call_after_refresh(
            conversation.scroll_to_widget, shown, top=True, animate=False
        )

    def _list_cited(self, number: int, reply: Reply) -> None:
        if not reply.cited:
            return
        cited = self.query_one("#cited-list", OptionList)
        self.query_one("#cited-hint").display = False
        options: list[Option] = [Option(Text(f"Reply {number}", style="bold"), disabled=True)]
        for c in reply.cited:
            label = Text.assemble((f"[{c.marker}] ", "bold"), c.passage.title)
            label.append(f"\n{c.passage.topic}", style="italic dim")
            options.append(Option(label, id=f"{number}:{c.marker}"))
        # newest reply first: rebuild with these on top
        earlier = [cited.get_option_at_index(i) for i in range(cited.option_count)]
        cited.clear_options()
        cited.add_options([*options, *earlier])
        cited.highlighted = 1

    # --- cited passages ----------------------------------------------------------------

    @on(OptionList.OptionSelected, "#cited-list")
    def _open_cited(self, event: OptionList.OptionSelected) -> None:
        if not event.option.id:
            return
        number, marker = (int(part) for part in event.option.id.split(":"))
        cited = next(c for c in self.turns[number - 1].reply.cited if c.marker == marker)
        from reflect_bot.tui.widgets.passage_dialog import PassageDialog

        self.app.push_screen(PassageDialog(cited.passage, marker))

    def unsaved(self) -> str:
        """What quitting now would lose, in words ("" if nothing)."""
        if len(self.turns) > self.saved_turns or self.pending is not None:
            return "your conversation has not been saved"
        if self.is_mounted and self.query_one(MessageInput).text.strip():
            return "what you were typing in Reflect has not been sent or saved"
        return ""

    # --- actions --------------------------------------------------------------------

    def action_cancel_reply(self) -> None:
        if self.pending is None:
            return
        text, said, waiting = self.pending
        if self.worker is not None:
            self.worker.cancel()
        self.pending = None
        self.worker = None
        self.refresh_bindings()
        said.remove()
        waiting.remove()
        box = self.query_one(MessageInput)
        if not box.text.strip():
            box.load_text(text)
            box.move_cursor(box.document.end)
        self.notify("Stopped. Your message is back in the box to change or send again.",
                    timeout=4)

    def action_new_conversation(self) -> None:
        if len(self.turns) > self.saved_turns:
            from reflect_bot.tui.widgets.confirm import ConfirmDialog

            def answer(yes: bool | None) -> None:
                if yes:
                    self._clear()

            self.app.push_screen(
                ConfirmDialog(
                    "Start a new conversation? This one has not been saved to your journal, "
                    "and it will be gone.",
                    yes="Start afresh",
                ),
                answer,
            )
        else:
            self._clear()

    def _clear(self) -> None:
        self.action_cancel_reply()
        self.turns.clear()
        self.saved_turns = 0
        self.query_one(Conversation).remove_children(
            "PractitionerMessage, ReplyMessage, PendingMessage"
        )
        self.query_one("#cited-list", OptionList).clear_options()
        self.query_one("#cited-hint").display = True
        self.query_one(MessageInput).clear()
        self.query_one(MessageInput).focus()
        self.notify("A new conversation.", timeout=2)

    def action_copy_reply(self) -> None:
        if not self.turns:
            self.notify("There is no reply to copy yet.", severity="warning")
            return
        reply = self.turns[-1].reply
        self.app.copy_to_clipboard(dataclasses.replace(reply, banner_text="").to_text())
        self.notify("Copied the last reply.", timeout=2)

    def action_save(self) -> None:
        from reflect_bot.journal import Draft

        if not self.turns:
            self.notify("There is nothing to save yet: send a message first.",
                        severity="warning")
            return
        turns: list[tuple[str, str]] = []
        for turn in self.turns:
            turns.append(("practitioner", turn.message))
            turns.append(("reply", dataclasses.replace(turn.reply, banner_text="").to_text()))
        cited = list(dict.fromkeys(pid for t in self.turns for pid in t.reply.passage_ids))
        count = len(self.turns)

        def saved(_: int) -> None:
            self.saved_turns = max(self.saved_turns, count)

        self.app.save_draft(Draft(kind="conversation", turns=turns, cited=cited), saved)

    def action_dismiss_crisis(self) -> None:
        self.query_one(CrisisPanel).dismiss()

    def action_scroll_conversation(self, direction: int) -> None:
        conversation = self.query_one(Conversation)
        if direction < 0:
            conversation.scroll_page_up()
        else:
            conversation.scroll_page_down()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that do nothing just now stay out of the footer."""
        if action == "cancel_reply":
            return self.pending is not None
        if action == "dismiss_crisis":
            panels = self.query(CrisisPanel)
            return bool(panels) and panels.first().shown
        return True

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("New conversation (ctrl+n)", "Clear this conversation and start again",
                            self.action_new_conversation)
        yield SystemCommand("Save conversation to journal (ctrl+s)",
                            "Preview exactly what will be stored, then save",
                            self.action_save)
        yield SystemCommand("Copy last reply (ctrl+y)", "Copy the last reply to the clipboard",
                            self.action_copy_reply)
        yield SystemCommand("Stop reply (escape)", "Stop a reply that is still being written",
                            self.action_cancel_reply)
        yield SystemCommand("Close crisis routes (ctrl+r)", "Hide the crisis support routes",
                            self.action_dismiss_crisis)
        yield SystemCommand("Scroll the conversation up (pageup)", "Read earlier turns",
                            lambda: self.action_scroll_conversation(-1))
        yield SystemCommand("Scroll the conversation down (pagedown)", "Back towards the latest",
                            lambda: self.action_scroll_conversation(1))
