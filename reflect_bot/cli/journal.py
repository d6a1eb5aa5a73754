"""`reflect-bot journal`: list, show, export, delete, purge and check saved reflections.

Every journal command first applies the retention setting and says if a damaged journal was
kept aside since the last one. An entry that cannot be read is named on stderr and left out
(exit 1), never a reason the others cannot be reached. Deleting and purging ask first in a
terminal; scripts add --yes. An encrypted journal takes its
passphrase from REFLECT_BOT_PASSPHRASE or, in a terminal, a prompt that does not echo.
A journal becomes encrypted only by `reflect-bot journal encrypt` (asked once, for every
entry already saved and every one after); there is deliberately no way to turn it off.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from reflect_bot.errors import JournalError, UsageError

if TYPE_CHECKING:
    from reflect_bot.journal import Journal

PASSPHRASE_ENV = "REFLECT_BOT_PASSPHRASE"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "journal",
        help="list, show, export or delete your saved reflections",
        description=(
            "Your saved reflections, as stored: names and other identifying details were "
            f"replaced before saving. If the journal is encrypted, set {PASSPHRASE_ENV} or "
            "type the passphrase when asked."
        ),
    )
    actions = parser.add_subparsers(dest="journal_command", metavar="ACTION", required=True)

    p = actions.add_parser("list", help="entries, newest first")
    p.add_argument("--search", metavar="TEXT", help="only entries whose words or tags contain TEXT")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=_list)

    p = actions.add_parser("show", help="one entry in full")
    p.add_argument("id", type=_entry_id, metavar="ID")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=_show)

    p = actions.add_parser("export", help="entries as Markdown, for supervision or a CPD record")
    p.add_argument("ids", type=_entry_id, nargs="*", metavar="ID")
    p.add_argument("--all", action="store_true", help="every entry, oldest first")
    p.add_argument("--out", metavar="FILE", help="write to FILE (readable by you alone)")
    p.add_argument("--force", action="store_true", help="replace FILE if it already exists")
    p.set_defaults(func=_export)

    p = actions.add_parser("delete", help="delete one entry for good")
    p.add_argument("id", type=_entry_id, metavar="ID")
    p.add_argument("--yes", action="store_true", help="do not ask first")
    p.set_defaults(func=_delete)

    p = actions.add_parser("purge", help="delete every entry older than some days")
    p.add_argument("--older-than", type=_days, required=True, metavar="DAYS")
    p.add_argument("--yes", action="store_true", help="do not ask first")
    p.set_defaults(func=_purge)

    p = actions.add_parser(
        "check", help="find damaged entries, and move them out of the journal if you agree"
    )
    p.add_argument("--yes", action="store_true", help="move damaged entries aside without asking")
    p.set_defaults(func=_check)

    p = actions.add_parser("encrypt", help="protect the journal with a passphrase")
    p.set_defaults(func=_encrypt)


def _list(args: argparse.Namespace) -> int:
    with _open() as journal:
        entries = journal.list(search=args.search)
        _say_damaged(journal)
    if args.json:
        print(json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=2))
        return 1 if journal.damaged else 0
    if not entries:
        if args.search:
            print(f"No entries match {args.search!r}.")
        elif journal.notices:
            print("The new journal has no entries yet.")
        elif not journal.damaged:
            print("No journal entries yet.")
        return 1 if journal.damaged else 0
    width = max(len(e.kind_label) for e in entries)
    for e in entries:
        when = e.created.astimezone()
        print(f"{e.id:>4}  {when:%d %b %Y %H:%M}  {e.kind_label:<{width}}  {e.title}")
    return 1 if journal.damaged else 0


def _show(args: argparse.Namespace) -> int:
    from reflect_bot.journal import entry_markdown

    with _open() as journal:
        entry = journal.get(args.id)
    print(
        json.dumps(entry.to_dict(), ensure_ascii=False, indent=2)
        if args.json
        else entry_markdown(entry, _references(args))
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    if args.all == bool(args.ids):
        raise UsageError("give one or more entry numbers, or --all (not both)")
    from reflect_bot.files import OutputError, check_destination, write_user_file

    try:
        if args.out is not None:  # before the passphrase is asked for
            check_destination(Path(args.out), force=args.force)
        with _open() as journal:
            text = journal.export_markdown(None if args.all else args.ids, _references(args))
            _say_damaged(journal)
        if args.out is None:
            sys.stdout.write(text)
        else:
            out = write_user_file(Path(args.out), text, force=args.force)
            print(f"Exported to {out}", file=sys.stderr)
    except OutputError as exc:
        raise UsageError(f"--out {exc}") from None
    return 1 if journal.damaged else 0


def _delete(args: argparse.Namespace) -> int:
    from reflect_bot.journal import DamagedEntryError

    with _open() as journal:
        try:
            entry = journal.get(args.id)
            what = f"entry {entry.id} ({entry.created.astimezone():%d %b %Y})"
        except DamagedEntryError:  # a damaged entry can still be deleted
            what = f"entry {args.id} (damaged, cannot be read)"
        if not args.yes and not _confirm(f"Delete {what} for good?", "delete an entry"):
            print("Nothing was deleted.")
            return 1
        journal.delete(args.id)
    print(f"Deleted entry {args.id}.")
    return 0


def _purge(args: argparse.Namespace) -> int:
    with _open() as journal:
        if not args.yes and not _confirm(
            f"Delete every entry older than {args.older_than} days for good?", "purge"
        ):
            print("Nothing was deleted.")
            return 1
        gone = journal.purge(args.older_than)
    print(
        f"Deleted {gone} {'entry' if gone == 1 else 'entries'} older than {args.older_than} days."
    )
    return 0


def _check(args: argparse.Namespace) -> int:
    with _open() as journal:
        damaged = journal.check()
        if not damaged:
            print("The journal is whole: every entry can be read.")
            return 0
        for exc in damaged:
            print(f"Entry {exc.entry_id} is damaged and cannot be read.")
        count = f"{len(damaged)} damaged {'entry' if len(damaged) == 1 else 'entries'}"
        if not args.yes and not (sys.stdin.isatty() and _confirm(
            f"Move the {count} out of the journal (each kept in a private file beside it)?",
            "move them",
        )):
            print(f"Nothing was changed. `reflect-bot journal check --yes` moves the {count} "
                  "aside; `reflect-bot journal delete ID` deletes one.")
            return 1
        for exc in damaged:
            kept = journal.move_aside(exc.entry_id)
            print(f"Entry {exc.entry_id} was moved out of the journal and kept as {kept}.")
    return 0


def _encrypt(args: argparse.Namespace) -> int:
    from reflect_bot.journal import is_encrypted

    if is_encrypted():
        raise JournalError("the journal is already encrypted")
    passphrase = _passphrase(confirm=True)
    with _open() as journal:
        journal.encrypt(passphrase)
    print(
        "The journal is now encrypted. Keep the passphrase somewhere safe: without it, "
        "the entries cannot be read by anyone, you included."
    )
    return 0


def _open() -> Journal:
    """The journal, unlocked if need be, with the retention setting applied."""
    from reflect_bot.journal import Journal, is_encrypted
    from reflect_bot.settings import load_settings_or_defaults

    settings = load_settings_or_defaults(lambda _: None)  # main() has warned already
    journal = Journal(passphrase=_passphrase() if is_encrypted() else None)
    for notice in journal.notices:
        print(f"reflect-bot: {notice}", file=sys.stderr)
    try:
        journal.apply_retention(settings.retention_days)
    except BaseException:
        journal.close()
        raise
    return journal


def _passphrase(confirm: bool = False) -> str:
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise JournalError(
            f"the journal passphrase is needed: set {PASSPHRASE_ENV}, or run this in a "
            "terminal to type it"
        )
    value = getpass.getpass("Journal passphrase: ")
    if confirm and getpass.getpass("Type it again: ") != value:
        raise JournalError("the two passphrases were not the same; nothing was changed")
    return value


class _References(Mapping[str, str]):
    """Titles and sources for the passages entries cite (stored by id), read from the
    guidance only when an entry cites something. The guidance is only a help here: if it
    cannot be loaded, the ids are shown as they are."""

    def __init__(self, knowledge: list[str]) -> None:
        self._knowledge = knowledge
        self._known: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        if self._known is None:
            from reflect_bot.corpus import load_corpus
            from reflect_bot.errors import CorpusError

            try:
                self._known = load_corpus(self._knowledge, warn=lambda _: None).references()
            except CorpusError:
                self._known = {}
        return self._known

    def __getitem__(self, passage_id: str) -> str:
        return self._load()[passage_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def _references(args: argparse.Namespace) -> _References:
    return _References(args.knowledge)


def _confirm(question: str, doing: str) -> bool:
    """Ask in a terminal; with no terminal, say how to go ahead without being asked."""
    if not sys.stdin.isatty():
        raise UsageError(f"add --yes to {doing} without being asked")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def _say_damaged(journal: Journal) -> None:
    for exc in journal.damaged:
        print(f"reflect-bot: entry {exc.entry_id} is damaged and cannot be read; "
              f"`reflect-bot journal delete {exc.entry_id}` removes it "
              "(`reflect-bot journal check` finds every one)", file=sys.stderr)


def _days(text: str) -> int:
    from reflect_bot.journal import MAX_DAYS

    try:
        days = int(text)
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(
            f"a whole number of days from 1 to {MAX_DAYS:,} (100 years), not {text!r}"
        )
    return days


def _entry_id(text: str) -> int:
    from reflect_bot.journal import MAX_ENTRY_ID

    try:
        number = int(text)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_ENTRY_ID:
        raise argparse.ArgumentTypeError(f"an entry number (1 or more, as `journal list` "
                                         f"shows), not {text!r}")
    return number
