"""Journal: saved reflections (already redacted), newest first, with search; view, export
to Markdown and delete (after asking). The retention setting is applied on first opening.

Everything that touches the file runs in a worker: an encrypted journal decrypts each entry,
and opening it derives a key, which takes a noticeable moment.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Static

from reflect_bot.errors import ReflectBotError
from reflect_bot.journal import Entry, Journal
from reflect_bot.tui.widgets.key_footer import KeyFooter
from reflect_bot.tui.widgets.literal import literal

if TYPE_CHECKING:
    from reflect_bot.tui.app import ReflectApp

DEBOUNCE_SECONDS = 0.2
TITLE_WIDTH = 44  # characters of an entry's first words in the list
ROLE_LABELS = {"practitioner": "You", "reply": "Reply"}


def entry_text(entry: Entry) -> Text:
    """One entry, shown literally: whatever was typed can never become markup."""
    when = entry.created.astimezone()
    out = Text.assemble((f"Entry {entry.id}: {entry.kind_label}\n", "bold"))
    out.append(f"{when:%d %B %Y, %H:%M}", style="italic")
    if entry.tags:
        out.append("\nTags: ")
        out.append_text(literal(", ".join(entry.tags)))
    for role, text in entry.turns:
        label = ROLE_LABELS.get(role, role.replace("_", " ").capitalize())
        out.append(f"\n\n{label}\n", style="bold")
        out.append_text(literal(text.strip()))
    if entry.cited:
        out.append("\n\nSources: ", style="bold")
        out.append(", ".join(entry.cited))
    return out


class JournalScreen(Screen):
    if TYPE_CHECKING:
        app: ReflectApp  # the type checker sees this app's own attributes

    BINDINGS = [
        Binding("ctrl+f", "focus_search", "Search", id="journal-search"),
        # priority: the search box would take ctrl+e as "go to end"
        Binding("ctrl+e", "export", "Export", id="journal-export", priority=True),
        Binding("delete", "delete", "Delete entry", id="journal-delete"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.journal: Journal | None = None
        self.entries: dict[int, Entry] = {}
        self.shown: Entry | None = None
        self._retention_done = False
        self._damaged_said: set[int] = set()  # entries that cannot be read, each said once
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="journal"):
            with Vertical(id="journal-side"):
                yield Input(placeholder="Search your journal…", id="journal-query")
                yield DataTable(id="journal-table", cursor_type="row", zebra_stripes=True)
                yield Static("Opening your journal…", id="journal-status")
            with VerticalScroll(id="journal-view"):
                yield Static(
                    "Choose an entry to read it. Entries are stored as you saved them, with "
                    "names and other identifying details replaced.",
                    id="journal-entry",
                )
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#journal-table", DataTable)
        table.add_column("No.", key="id")
        table.add_column("Saved", key="when")
        table.add_column("Entry", key="entry")
        self.app.with_journal(self._opened)

    def on_screen_resume(self) -> None:
        if self.journal is not None:
            self.reload()
        elif self.is_mounted and not self._asking():
            self.app.with_journal(self._opened)

    def _asking(self) -> bool:
        return any(w.name == "open-journal" and w.is_running for w in self.app.workers)

    def _opened(self, journal: Journal) -> None:
        self.journal = journal
        self.query_one("#journal-table", DataTable).focus()
        if not self._retention_done:
            self._retention_done = True
            self._apply_retention(journal, self.app.settings.retention_days)
        else:
            self.reload()

    @work(thread=True, exclusive=True, group="journal-read")
    def _apply_retention(self, journal: Journal, days: int | None) -> None:
        try:
            gone = journal.apply_retention(days)
        except ReflectBotError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            gone = 0
        if gone:
            self.app.call_from_thread(
                self.notify,
                f"{gone} {'entry was' if gone == 1 else 'entries were'} older than {days} days "
                "and deleted, as your retention setting asks.",
                timeout=8,
            )
        entries = self._read(journal, self.query_one("#journal-query", Input).value)
        if entries is not None:
            self.app.call_from_thread(self._show_list, entries)

    # --- listing --------------------------------------------------------------------

    def reload(self) -> None:
        if self.journal is not None:
            self._load(self.journal, self.query_one("#journal-query", Input).value)

    @work(thread=True, exclusive=True, group="journal-read")
    def _load(self, journal: Journal, search: str) -> None:
        entries = self._read(journal, search)
        if entries is not None:
            self.app.call_from_thread(self._show_list, entries)

    def _read(self, journal: Journal, search: str) -> list[Entry] | None:
        try:
            entries = journal.list(search=search or None)
        except ReflectBotError as exc:
            self.app.call_from_thread(self.notify, str(exc), title="Journal", severity="error")
            return None
        for damaged in journal.damaged:
            if damaged.entry_id not in self._damaged_said:
                self._damaged_said.add(damaged.entry_id)
                self.app.call_from_thread(self.notify, str(damaged), title="Journal",
                                          severity="warning", timeout=20)
        return entries

    def _show_list(self, entries: list[Entry]) -> None:
        table = self.query_one("#journal-table", DataTable)
        previous = self.shown.id if self.shown else None
        table.clear()
        self.entries = {e.id: e for e in entries}
        for e in entries:
            when = e.created.astimezone()
            title = e.title if len(e.title) <= TITLE_WIDTH else (
                e.title[: TITLE_WIDTH - 1].rstrip() + "…"
            )
            table.add_row(
                str(e.id),
                Text(f"{when:%d %b %Y}\n{when:%H:%M}"),
                Text.assemble((e.kind_label, "bold"), "\n", literal(title)),
                height=2,
                key=str(e.id),
            )
        search = self.query_one("#journal-query", Input).value.strip()
        status = self.query_one("#journal-status", Static)
        if not entries:
            status.update(literal(f"No entries match “{search}”.") if search
                          else "No journal entries yet. Save a conversation or a guided "
                               "reflection with ctrl+s.")
        else:
            n = len(entries)
            status.update(f"{n} {'entry' if n == 1 else 'entries'}, newest first")
        if previous in self.entries:
            table.move_cursor(row=table.get_row_index(str(previous)))
        elif entries:
            table.move_cursor(row=0)
            self._show_entry(entries[0].id)
        else:
            self._show_entry(None)

    @on(Input.Changed, "#journal-query")
    def _query_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self.reload)

    @on(Input.Submitted, "#journal-query")
    def _query_submitted(self) -> None:
        self.reload()
        self.query_one("#journal-table", DataTable).focus()

    @on(DataTable.RowHighlighted, "#journal-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._show_entry(int(event.row_key.value))

    @on(DataTable.RowSelected, "#journal-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self._show_entry(int(event.row_key.value))
            self.query_one("#journal-view").focus()

    def _show_entry(self, entry_id: int | None) -> None:
        view = self.query_one("#journal-entry", Static)
        self.shown = self.entries.get(entry_id) if entry_id is not None else None
        view.update(entry_text(self.shown) if self.shown else "")
        self.refresh_bindings()

    # --- actions --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete":
            return self.shown is not None
        if action == "export":
            return bool(self.entries)
        return True

    def action_focus_search(self) -> None:
        self.query_one("#journal-query", Input).focus()

    def action_delete(self) -> None:
        if self.journal is None or self.shown is None:
            return
        from reflect_bot.tui.widgets.confirm import ConfirmDialog

        entry = self.shown

        def answer(yes: bool | None) -> None:
            if yes and self.journal is not None:
                self._delete(self.journal, entry.id)

        self.app.push_screen(
            ConfirmDialog(
                f"Delete entry {entry.id} ({entry.kind_label}, "
                f"{entry.created.astimezone():%d %B %Y}) for good? It cannot be brought back.",
                yes="Delete",
            ),
            answer,
        )

    @work(thread=True, group="journal-write")
    def _delete(self, journal: Journal, entry_id: int) -> None:
        try:
            journal.delete(entry_id)
        except ReflectBotError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.notify, f"Deleted entry {entry_id}.")
        self.app.call_from_thread(self.reload)

    def action_export(self) -> None:
        if self.journal is None or not self.entries:
            self.notify("There is nothing to export yet.", severity="warning")
            return
        from reflect_bot.tui.widgets.export_dialog import (
            ExportChoice,
            ExportDialog,
            default_export_path,
        )

        shown = self.shown

        def chosen(choice: ExportChoice | None) -> None:
            if choice is not None and self.journal is not None:
                ids = [shown.id] if choice.what == "one" and shown else None
                self._export(self.journal, choice.path, ids, choice.replace)

        choices = {"one": f"This entry ({shown.id})"} if shown else {}
        choices["all"] = "All entries"
        intro = ("Export to Markdown, for supervision or a CPD record. The file is readable by "
                 "you alone; entries are exported as stored (redacted).")
        self.app.push_screen(ExportDialog(choices, default_export_path(), intro), chosen)

    @work(thread=True, group="journal-write")
    def _export(
        self, journal: Journal, path: Path, ids: list[int] | None, replace: bool = False
    ) -> None:
        from reflect_bot.files import write_user_file

        try:
            corpus = getattr(self.app, "corpus", None)
            text = journal.export_markdown(ids, corpus.references() if corpus else None)
            path = write_user_file(path, text, force=replace)
        except ReflectBotError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        what = f"entry {ids[0]}" if ids else "every entry"
        self.app.call_from_thread(self.notify, f"Exported {what} to {path}")

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Search the journal (ctrl+f)", "Find entries by their words or tags",
                            self.action_focus_search)
        yield SystemCommand("Export to Markdown (ctrl+e)",
                            "This entry or the whole journal, to a file", self.action_export)
        yield SystemCommand("Delete entry (delete)", "Delete the entry shown, after asking",
                            self.action_delete)
