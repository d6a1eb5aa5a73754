"""Words a person typed or pasted, made safe to show exactly as written.

Whatever a practitioner types is shown literally: Rich/Textual markup such as `[bold]` or
`[/]` stays text (we only ever build `rich.text.Text`, never parse markup), terminal escape
sequences and other control characters are removed (they could move the cursor or change
colours mid-screen), and a very long paste is cut to a length a reflection never needs.
"""

from __future__ import annotations

import re

from rich.text import Text

# A reflection is a few hundred words; this leaves ample room and keeps the screen responsive.
MAX_MESSAGE_CHARS = 20_000

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), and two-character ESC sequences;
# the 8-bit CSI (\x9b) too.
_ANSI = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
)
# Every C0/C1 control except tab and newline, plus DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Inline characters Markdown acts on anywhere, and the markers it acts on at a line's start.
# Square brackets only make a link when followed by "(" or "[" (or start a line, for a
# reference definition), so placeholders such as [NAME-1] stay unescaped and readable.
_MARKDOWN_INLINE = re.compile(r"([\\`*_<>|~]|\](?=[(\[]))")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#>+=\[-]|\d+(?=[.)]))", re.MULTILINE)


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


def literal(text: str, style: str = "") -> Text:
    """Rich Text that shows `text` exactly (no markup is ever interpreted)."""
    return Text(clean(text), style=style)


def escape_markdown(text: str) -> str:
    """`text` made inert inside Markdown, for quoting someone's own words in a document:
    emphasis, links, code, HTML, tables and line-start markers (headings, lists, quotes)
    are escaped, so the words render exactly as typed. Ordinary punctuation is left alone,
    so the raw file stays readable."""
    text = _MARKDOWN_INLINE.sub(r"\\\1", clean(text))
    return _MARKDOWN_LINE_START.sub(_escape_line_start, text)


def _escape_line_start(m: re.Match[str]) -> str:
    marker = m.group(2)
    if marker.isdigit():  # "1. " starts a list: escape the dot, "1\. "
        return m.group(1) + marker + "\\"
    return m.group(1) + "\\" + marker
