"""Messages for the commands, from an argument or from standard input, under the one policy
in reflect_bot.inputs: cleaned, capped, and bytes that are not UTF-8 either an error naming
the line (a pipe or a file) or U+FFFD with a note (typed by a person)."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator

from reflect_bot.inputs import MAX_MESSAGE_CHARS, from_argument, prepare, read_lines


def note(text: str) -> None:
    """One line on stderr that is not an error: the command goes on."""
    print(f"reflect-bot: {text}", file=sys.stderr, flush=True)


def typed_message(argument: str, what: str = "the message") -> str:
    """A message given as an argument, ready for the core ("" when nothing is left)."""
    text, replaced = from_argument(argument)
    if replaced:
        note(f"{what} held bytes that are not UTF-8 text; they were read as \ufffd")
    message = prepare(text)
    if message.cut:
        note(message.notice)
    return message.text.strip()


def read_batch() -> Iterator[tuple[int, str]]:
    """(line number, message) for each line of standard input, one message a line. From a
    pipe or a file, bytes that are not UTF-8 stop the command with the line named; typed in
    a terminal, they are read as U+FFFD with a note."""
    typed = sys.stdin.isatty()
    for line in read_lines(sys.stdin, strict=not typed):
        if line.replaced:
            note(f"line {line.number}: bytes that are not UTF-8 text were read as \ufffd")
        message = prepare(line.text)
        cut = line.cut + message.cut
        if cut:
            note(f"line {line.number}: only the first {MAX_MESSAGE_CHARS:,} characters were "
                 f"read ({cut:,} more were left out)")
        yield line.number, message.text.strip()


def first_then_rest(batch: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]] | None:
    """The batch with its first line already read (None when there is none), so input that
    cannot be read is refused before the model is loaded, not after."""
    first = next(batch, None)
    return None if first is None else itertools.chain([first], batch)
