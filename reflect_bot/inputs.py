"""What a practitioner types, made safe to work on: decoded, cleaned and capped.

One policy for every way text comes in (the app, an argument, standard input):

* bytes that are not UTF-8 are an error naming the line when a file or a pipe is read
  (a script should stop, not answer the wrong words), and are read as U+FFFD with a note
  where a person typed them (an argument, a terminal), so what they wrote is never lost;
* escape sequences, NUL and other control characters are removed from anything encoded or
  shown (they could move the cursor, change colours, or reach the tokenizer);
* one message is at most MAX_MESSAGE_CHARS characters: a reflection is a few hundred words,
  so this leaves ample room, and it keeps time and memory flat whatever is pasted or piped.
  Reading stops there too: a longer line is never held in memory whole.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO, cast

from reflect_bot.errors import UsageError

MAX_MESSAGE_CHARS = 20_000
_CHUNK = 1 << 16  # bytes read at a time from a line longer than a message may be
_CONTINUATION = bytes(range(0x80, 0xC0))  # UTF-8 bytes that do not start a character

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), and two-character ESC sequences;
# the 8-bit CSI (\x9b) too.
_ANSI = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
)
# Every C0/C1 control except tab and newline, plus DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# bytes that were not UTF-8, as Python hands them over in argv (surrogateescape)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean(text: str) -> str:
    """`text` without escape sequences or control characters; line breaks normalised."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ANSI.sub("", text)
    text = _CONTROL.sub("", text)
    return text.replace("\t", "    ")


def clip(text: str, limit: int = MAX_MESSAGE_CHARS) -> tuple[str, int]:
    """`text` cut to `limit` characters, and how many characters were cut off."""
    if len(text) <= limit:
        return text, 0
    return text[:limit], len(text) - limit


@dataclass(frozen=True)
class Message:
    """A message ready to encode: `text` cleaned and capped; `cut` characters were dropped."""

    text: str
    cut: int = 0

    @property
    def notice(self) -> str:
        """The one line that says a long message was cut ("" when it was not)."""
        if not self.cut:
            return ""
        return (
            f"That message was very long, so only its first {MAX_MESSAGE_CHARS:,} characters "
            f"were read ({self.cut:,} more were left out)."
        )


def prepare(text: str) -> Message:
    """The message the core works on: cleaned, no longer than MAX_MESSAGE_CHARS. Cut first,
    so cleaning a huge paste costs no more than cleaning a long one."""
    head, cut = clip(text, MAX_MESSAGE_CHARS + 1024)  # room for escapes cleaning removes
    head = clean(head)
    kept, more = clip(head, MAX_MESSAGE_CHARS)
    return Message(kept, cut + more)


def from_argument(text: str) -> tuple[str, bool]:
    """A command-line argument: bytes that were not UTF-8 become U+FFFD. Returns the text
    and whether any were replaced, so the command can say so."""
    fixed = _SURROGATE.sub("\ufffd", text)
    return fixed, fixed != text


@dataclass(frozen=True)
class Line:
    """One line of input: `number` counts from 1; `cut` characters past the cap were not
    read; `replaced` is True when bytes that were not UTF-8 were read as U+FFFD."""

    number: int
    text: str
    cut: int = 0
    replaced: bool = False


def read_lines(stream: BinaryIO | TextIO, *, strict: bool, source: str = "standard input",
               limit: int = MAX_MESSAGE_CHARS) -> Iterator[Line]:
    """The lines of `stream` without their line endings, each at most `limit` characters.

    `strict` (a file or a pipe): bytes that are not UTF-8 raise UsageError naming the line.
    Otherwise (someone typing) they are read as U+FFFD and the Line says so. A text stream
    (tests, embedding) is read as it is, with the same limit.
    """
    raw: BinaryIO | TextIO = getattr(stream, "buffer", stream)
    text = isinstance(raw.read(0), str)  # what a read returns, not the declared class
    number = 0
    while True:
        number += 1
        if text:
            line = _text_line(cast(TextIO, raw), limit)
        else:
            line = _bytes_line(cast(BinaryIO, raw), limit, number, strict, source)
        if line is None:
            return
        yield Line(number, *line)


def _text_line(stream: TextIO, limit: int) -> tuple[str, int, bool] | None:
    head = stream.readline(limit + 1)
    if not head:
        return None
    cut = 0
    if len(head) > limit and not head.endswith("\n"):
        head, cut = head[:limit], 1
        while True:  # the rest of the line, a chunk at a time
            more = stream.readline(_CHUNK)
            cut += len(more) - more.endswith("\n")
            if not more or more.endswith("\n"):
                break
    text = head.rstrip("\r\n")
    fixed, replaced = from_argument(text)
    return fixed, cut, replaced


def _bytes_line(stream: BinaryIO, limit: int, number: int, strict: bool, source: str
                ) -> tuple[str, int, bool] | None:
    room = 4 * limit + 4  # bytes: enough for `limit` characters of any kind
    head = bytearray()
    left_out = 0  # characters past `room`, counted, never kept
    started = False
    while True:
        chunk = stream.readline(_CHUNK)
        if not chunk:
            break
        started = True
        take = chunk[: max(room - len(head), 0)]
        head += take
        if len(take) < len(chunk):
            left_out += len(chunk[len(take):].rstrip(b"\r\n").translate(None, _CONTINUATION))
        if chunk.endswith(b"\n"):
            break
    if not started:
        return None
    whole = not left_out and len(head) < room
    if whole:
        head = head.rstrip(b"\r\n")
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    replaced = False
    try:  # a character cut at `room` is not an error: it is left out with the rest
        text = decoder.decode(bytes(head), final=whole)
    except UnicodeDecodeError as exc:
        if strict:
            column = len(bytes(head[: exc.start]).decode("utf-8", "replace")) + 1
            raise UsageError(
                f"{source} is not UTF-8 text (line {number}, character {column}); "
                "save it as UTF-8 and try again"
            ) from None
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        text, replaced = decoder.decode(bytes(head), final=whole), True
    if decoder.getstate()[0]:  # the first bytes of a character cut at `room`
        left_out += 1
    text, more = clip(text, limit)
    return text, more + left_out, replaced
