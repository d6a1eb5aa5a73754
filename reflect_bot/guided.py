"""A guided reflection: one reflective model, stage by stage, ending in a summary.

The practitioner is asked each stage's questions in turn (Gibbs: Description -> Feelings ->
Evaluation -> Analysis -> Conclusion -> Action plan), answers in their own words, may go
back a stage or skip one, and is offered cited guidance where the model says it helps
(at analysis, from everything said so far). The end is a Markdown summary fit for
supervision or a CPD record: the stages, their words, the guidance cited and their action
plan.

`GuidedReflection` is plain state with no input or output of its own, so the terminal
(`reflect-bot reflect`), the app and the tests all drive it the same way:

    reflection = GuidedReflection("gibbs", composer)
    while not reflection.done:
        prompt = reflection.prompt()          # show prompt.heading, .purpose, .questions
        step = reflection.step("answer", text)  # text may be a command: back / skip / finish
        # show step.note ("Back to Feelings.") or step.reply
    markdown = reflection.summary_markdown()
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from reflect_bot import safety
from reflect_bot.prompts import Prompts, ReflectiveModel, Stage
from reflect_bot.reply import Cited, Composer, Focus, Reply, Turn, listening_reply

Command = Literal["back", "skip", "finish"]
Move = Literal["answer", "back", "skip", "finish"]


@dataclass
class StageAnswer:
    """What happened at one stage: the practitioner's words (None if not answered), whether
    they chose to skip it, and the reply they got (with any guidance cited)."""

    stage: Stage
    text: str | None = None
    skipped: bool = False
    reply: Reply | None = None


@dataclass(frozen=True)
class StagePrompt:
    """What to show for the current stage."""

    number: int  # 1-based
    total: int
    stage: Stage
    heading: str  # "Stage 2 of 6: Feelings"
    purpose: str
    questions: tuple[str, ...]
    previous_answer: str | None  # when they came back to a stage already answered


@dataclass(frozen=True)
class Step:
    """What one move did, to show: the reply to an answer, or a line saying where it went
    ("Back to Feelings.", "Skipped Description."). Both empty when there is nothing to say."""

    reply: Reply | None = None
    note: str = ""


class GuidedReflection:
    """One guided reflection, held in memory only.

    `composer` may be None: then no guidance is offered and the stage questions are taken
    in file order (a reflection can still be done, and summarised, without the model).
    """

    def __init__(
        self,
        model: ReflectiveModel | str,
        composer: Composer | None = None,
        prompts: Prompts | None = None,
        organisation: safety.Organisation | None = None,
    ) -> None:
        if prompts is None:
            from reflect_bot.prompts import default_prompts

            prompts = composer.prompts if composer is not None else default_prompts()
        self.prompts: Prompts = prompts
        self.model: ReflectiveModel = prompts.model(model) if isinstance(model, str) else model
        self.composer: Composer | None = composer
        # whose crisis routes to offer (the settings' nation and EAP) when there is no composer
        self.organisation = organisation or getattr(composer, "organisation", None) \
            or safety.Organisation()
        self.answers: list[StageAnswer] = [StageAnswer(stage) for stage in self.model.stages]
        self.index = 0  # the current stage
        self.finished = False

    # -- where we are -------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self.finished or self.index >= len(self.model.stages)

    @property
    def stage(self) -> Stage | None:
        return None if self.done else self.model.stages[self.index]

    def said_so_far(self, before: int | None = None) -> list[str]:
        """The practitioner's answers, in stage order, up to (not including) stage `before`."""
        end = len(self.answers) if before is None else before
        return [a.text for a in self.answers[:end] if a.text]

    def prompt(self) -> StagePrompt:
        """The current stage: its heading, purpose and up to three of its questions (the
        first, then those nearest to what has been said so far)."""
        if self.done:
            raise ValueError("the reflection is finished")
        stage = self.model.stages[self.index]
        wording = self.prompts.replies.guided
        said = self.said_so_far(self.index)
        if self.composer is not None and said:
            questions = self.composer.stage_questions(stage, said)
        else:
            questions = stage.questions[:3]
        return StagePrompt(
            number=self.index + 1,
            total=len(self.model.stages),
            stage=stage,
            heading=wording.stage_heading.format(
                number=self.index + 1, total=len(self.model.stages), name=stage.name
            ),
            purpose=stage.purpose,
            questions=questions,
            previous_answer=self.answers[self.index].text,
        )

    # -- moving on ------------------------------------------------------------------------------

    def command(self, text: str) -> Command | None:
        """Which command `text` is, if it is one ("back", "skip", "finish" and their synonyms
        in prompts/replies.yaml); None for an answer."""
        word = text.strip().lower().strip(".!")
        for name, words in self.prompts.replies.guided.commands.items():
            if word in words:
                return name  # type: ignore[return-value]
        return None

    def step(self, move: Move, text: str = "") -> Step:
        """One move by the practitioner, the same from the terminal and the app.

        An answer that is a command word ("back", "skip", "finish" or a synonym) is that
        command. Finishing with `text` takes it as this stage's answer first, so words typed
        and not yet sent are never lost. Raises what `answer` raises (the words are kept)."""
        if move == "answer":
            command = self.command(text)
            if command is None:
                return Step(reply=self.answer(text))
            move, text = command, ""
        wording = self.prompts.replies.guided
        if move == "back":
            if not self.back():
                return Step(note=wording.nothing_to_go_back_to)
            return Step(note=wording.went_back.format(name=self.model.stages[self.index].name))
        if move == "skip":
            if self.done:
                return Step()
            name = self.model.stages[self.index].name
            self.skip()
            return Step(note=wording.skipped.format(name=name))
        reply = self.answer(text) if text.strip() and not self.done else None
        self.finish()
        return Step(reply=reply)

    def answer(self, text: str) -> Reply:
        """Record the answer to the current stage, offer guidance if the stage calls for it
        and something fits, and move to the next stage. An empty answer skips the stage."""
        if self.done:
            raise ValueError("the reflection is finished")
        if not text.strip():
            self.skip()
            return Reply(acknowledgement="", grounded=False)
        stage = self.model.stages[self.index]
        # Kept before the reply is worked out, so an error there never loses the words.
        self.answers[self.index] = StageAnswer(stage, text.strip(), False, None)
        reply = self._reply(stage, text)
        self.answers[self.index] = StageAnswer(stage, text.strip(), False, reply)
        self.index += 1
        return reply

    def skip(self) -> None:
        """Move on without answering. Skipping a stage answered earlier (after going back to
        it) clears that answer: "Skipped" means the summary holds nothing for it."""
        if self.done:
            return
        self.answers[self.index] = StageAnswer(self.answers[self.index].stage, skipped=True)
        self.index += 1

    def back(self) -> bool:
        """Return to the previous stage; False when already at the first."""
        if self.finished:
            self.finished = False
        if self.index == 0:
            return False
        self.index -= 1
        return True

    def finish(self) -> None:
        """Stop here; stages not reached are shown as such in the summary."""
        self.finished = True

    # -- guidance -------------------------------------------------------------------------------

    def _reply(self, stage: Stage, text: str) -> Reply:
        history = tuple(
            Turn(a.text, a.reply)
            for i, a in enumerate(self.answers)
            if i != self.index and a.text and a.reply is not None
        )
        if self.composer is None:
            return listening_reply(text, self.prompts, self.organisation, turn=len(history))
        earlier = self.said_so_far(self.index)
        context = (" ".join(earlier),) if stage.guidance == "all" and earlier else ()
        focus = Focus(stage=stage, context=context, guidance=stage.guidance != "none",
                      questions=False)
        return self.composer.compose(text, history, focus=focus)

    # -- the summary ----------------------------------------------------------------------------

    def cited(self) -> list[Cited]:
        """Every passage cited during the reflection, once each, numbered in order."""
        seen: dict[str, Cited] = {}
        for a in self.answers:
            if a.reply is None:
                continue
            for c in a.reply.cited:
                if c.passage.id not in seen:
                    seen[c.passage.id] = Cited(len(seen) + 1, c.passage, c.score)
        return list(seen.values())

    def action_plan(self) -> str | None:
        for a in self.answers:
            if a.stage.action_plan and a.text:
                return a.text
        return None

    def summary_markdown(self, date: dt.date | None = None) -> str:
        """The reflection as Markdown, for supervision or a CPD record."""
        w = self.prompts.replies.guided.summary
        date = date or dt.date.today()
        cited = self.cited()
        number = {c.passage.id: c.marker for c in cited}
        out = [
            f"# {w['title'].format(model=self.model.name)}",
            "",
            w["model_line"].format(reference=self.model.reference),
            "",
            w["date_line"].format(date=date.isoformat()),
            "",
        ]
        for i, a in enumerate(self.answers, 1):
            out.append(f"## {i}. {w['stage_heading'].format(name=a.stage.name, number=i)}")
            out.append("")
            if a.text:
                out += [f"> {line}" if line.strip() else ">" for line in a.text.splitlines()]
            elif a.skipped:
                out.append(f"_{w['skipped']}_")
            else:
                out.append(f"_{w['not_reached']}_")
            out.append("")
            if a.text and a.reply is not None and a.reply.points:
                out.append(f"{w['guidance_heading']}:")
                out.append("")
                for p in a.reply.points:
                    out.append(f"- {p.text} [{number[p.passage_id]}]")
                out.append("")
        plan_stage = next((s for s in self.model.stages if s.action_plan), None)
        if plan_stage is None or plan_stage.name.lower() != w["action_plan_heading"].lower():
            out += [f"## {w['action_plan_heading']}", ""]
            plan = self.action_plan()
            if plan:
                out += [f"> {line}" if line.strip() else ">" for line in plan.splitlines()]
            else:
                out.append(f"_{w['no_action_plan']}_")
            out.append("")
        if cited:
            out += [f"## {w['sources_heading']}", ""]
            for c in cited:
                out.append(f"- {c.source_line()}")
            out.append("")
        out += ["---", "", w["footer"], ""]
        return "\n".join(out)

    def journal_turns(self) -> list[tuple[str, str]]:
        """(stage name, answer) pairs for a journal entry; guidance is cited by id."""
        return [(a.stage.name, a.text) for a in self.answers if a.text]
