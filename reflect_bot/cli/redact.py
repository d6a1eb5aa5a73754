"""`reflect-bot redact`: identifiers in standard input -> placeholders on standard output.

Thin: read stdin, call `reflect_bot.redact.redact` once on the whole text (so a name keeps
one number across lines), print line for line. Imports nothing heavy, so it starts at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reflect_bot.errors import UsageError

DESCRIPTION = """\
Read text from standard input and write it to standard output with names, case reference
numbers (CRN), PNC IDs, prison numbers, National Insurance and NHS numbers, phone numbers,
email addresses, postcodes, dates of birth and street addresses replaced by placeholders
such as [NAME-1] or [CRN-1]. Line N of the output is line N of the input. The same person
keeps the same number throughout ("[NAME-1]'s sister [NAME-2]").

Names on your own redaction list are always added: one name a line in
redact-names.txt in the reflect-bot config folder (REFLECT_BOT_CONFIG_DIR overrides it).
"""

EPILOG = """\
--json prints JSON Lines: one object per input line, in order, for example
  {"line": 1, "text": "Met Mr [NAME-1] today", "spans": [{"start": 7, "end": 12,
   "type": "NAME", "placeholder": "[NAME-1]"}]}
"line" counts from 1; "text" is the redacted line without its line ending; "start" and
"end" are character columns in the ORIGINAL line (end exclusive). The original words are
never printed. Types: CRN PNC PRISON_NO NI NHS PHONE EMAIL POSTCODE DOB ADDRESS NAME.

examples:
  reflect-bot redact < notes.txt > notes-redacted.txt
  reflect-bot redact --names extra-names.txt --json < notes.txt
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "redact",
        help="replace names, case numbers and other identifiers in text from stdin",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object per line with the spans found (see below)",
    )
    parser.add_argument(
        "--names",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="also redact the names in FILE (one a line, '#' comments); repeatable",
    )
    parser.set_defaults(func=run)


def _read_stdin() -> str:
    """All of standard input as text; line endings are kept exactly as they came."""
    if sys.stdin is None:
        return ""
    if sys.stdin.isatty():
        print("Type or paste the text, then press Ctrl-D on a new line.", file=sys.stderr)
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:  # a text stream (tests, embedding)
        return sys.stdin.read()
    try:
        return raw.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = exc.object.count(b"\n", 0, exc.start) + 1
        raise UsageError(
            f"standard input is not UTF-8 text (line {line}); save it as UTF-8 and try again"
        ) from None


def run(args: argparse.Namespace) -> int:
    from reflect_bot.redact import load_names_file, redact, user_names

    names: list[str] = []
    for path in args.names:
        names += load_names_file(path)
    names += user_names()

    text = _read_stdin()
    result = redact(text, names)
    out = sys.stdout
    if not args.json:
        out.write(result.text)
        out.flush()
        return 0

    originals = text.splitlines(keepends=True)
    redacted = result.text.splitlines()
    spans = list(result.spans)
    k = 0
    offset = 0
    for number, (line, new) in enumerate(zip(originals, redacted, strict=True), start=1):
        end = offset + len(line)
        found = []
        while k < len(spans) and spans[k].start < end:
            s = spans[k]
            found.append(
                {
                    "start": s.start - offset,
                    "end": s.end - offset,
                    "type": s.type,
                    "placeholder": s.placeholder,
                }
            )
            k += 1
        out.write(json.dumps({"line": number, "text": new, "spans": found}, ensure_ascii=False))
        out.write("\n")
        offset = end
    out.flush()
    return 0
