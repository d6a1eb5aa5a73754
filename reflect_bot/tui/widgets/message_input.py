"""Where the practitioner writes: several lines, Enter sends, ctrl+j starts a new line.

A TextArea shows its text literally, so markup can never be interpreted; pasted text is
cleaned of escape sequences and cut to `MAX_MESSAGE_CHARS` (with a note) so a huge paste
cannot freeze the screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import TextArea

from reflect_bot.tui.widgets.literal import MAX_MESSAGE_CHARS, clean, clip

NEWLINE_KEYS = ("ctrl+j", "shift+enter", "alt+enter")


class MessageInput(TextArea):
    """A multi-line input that posts `Submitted` on Enter."""

    @dataclass
    class Submitted(Message):
        """The practitioner pressed Enter; `text` is cleaned and never empty."""

        input: MessageInput
        text: str

        @property
        def control(self) -> MessageInput:
            return self.input

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(
            id=id,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            compact=True,
            placeholder=placeholder,
        )

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.submit()
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self._replace_via_keyboard("\n", *self.selection)
        # Anything else falls through to TextArea's own handler (Textual calls it next).

    async def _on_paste(self, event: events.Paste) -> None:
        if self.read_only:
            return
        room = MAX_MESSAGE_CHARS - len(self.text)
        text, cut = clip(clean(event.text), max(room, 0))
        event.prevent_default()
        event.stop()
        if cut:
            self.notify(
                f"That paste was very long, so only the first {len(text):,} characters were "
                f"kept (a message can hold up to {MAX_MESSAGE_CHARS:,}).",
                severity="warning",
            )
        if text:
            result = self._replace_via_keyboard(text, *self.selection)
            if result:
                self.move_cursor(result.end_location)

    def submit(self) -> None:
        text = clean(self.text).strip()
        if text:
            self.post_message(self.Submitted(self, text))
