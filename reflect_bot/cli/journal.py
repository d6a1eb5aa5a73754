"""`reflect-bot journal`: list, show, export, delete and purge saved reflections.

Every journal command first applies the retention setting. An encrypted journal takes its
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
    p.set_defaults(func=_export)

    p = actions.add_parser("delete", help="delete one entry for good")
    p.add_argument("id", type=_entry_id, metavar="ID")
    p.add_argument("--yes", action="store_true", help="do not ask first")
    p.set_defaults(func=_delete)

    p = actions.add_parser("purge", help="delete every entry older than some days")
    p.add_argument("--older-than", type=_days, required=True, metavar="DAYS")
    p.set_defaults(func=_purge)

    p = actions.add_parser("encrypt", help="protect the journal with a passphrase")
    p.set_defaults(func=_encrypt)


def _list(args: argparse.Namespace) -> int:
    with _open() as journal:
        entries = journal.list(search=args.search)
    if args.json:
        print(json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=2))
        return 0
    if not entries:
        print(f"No entries match {args.search!r}." if args.search else "No journal entries yet.")
        return 0
    width = max(len(e.kind_label) for e in entries)
    for e in entries:
        when = e.created.astimezone()
        print(f"{e.id:>4}  {when:%d %b %Y %H:%M}  {e.kind_label:<{width}}  {e.title}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from reflect_bot.journal import entry_markdown

    with _open() as journal:
        entry = journal.get(args.id)
    print(
        json.dumps(entry.to_dict(), ensure_ascii=False, indent=2)
        if args.json
        else entry_markdown(entry)
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    if args.all == bool(args.ids):
        raise UsageError("give one or more entry numbers, or --all (not both)")
    with _open() as journal:
        text = journal.export_markdown(None if args.all else args.ids)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    from reflect_bot.config import write_private_file

    out = Path(args.out).expanduser()
    try:
        write_private_file(out, text)
    except OSError as exc:
        raise JournalError(f"{out}: cannot be written ({exc.strerror or exc})") from None
    print(f"Exported to {out}", file=sys.stderr)
    return 0


def _delete(args: argparse.Namespace) -> int:
    with _open() as journal:
        entry = journal.get(args.id)
        if not args.yes:
            if not sys.stdin.isatty():
                raise UsageError("add --yes to delete an entry without being asked")
            answer = input(
                f"Delete entry {entry.id} ({entry.created.astimezone():%d %b %Y}) for good? [y/N] "
            )
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing was deleted.")
                return 1
        journal.delete(entry.id)
    print(f"Deleted entry {entry.id}.")
    return 0


def _purge(args: argparse.Namespace) -> int:
    with _open() as journal:
        gone = journal.purge(args.older_than)
    print(
        f"Deleted {gone} {'entry' if gone == 1 else 'entries'} older than {args.older_than} days."
    )
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
    from reflect_bot.settings import load_settings

    settings = load_settings()
    journal = Journal(passphrase=_passphrase() if is_encrypted() else None)
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


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(f"a whole number of days, 1 or more, not {text!r}")
    return days


def _entry_id(text: str) -> int:
    """An entry number as `journal list` shows it (SQLite holds up to 2**63 - 1)."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if not 1 <= number < 2**63:
        raise argparse.ArgumentTypeError(f"an entry number from 'journal list', not {text!r}")
    return number
