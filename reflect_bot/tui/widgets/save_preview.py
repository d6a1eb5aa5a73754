"""Before anything is written: exactly what the journal will store, redactions highlighted.

The practitioner can name more words to hide (a nickname, a street); the draft is redacted
again with them as they type. They hide only what the practitioner wrote, never the guidance
a reply quotes (`Journal.prepare`). Redaction can take a moment on a long entry, so it runs
in a worker.
"""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, Static
from textual.worker import get_current_worker

from reflect_bot.errors import ReflectBotError
from reflect_bot.journal import Draft, Journal, Prepared
from reflect_bot.redact import Redaction
from reflect_bot.tui.widgets.key_footer import KeyFooter
from reflect_bot.tui.widgets.literal import clean

REDACTED_STYLE = "bold reverse"
HIDE_AFTER_SECONDS = 0.3  # a pause in typing in the words-to-hide box applies them
ROLE_LABELS = {"practitioner": "You", "reply": "Reply"}
TYPE_LABELS = {
    "NAME": "name", "CRN": "case reference", "PNC": "PNC number", "PRISON_NO": "prison number",
    "NI": "National Insurance number", "NHS": "NHS number", "PHONE": "phone number",
    "EMAIL": "email address", "POSTCODE": "postcode", "DOB": "date of birth",
    "ADDRESS": "address",
}


def highlighted(redaction: Redaction) -> Text:
    """The redacted text, literal, with each placeholder marked (style and brackets)."""
    text = redaction.text
    out = Text()
    pos, shift = 0, 0
    for span in redaction.spans:
        start = span.start + shift
        end = start + len(span.placeholder)
        shift += len(span.placeholder) - (span.end - span.start)
        if text[start:end] != span.placeholder:  # should not happen; show it plainly then
            continue
        out.append(clean(text[pos:start]))
        out.append(span.placeholder, style=REDACTED_STYLE)
        pos = end
    out.append(clean(text[pos:]))
    return out


def preview_text(prepared: Prepared) -> Text:
    out = Text()
    for i, (role, redaction) in enumerate(prepared.turns):
        if i:
            out.append("\n\n")
        label = ROLE_LABELS.get(role, role.replace("_", " ").capitalize())
        out.append(f"{label}\n", style="bold")
        out.append_text(highlighted(redaction))
    if prepared.tags:
        out.append("\n\nTags: ", style="bold")
        for i, tag in enumerate(prepared.tags):
            out.append(", " if i else "")
            out.append_text(highlighted(tag))
    if prepared.cited:
        out.append("\n\nSources: ", style="bold")
        out.append(", ".join(prepared.cited))
    return out


def redaction_summary(prepared: Prepared) -> str:
    counts = Counter(
        span.type for _, r in prepared.turns for span in r.spans
    ) + Counter(span.type for t in prepared.tags for span in t.spans)
    if not counts:
        return (
            "Nothing was recognised as identifying. If anything here could identify someone, "
            "type it below to hide it."
        )
    parts = []
    for kind, n in counts.most_common():
        label = TYPE_LABELS.get(kind, kind.lower())
        parts.append(f"{n} {label}{'' if n == 1 else 's'}")
    return (
        f"Replaced before saving (highlighted): {', '.join(parts)}. "
        "Anything else to hide? Type it below."
    )


class SavePreviewDialog(ModalScreen[Prepared | None]):
    """Dismisses with the Prepared entry to store, or None if the practitioner cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="preview-cancel"),
        Binding("ctrl+s", "save", "Save / export", id="preview-save"),
    ]

    def __init__(self, draft: Draft, verb: str = "Save") -> None:
        """`verb` names what happens next ("Save" to the journal, "Export" to a file)."""
        super().__init__()
        self.draft = draft
        self.verb = verb
        self.prepared: Prepared | None = None
        self.extra: list[str] = []
        self.save_when_ready = False
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="save-preview"):
            yield Static(
                "Save to your journal: this is exactly what will be stored"
                if self.verb == "Save"
                else f"{self.verb}: this is exactly what will be written",
                classes="dialog-title",
            )
            yield Static("Preparing…", id="preview-summary")
            with VerticalScroll(id="preview-text"):
                yield Static("", id="preview-body")
            yield Input(
                placeholder="More words to hide, separated by commas (a nickname, a street…)",
                id="redact-more",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel (Esc)", id="preview-cancel", compact=True)
                yield Button(f"{self.verb} (ctrl+s)", id="preview-save", variant="primary",
                             disabled=True, compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#redact-more", Input).focus()
        self.prepare()

    @work(thread=True, exclusive=True, group="prepare")
    def prepare(self) -> None:
        extra = list(self.extra)
        try:
            prepared = Journal.prepare(self.draft, extra)
        except ReflectBotError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, prepared, extra)

    def _show(self, prepared: Prepared, extra: list[str]) -> None:
        if extra != self.extra:  # the words changed while this was being prepared
            return
        self.prepared = prepared
        self.query_one("#preview-summary", Static).update(redaction_summary(prepared))
        self.query_one("#preview-body", Static).update(preview_text(prepared))
        self.query_one("#preview-save", Button).disabled = False
        if self.save_when_ready:
            self.dismiss(prepared)

    def _failed(self, message: str) -> None:
        self.query_one("#preview-summary", Static).update(Text(message))

    def _typed_words(self) -> list[str]:
        value = clean(self.query_one("#redact-more", Input).value)
        return [w.strip() for w in value.split(",") if w.strip()]

    @on(Input.Changed, "#redact-more")
    def _typing(self) -> None:
        """Hide the words as they are typed, once typing pauses."""
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(HIDE_AFTER_SECONDS, self._hide_typed)

    @on(Input.Submitted, "#redact-more")
    def _hide_typed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        words = self._typed_words()
        if words == self.extra:
            return
        self.extra = words
        self.prepared = None
        self.query_one("#preview-save", Button).disabled = True
        self.query_one("#preview-summary", Static).update("Hiding those words too…")
        self.prepare()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "preview-save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        """Save what is previewed; words typed a moment ago are hidden first, then saved."""
        if self._typed_words() != self.extra:
            self.save_when_ready = True
            self._hide_typed()
        elif self.prepared is not None:
            self.dismiss(self.prepared)
        else:
            self.save_when_ready = True

    def action_cancel(self) -> None:
        self.dismiss(None)
