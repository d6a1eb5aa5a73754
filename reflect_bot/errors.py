"""Errors a user can cause. The CLI and the TUI show them as one plain line."""


class ReflectBotError(Exception):
    """Base class: its message is one line that names what was wrong (file, line, field)."""

    exit_code = 2


class CorpusError(ReflectBotError):
    """A knowledge file is missing, unreadable or invalid."""


class PromptsError(ReflectBotError):
    """A prompts/ file is missing, unreadable or invalid."""


class UsageError(ReflectBotError):
    """The user asked for something the command cannot do (empty query, bad option)."""


class JournalError(ReflectBotError):
    """The journal cannot be read or written (wrong passphrase, corrupt file)."""
