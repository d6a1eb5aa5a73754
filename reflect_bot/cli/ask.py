"""`reflect-bot ask` (one reply to one message) and `reflect-bot reflect` (a guided
reflection in the plain terminal).

Thin shells over reflect_bot.reply and reflect_bot.guided. The rule-based safety check runs
before the model is loaded, so a crisis banner is printed at once and never waits for it; the
full check (rules and the labelled bank) runs with the reply, which carries the banner if
only the bank found the crisis.
In `reflect`, the conversation goes to stderr and the Markdown summary to stdout, so
`reflect-bot reflect > reflection.md` keeps only the summary.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from reflect_bot.cli.typed import first_then_rest, note, read_batch, typed_message
from reflect_bot.errors import ReflectBotError, UsageError
from reflect_bot.inputs import MAX_MESSAGE_CHARS, Line, clean, prepare, read_lines
from reflect_bot.settings import REFLECTIVE_MODELS

# safety, prompts and the engine are imported when a command runs, never to build the parser
if TYPE_CHECKING:
    from reflect_bot import safety
    from reflect_bot.guided import GuidedReflection
    from reflect_bot.prompts import Prompts, Stage
    from reflect_bot.reply import Focus, Reply, RetrievalComposer, Turn



def register(subparsers: argparse._SubParsersAction) -> None:
    ask = subparsers.add_parser(
        "ask",
        help="one reply to one message: guidance with sources and questions",
        description=(
            "Reply to one message (a new conversation): an acknowledgement, short points "
            "from the guidance with their sources, and questions to reflect on."
        ),
    )
    ask.add_argument(
        "text",
        metavar="TEXT",
        help='what happened or how you feel; "-" reads one message per line from stdin '
        "and prints one JSON object per line",
    )
    ask.add_argument("--json", action="store_true", help="print the reply as a JSON object")
    ask.set_defaults(func=run_ask)

    reflect = subparsers.add_parser(
        "reflect",
        help="a guided reflection, stage by stage, ending in a Markdown summary",
        description=(
            "Walk through a reflective model one stage at a time. Type 'back' or 'skip' "
            "at any stage, or 'finish' to stop. The summary is printed on stdout."
        ),
    )
    reflect.add_argument(
        "--model",
        choices=REFLECTIVE_MODELS,
        default=None,
        help="the reflective model (default: your setting, or gibbs)",
    )
    reflect.add_argument("--out", metavar="FILE", help="write the summary, redacted, to FILE "
                         "instead (readable by you alone)")
    reflect.add_argument("--force", action="store_true",
                         help="replace FILE if it already exists")
    reflect.add_argument(
        "--save", action="store_true", help="also save the reflection, redacted, in your journal"
    )
    reflect.set_defaults(func=run_reflect)


# --- ask ------------------------------------------------------------------------------------


def _organisation() -> safety.Organisation:
    """Where the practitioner works (settings: nation, eap_name, eap_phone), for the routes."""
    from reflect_bot.settings import load_settings

    return load_settings().organisation()


def _open_composer(knowledge: Sequence[str], organisation: safety.Organisation
                   ) -> RetrievalComposer:
    from reflect_bot.prompts import default_prompts
    from reflect_bot.reply import RetrievalComposer
    from reflect_bot.retrieval import Retriever

    # the reply's parts come from the cache while the encoder is still loading in its thread
    retriever = Retriever.open(knowledge, wait=False)
    return RetrievalComposer(retriever, default_prompts(), organisation)


def _preload() -> None:
    """The encoder starts loading in a thread now, while the safety rules, the corpus and the
    index load here (the rule check and its banner never wait for it)."""
    from reflect_bot.embedding import preload

    preload()


def run_ask(args: argparse.Namespace) -> int:
    from reflect_bot.prompts import default_prompts

    prompts = default_prompts()  # validated before anything slow happens
    if args.text == "-":
        batch = first_then_rest(read_batch())  # a bad first line is refused before the model
        if batch is None:
            return 0
        _preload()
        composer = _open_composer(args.knowledge, _organisation())
        for n, message in batch:
            if not message:
                note(f"line {n}: empty message")
            reply = composer.compose(message)
            print(json.dumps(reply.to_json(), ensure_ascii=False), flush=True)
        return 0
    text = typed_message(args.text)
    if not text:
        raise UsageError("the message is empty: say in a few words what happened or how you feel")
    _preload()
    from reflect_bot import safety

    organisation = _organisation()
    check = safety.check(text)
    banner_shown = False
    if check.crisis and check.kind and not args.json:
        print(safety.banner(check.kind, prompts.safety, organisation, markdown=False) + "\n",
              flush=True)
        banner_shown = True
    reply = _open_composer(args.knowledge, organisation).compose(text)
    if args.json:
        print(json.dumps(reply.to_json(), ensure_ascii=False, indent=2))
    else:
        print(reply.to_text(banner=not banner_shown), end="")
    return 0


# --- reflect --------------------------------------------------------------------------------


class BackgroundComposer:
    """Loads the model in a thread while the practitioner types their first answer, and
    waits for it only when guidance is first needed."""

    def __init__(self, load: Callable[[], RetrievalComposer], prompts: Prompts) -> None:
        self.prompts = prompts
        self._composer: RetrievalComposer | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._load, args=(load,), daemon=True)
        self._thread.start()

    def _load(self, load: Callable[[], RetrievalComposer]) -> None:
        try:
            self._composer = load()
        except BaseException as exc:  # re-raised in the main thread when it is needed
            self._error = exc

    def _ready(self) -> RetrievalComposer:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._composer is not None
        return self._composer

    def compose(
        self, message: str, history: Sequence[Turn] = (), *, focus: Focus | None = None
    ) -> Reply:
        return self._ready().compose(message, history, focus=focus)

    def stage_questions(
        self, stage: Stage, said: Sequence[str] = (), k: int = 3
    ) -> tuple[str, ...]:
        return self._ready().stage_questions(stage, said, k)


class _Answers:
    """What the practitioner types, one answer at a time: lines up to an empty line. A
    command word alone on a line is a command wherever it comes; straight after an answer
    it ends that answer and is the next thing read, never part of the answer.

    A reflection is typed, so a byte that is not UTF-8 (a cp1252 'é') is read as U+FFFD with
    a note and never costs the answers around it; escapes and NUL are dropped, and an answer
    is capped like any message."""

    def __init__(self, lines: Iterator[Line], err: TextIO, commands: set[str]) -> None:
        self.lines, self.err, self.commands = lines, err, commands
        self._pending: str | None = None

    def read(self) -> str | None:
        """The next answer or command; None at the end of input with nothing typed."""
        if self._pending is not None:
            command, self._pending = self._pending, None
            return command
        kept: list[str] = []
        size = left_out = 0
        replaced = False
        while True:
            self.err.write("> " if not kept else "  ")
            self.err.flush()
            line = next(self.lines, None)
            if line is None:
                if not kept:
                    self.err.write("\n")
                return _answer(kept, left_out) if kept else None
            if line.replaced and not replaced:  # once an answer, not once a line
                replaced = True
                note(f"line {line.number}: bytes that are not UTF-8 text were read as \ufffd"
                     " (and in any later lines of this answer)")
            left_out += line.cut
            text = clean(line.text)
            if not text.strip():
                if kept:
                    return _answer(kept, left_out)
                continue
            if text.strip().lower().strip(".!") in self.commands:
                if not kept:
                    return text
                self._pending = text
                return _answer(kept, left_out)
            if size > MAX_MESSAGE_CHARS:  # past the cap: counted, never held
                left_out += len(text)
                continue
            kept.append(text)
            size += len(text) + 1


def _answer(lines: list[str], left_out: int) -> str:
    message = prepare("\n".join(lines))
    if message.cut or left_out:
        note(f"that answer was very long, so only its first {MAX_MESSAGE_CHARS:,} characters "
             f"were read ({message.cut + left_out:,} more were left out)")
    return message.text


def _model_id(args: argparse.Namespace) -> str:
    if args.model:
        return args.model
    try:
        from reflect_bot.settings import load_settings

        return load_settings().reflective_model
    except ImportError:
        return "gibbs"


def run_reflect(args: argparse.Namespace) -> int:
    from reflect_bot.guided import GuidedReflection
    from reflect_bot.prompts import default_prompts

    prompts = default_prompts()
    model = prompts.model(_model_id(args))
    wording = prompts.replies.guided
    out = _check_out(args) if args.out else None  # before a word is typed
    commands = {w for words in wording.commands.values() for w in words}
    organisation = _organisation()
    composer = BackgroundComposer(lambda: _open_composer(args.knowledge, organisation), prompts)
    lines = read_lines(sys.stdin, strict=False)  # typed answers: see _Answers
    reflection = GuidedReflection(model, composer, prompts, organisation)
    err = sys.stderr
    try:
        _converse(reflection, _Answers(lines, err, commands), prompts, organisation, err)
    except BaseException as exc:  # whatever went wrong, what was typed is shown back
        _rescue(reflection, err)
        if isinstance(exc, ReflectBotError | KeyboardInterrupt):
            raise
        if isinstance(exc, UnicodeDecodeError):
            raise UsageError(f"what was typed is not UTF-8 text (byte {exc.start}); the "
                             "reflection so far is above, redacted") from None
        if isinstance(exc, Exception):
            raise ReflectBotError(f"the reflection stopped ({type(exc).__name__}: {exc}); the "
                                  "reflection so far is above, redacted") from None
        raise
    print("\n" + wording.finished + "\n", file=err)
    summary = reflection.summary_markdown()
    if out is not None:
        _write_summary(out, summary, args.force, err)
    else:
        sys.stdout.write(summary)
    if args.save:
        _save(reflection, model.id, err)
    return 0


def _converse(reflection: GuidedReflection, answers: _Answers, prompts: Prompts,
              organisation: safety.Organisation, err: TextIO) -> None:
    """Stage by stage until the end, `finish` or the end of input."""
    from reflect_bot import safety

    wording = prompts.replies.guided
    print(wording.intro.format(model=reflection.model.name), file=err)
    print(wording.how_to + "\n", file=err)
    while not reflection.done:
        prompt = reflection.prompt()
        print(f"\n{prompt.heading}\n{prompt.purpose}", file=err)
        for question in prompt.questions:
            print(f"  - {question}", file=err)
        if prompt.previous_answer:
            print("\n" + "\n".join(f"  | {line}" for line in prompt.previous_answer.splitlines()),
                  file=err)
        text = answers.read()
        if text is None:
            reflection.finish()
            return
        crisis_shown = False
        if reflection.command(text) is None:  # an answer, not back, skip or finish
            check = safety.check(text)
            if check.crisis and check.kind:  # at once: never wait for the model
                print("\n" + safety.banner(check.kind, prompts.safety, organisation,
                                           markdown=False), file=err)
                crisis_shown = True
        step = reflection.step("answer", text)
        if step.note:
            print(step.note, file=err)
        if step.reply is not None:
            # the routes once: already shown if the rules found the crisis, else with the reply
            body = step.reply.to_text(banner=not crisis_shown).strip()
            if body:
                print("\n" + body, file=err)


def _check_out(args: argparse.Namespace) -> Path:
    from reflect_bot.files import OutputError, check_destination

    try:
        return check_destination(Path(args.out), force=args.force)
    except OutputError as exc:
        raise UsageError(f"--out {exc}") from None


def _rescue(reflection: GuidedReflection, err: TextIO) -> None:
    """After an error: the answers so far, redacted, on stdout, so nothing typed is lost."""
    from reflect_bot.redact import redact, user_names

    if not reflection.said_so_far():
        return
    try:
        text = redact(reflection.summary_markdown(), user_names()).text
        print("\nThe reflection stopped; here is what you wrote so far (redacted):\n",
              file=err)
        sys.stdout.write(text)
        sys.stdout.flush()
    except Exception:  # nowhere to show it: the error below still says what happened
        pass


def _write_summary(out: Path, summary: str, force: bool, err: TextIO) -> None:
    """Write the summary, redacted, readable by the user alone. If it cannot be written, the
    redacted summary goes to stdout before the error, so nothing typed is lost."""
    from reflect_bot.files import OutputError, write_user_file
    from reflect_bot.redact import redact, user_names

    text = redact(summary, user_names()).text
    try:
        written = write_user_file(out, text, force=force)
    except OutputError as exc:
        sys.stdout.write(text)
        raise UsageError(f"--out {exc}; the summary is above, redacted") from None
    print(f"Summary written to {written}", file=err)


def _save(reflection, model_id: str, err: TextIO) -> None:
    """Store the reflection in the journal (redacted there before anything is written)."""
    try:
        from reflect_bot import journal
    except ImportError:
        print("The journal is not available in this version; nothing was saved.", file=err)
        return
    turns = reflection.journal_turns()
    if not turns:
        print("There was nothing to save: no stage was answered.", file=err)
        return
    draft = journal.Draft(
        kind="reflection",
        turns=turns,
        model=model_id,
        stages=[a.stage.name for a in reflection.answers if a.text],
        cited=[c.passage.id for c in reflection.cited()],
    )
    prepared = journal.Journal.prepare(draft)
    try:
        from reflect_bot.cli.journal import _open as open_journal
    except ImportError:  # pragma: no cover - the journal CLI ships with the journal
        open_journal = journal.Journal
    with open_journal() as store:
        number = store.save(prepared)
    print(f"Saved to your journal as entry {number}.", file=err)
