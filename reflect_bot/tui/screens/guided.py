"""Guided reflection: choose Gibbs, Driscoll, Kolb or Schön, then go stage by stage (back and
skip as you like) to a Markdown summary that can be saved to the journal or exported.

`reflect_bot.guided.GuidedReflection` holds all the state and wording; this screen only
shows it. Each step runs in a worker (choosing questions and guidance needs the model), and
waits there, not here, if the model is still loading.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    ContentSwitcher,
    Header,
    Markdown,
    OptionList,
    Static,
)
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from reflect_bot.errors import ReflectBotError
from reflect_bot.guided import GuidedReflection, Move, StagePrompt
from reflect_bot.journal import Draft, Prepared
from reflect_bot.prompts import Prompts, default_prompts
from reflect_bot.settings import REFLECTIVE_MODELS
from reflect_bot.tui.engine import EngineState
from reflect_bot.tui.widgets.crisis_panel import CrisisPanel
from reflect_bot.tui.widgets.engine_status import EngineStatus
from reflect_bot.tui.widgets.key_footer import KeyFooter
from reflect_bot.tui.widgets.literal import clean, escape_markdown
from reflect_bot.tui.widgets.message_input import MessageInput
from reflect_bot.tui.widgets.stepper import Stepper

if TYPE_CHECKING:
    from reflect_bot.tui.app import ReflectApp


def summary_markdown(reflection: GuidedReflection, texts: Iterable[str] | None = None,
                     on: date | None = None) -> str:
    """The reflection's summary with the practitioner's words made inert (a heading or a link
    they typed shows as typed). `texts` replaces the answers in order (the redacted ones,
    for an export)."""
    shadow = copy.copy(reflection)
    replacements = iter(texts) if texts is not None else None
    shadow.answers = [
        dataclasses.replace(
            a, text=escape_markdown(next(replacements) if replacements else a.text)
        ) if a.text else a
        for a in reflection.answers
    ]
    return shadow.summary_markdown(on)


def reflection_draft(reflection: GuidedReflection) -> Draft:
    return Draft(
        kind="reflection",
        model=reflection.model.id,
        stages=[s.name for s in reflection.model.stages],
        turns=reflection.journal_turns(),
        cited=[c.passage.id for c in reflection.cited()],
    )


class GuidedScreen(Screen):
    if TYPE_CHECKING:
        app: ReflectApp  # the type checker sees this app's own attributes

    BINDINGS = [
        Binding("ctrl+b", "back", "Back a stage", id="guided-back"),
        Binding("ctrl+o", "skip", "Skip stage", id="guided-skip"),
        Binding("ctrl+f", "finish", "Finish", id="guided-finish"),
        Binding("ctrl+s", "save", "Save", id="guided-save"),
        # priority: the answer box would take ctrl+e as "end of line"
        Binding("ctrl+e", "export", "Export", id="guided-export", priority=True),
        Binding("ctrl+n", "new_reflection", "New reflection", id="guided-new"),
        Binding("ctrl+r", "dismiss_crisis", "Close routes", id="guided-crisis-dismiss"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.prompts: Prompts = default_prompts()
        self.reflection: GuidedReflection | None = None
        self.busy = False
        self.saved = False
        self.summary_date: date | None = None  # None: today (tests fix it)
        # words typed at a stage and left by going back or skipping, offered again there
        self.drafts: dict[int, str] = {}
        self.queued: tuple[Move, str] | None = None  # a move made before the engine was ready

    def compose(self) -> ComposeResult:
        yield Header()
        yield CrisisPanel(id="crisis-panel")
        yield EngineStatus(id="guided-engine-status")
        with Horizontal(id="guided"):
            yield Stepper(id="stepper")
            with ContentSwitcher(initial="guided-pick", id="guided-main"):
                with VerticalScroll(id="guided-pick"):
                    yield Static(
                        "Choose a reflective model to walk through, one stage at a time. "
                        "There are no right answers: write as much or as little as you like.",
                        classes="guided-intro",
                    )
                    yield OptionList(id="model-picker")
                # the answer box and its buttons stay in view below; what is above scrolls
                with Vertical(id="guided-stage"):
                    with VerticalScroll(id="stage-scroll"):
                        yield Markdown("", id="guided-guidance")
                        yield Static(id="stage-heading")
                        yield Static(id="stage-purpose")
                        yield Static(id="stage-questions")
                    yield Static(id="stage-status")
                    yield MessageInput(
                        id="stage-answer",
                        placeholder="Your answer (Enter goes on, ctrl+j new line)",
                    )
                    with Horizontal(id="guided-buttons"):
                        yield Button("Back (ctrl+b)", id="stage-back", compact=True)
                        yield Button("Skip (ctrl+o)", id="stage-skip", compact=True)
                        yield Button("Next (Enter)", id="stage-next", variant="primary",
                                     compact=True)
                        yield Button("Finish (ctrl+f)", id="stage-finish", compact=True)
                with VerticalScroll(id="guided-summary"):
                    yield Markdown("", id="guided-summary-text")
                    with Horizontal(id="summary-buttons", classes="dialog-buttons"):
                        yield Button("Save to journal (ctrl+s)", id="summary-save",
                                     variant="primary")
                        yield Button("Export (ctrl+e)", id="summary-export")
                        yield Button("New reflection (ctrl+n)", id="summary-new")
        yield KeyFooter()

    def on_mount(self) -> None:
        picker = self.query_one("#model-picker", OptionList)
        for model_id in REFLECTIVE_MODELS:
            if model_id not in self.prompts.models:
                continue
            model = self.prompts.models[model_id]
            label = Text.assemble((model.name, "bold"), f"\n{model.summary}\n")
            picker.add_option(Option(label, id=model_id))
        default = self.app.settings.reflective_model
        if picker.get_option_index(default) is not None:
            picker.highlighted = picker.get_option_index(default)
        picker.focus()
        self.query_one(Stepper).update(Text("Stages appear here once you choose a model."))
        self.watch(self.app, "engine_state", self._engine_changed, init=False)

    # --- starting -----------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#model-picker")
    def _model_chosen(self, event: OptionList.OptionSelected) -> None:
        self.start(str(event.option.id))

    def start(self, model_id: str) -> None:
        """Begin a reflection; the first stage needs nothing from the model."""
        self.reflection = GuidedReflection(model_id, None, self.prompts)
        self.saved = False
        self.query_one("#guided-guidance", Markdown).update(
            self.prompts.replies.guided.intro.format(model=self.reflection.model.name)
        )
        self._show_prompt(self.reflection.prompt())
        self.query_one(ContentSwitcher).current = "guided-stage"
        self.query_one("#stage-answer", MessageInput).focus()
        self.refresh_bindings()

    # --- stepping ------------------------------------------------------------------------

    @on(MessageInput.Submitted, "#stage-answer")
    def _answered(self, event: MessageInput.Submitted) -> None:
        self._begin("answer", event.text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "stage-back": self.action_back, "stage-skip": self.action_skip,
            "stage-finish": self.action_finish, "summary-save": self.action_save,
            "summary-export": self.action_export, "summary-new": self.action_new_reflection,
        }
        if event.button.id == "stage-next":
            event.stop()
            self.query_one("#stage-answer", MessageInput).submit()
        elif event.button.id in actions:
            event.stop()
            actions[event.button.id]()

    def typed(self) -> str:
        """What is in the answer box and not yet taken as this stage's answer ("" if
        nothing new)."""
        if self.reflection is None or self.reflection.done or not self.is_mounted:
            return ""
        text = clean(self.query_one("#stage-answer", MessageInput).text).strip()
        if self.reflection.command(text) or text == self.reflection.answers[
                self.reflection.index].text:
            return ""
        return text

    def _begin(self, move: Move, text: str = "") -> None:
        if self.reflection is None or self.busy or self.reflection.done:
            return
        if move in ("back", "skip"):
            typed = self.typed()
            if typed:
                self.drafts[self.reflection.index] = typed
            else:
                self.drafts.pop(self.reflection.index, None)
        elif move == "finish":
            text = self.typed()  # finishing takes what was typed as this stage's answer
        self.busy = True
        if self.app.engine.state.settled:
            self._set_busy(True)
            self._step(move, text)
        else:  # taken as soon as the engine is ready (see _engine_changed)
            self._set_busy(True, waiting=True)
            self.queued = (move, text)

    def _engine_changed(self, state: EngineState) -> None:
        if state.settled and self.queued is not None:
            move, text = self.queued
            self.queued = None
            self._set_busy(True)
            self._step(move, text)

    @work(thread=True, exclusive=True, group="guided-step", name="guided-step")
    def _step(self, move: Move, text: str) -> None:
        reflection = self.reflection
        assert reflection is not None
        if reflection.composer is None and self.app.engine.state is EngineState.READY:
            reflection.composer = self.app.engine.composer()
        try:
            step = reflection.step(move, text)
        except ReflectBotError as exc:
            self.app.call_from_thread(self._step_failed, str(exc))
            return
        prompt = None if reflection.done else reflection.prompt()
        summary = summary_markdown(reflection, on=self.summary_date) if reflection.done else ""
        if not get_current_worker().is_cancelled:
            # Textual's call_from_thread types an async callback's result as Never
            self.app.call_from_thread(self._stepped, step.reply,  # type: ignore[arg-type]
                                      prompt, summary, step.note)

    async def _stepped(self, reply, prompt: StagePrompt | None, summary: str,
                       note: str) -> None:
        guidance = self.query_one("#guided-guidance", Markdown)
        if reply is not None:
            if reply.crisis and reply.banner_markdown:
                self.query_one(CrisisPanel).show(reply.crisis_kind or "self")
            await guidance.update(dataclasses.replace(reply, banner_markdown="").to_markdown())
        elif note:
            await guidance.update(escape_markdown(note))
        self.busy = False
        self._set_busy(False)
        if prompt is not None:
            self._show_prompt(prompt)
            self.query_one("#stage-answer", MessageInput).focus()
        else:
            self._show_summary(summary)
        self.refresh_bindings()

    def _step_failed(self, problem: str) -> None:
        self.busy = False
        self._set_busy(False)
        self.notify(f"That answer could not be taken just now: {problem}", severity="error")

    def _show_prompt(self, prompt: StagePrompt) -> None:
        assert self.reflection is not None
        self.query_one(Stepper).show(self.reflection)
        self.query_one("#stage-heading", Static).update(Text(prompt.heading, style="bold"))
        self.query_one("#stage-purpose", Static).update(Text(prompt.purpose, style="italic"))
        questions = Text()
        for i, q in enumerate(prompt.questions):
            questions.append(("\n" if i else "") + f"• {q}")
        self.query_one("#stage-questions", Static).update(questions)
        box = self.query_one("#stage-answer", MessageInput)
        box.load_text(self.drafts.pop(prompt.number - 1, "") or prompt.previous_answer or "")
        box.move_cursor(box.document.end)
        self.query_one("#stage-back", Button).disabled = prompt.number == 1
        scroll = self.query_one("#stage-scroll", VerticalScroll)
        scroll.call_after_refresh(
            scroll.scroll_to_widget, self.query_one("#stage-heading"), top=True, animate=False
        )

    def _show_summary(self, summary: str) -> None:
        assert self.reflection is not None
        self.query_one(Stepper).show(self.reflection)
        self.query_one("#guided-summary-text", Markdown).update(
            f"{self.prompts.replies.guided.finished}\n\n{summary}"
        )
        self.query_one(ContentSwitcher).current = "guided-summary"
        self.query_one("#summary-save", Button).focus()

    def _set_busy(self, busy: bool, waiting: bool = False) -> None:
        status = self.query_one("#stage-status", Static)
        if busy:
            status.update("Waiting until reflect-bot is ready (see the line at the top)…"
                          if waiting
                          else "Thinking it through…")
        else:
            status.update("")
        for widget in self.query("#guided-buttons Button"):
            widget.disabled = busy or (widget.id == "stage-back" and self._at_first_stage())
        self.query_one("#stage-answer", MessageInput).read_only = busy

    def _at_first_stage(self) -> bool:
        return self.reflection is None or self.reflection.index == 0

    def unsaved(self) -> str:
        """What quitting now would lose, in words ("" if nothing)."""
        if self.reflection is None or self.saved:
            return ""
        if self.reflection.journal_turns() or self.typed() or self.drafts:
            return "your guided reflection has not been saved"
        return ""

    # --- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        current = self.query_one(ContentSwitcher).current if self.is_mounted else None
        if action in ("back", "skip", "finish"):
            return current == "guided-stage"
        if action in ("save", "export"):
            return current == "guided-summary"
        if action == "dismiss_crisis":
            panels = self.query(CrisisPanel)
            return bool(panels) and panels.first().shown
        return True

    def action_back(self) -> None:
        self._begin("back")

    def action_skip(self) -> None:
        self._begin("skip")

    def action_finish(self) -> None:
        self._begin("finish")

    def action_save(self) -> None:
        if self.reflection is None or not self.reflection.done:
            return
        draft = reflection_draft(self.reflection)

        def saved(_: int) -> None:
            self.saved = True

        self.app.save_draft(draft, saved)

    def action_export(self) -> None:
        """Export the summary to a file: redacted like a journal entry, previewed first."""
        if self.reflection is None or not self.reflection.done:
            return
        from reflect_bot.tui.widgets.export_dialog import (
            ExportChoice,
            ExportDialog,
            default_export_path,
        )
        from reflect_bot.tui.widgets.save_preview import SavePreviewDialog

        reflection = self.reflection
        draft = reflection_draft(reflection)
        if not draft.turns:
            self.notify("There is nothing to export yet: no stage was answered.",
                        severity="warning")
            return

        def previewed(prepared: Prepared | None) -> None:
            if prepared is None:
                return
            text = summary_markdown(
                reflection, [r.text for _, r in prepared.turns], on=self.summary_date
            )
            intro = ("Export the summary to Markdown, for supervision or a CPD record. The "
                     "file is readable by you alone.")

            def chosen(choice: ExportChoice | None) -> None:
                if choice:
                    self._export(choice.path, text, choice.replace)

            self.app.push_screen(
                ExportDialog({"summary": "Export"}, default_export_path("reflection"), intro),
                chosen,
            )

        self.app.push_screen(SavePreviewDialog(draft, verb="Export"), previewed)

    @work(thread=True, group="guided-export")
    def _export(self, path: Path, text: str, replace: bool = False) -> None:
        from reflect_bot.files import write_user_file

        try:
            path = write_user_file(path, text, force=replace)
        except ReflectBotError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.notify, f"Exported the summary to {path}")

    def action_new_reflection(self) -> None:
        def restart(yes: bool | None = True) -> None:
            if yes:
                self.reflection = None
                self.drafts.clear()
                self.queued = None  # a move waiting for the engine was for that reflection
                self.workers.cancel_group(self, "guided-step")
                if self.busy:
                    self.busy = False
                    self._set_busy(False)
                self.query_one(ContentSwitcher).current = "guided-pick"
                self.query_one(Stepper).update(
                    Text("Stages appear here once you choose a model.")
                )
                self.query_one("#model-picker", OptionList).focus()
                self.refresh_bindings()

        if self.reflection is not None and self.reflection.journal_turns() and not self.saved:
            from reflect_bot.tui.widgets.confirm import ConfirmDialog

            self.app.push_screen(
                ConfirmDialog("Start a new reflection? This one has not been saved to your "
                              "journal, and it will be gone.", yes="Start afresh"),
                restart,
            )
        else:
            restart()

    def action_dismiss_crisis(self) -> None:
        self.query_one(CrisisPanel).dismiss()

    @on(CrisisPanel.Dismissed)
    def _crisis_dismissed(self) -> None:
        self.refresh_bindings()

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Back a stage (ctrl+b)", "Return to the previous stage",
                            self.action_back)
        yield SystemCommand("Skip stage (ctrl+o)", "Move on without answering",
                            self.action_skip)
        yield SystemCommand("Finish reflection (ctrl+f)", "Stop here and see the summary",
                            self.action_finish)
        yield SystemCommand("Save reflection to journal (ctrl+s)",
                            "Preview exactly what will be stored, then save", self.action_save)
        yield SystemCommand("Export reflection (ctrl+e)", "Write the summary to a Markdown file",
                            self.action_export)
        yield SystemCommand("New reflection (ctrl+n)", "Choose a model and start again",
                            self.action_new_reflection)
        yield SystemCommand("Close crisis routes (ctrl+r)", "Hide the crisis support routes",
                            self.action_dismiss_crisis)

