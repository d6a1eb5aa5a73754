"""Words a person typed or pasted, made safe to show exactly as written.

Whatever a practitioner types is shown literally: Rich/Textual markup such as `[bold]` or
`[/]` stays text (we only ever build `rich.text.Text`, never parse markup), terminal escape
sequences and other control characters are removed (they could move the cursor or change
colours mid-screen), and a very long paste is cut to a length a reflection never needs.
"""

from __future__ import annotations

import re

from rich.text import Text

from reflect_bot.inputs import MAX_MESSAGE_CHARS, clean, clip

__all__ = ["MAX_MESSAGE_CHARS", "clean", "clip", "escape_markdown", "literal"]

# Inline characters Markdown acts on anywhere, and the markers it acts on at a line's start.
# Square brackets only make a link when followed by "(" or "[" (or start a line, for a
# reference definition), so placeholders such as [NAME-1] stay unescaped and readable.
_MARKDOWN_INLINE = re.compile(r"([\\`*_<>|~]|\](?=[(\[]))")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#>+=\[-]|\d+(?=[.)]))", re.MULTILINE)


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
