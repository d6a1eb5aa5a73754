"""Reading and writing the practitioner's files safely.

Reading: only regular files, opened without blocking (a FIFO or a device named as guidance
must not hang or stream forever), bounded in size, and YAML bounded in nesting depth, so
no file can exhaust memory or the stack.

Writing: `write_user_file` is the one way a file the practitioner asked for (an export, a
summary with `--out`) reaches disk. It never writes over reflect-bot's own files, never
follows a symbolic link or writes into a device, FIFO or folder, and replaces an existing
file only when told to. The words go to a private temporary file beside the target and are
renamed over it, so the target ends up 0600 with the whole new text, or untouched.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

import yaml

from reflect_bot.config import (
    KNOWLEDGE_DIR,
    PROMPTS_DIR,
    cache_dir,
    config_dir,
    data_dir,
    write_private_file,
)
from reflect_bot.errors import ReflectBotError

# A YAML file deeper than this is not something a person wrote; PyYAML composes nodes
# recursively, so thousands of levels would otherwise end in a RecursionError.
MAX_YAML_DEPTH = 64


class FileReadError(ReflectBotError):
    """A file cannot be read: not a regular file, unreadable, too big or not UTF-8."""


class OutputError(ReflectBotError):
    """A file the practitioner asked for cannot be written where they asked."""


class TargetExists(OutputError):
    """The file is there already: the command line needs --force, the app asks first."""


# --- reading ------------------------------------------------------------------------------


def read_text(path: Path, limit: int) -> str:
    """The UTF-8 text of the regular file `path`, at most `limit` bytes.

    O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer for ever.
    Raises FileReadError with a reason that reads well after the path.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise FileReadError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        kind = _kind(os.fstat(fd).st_mode)
        if kind != "file":
            raise FileReadError(f"{path}: is {kind}, not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise FileReadError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileReadError(f"{path}: is larger than {limit // 1_000_000 or limit} "
                            f"{'MB' if limit >= 1_000_000 else 'bytes'}, too big to be read")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileReadError(f"{path}: not UTF-8 text (byte {exc.start})") from None


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing nesting deeper than MAX_YAML_DEPTH."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                # types-PyYAML leaves Parser.peek_event unannotated
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_YAML_DEPTH} levels deep", mark
                )
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        finally:
            self._depth -= 1


def yaml_problem(exc: yaml.YAMLError) -> tuple[str, str]:
    """(":line" or "", what is wrong) for a one-line message about a YAML error."""
    mark = getattr(exc, "problem_mark", None)
    line = f":{mark.line + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0] or "not valid YAML"
    return line, problem


# --- writing ------------------------------------------------------------------------------


def own_folders() -> list[Path]:
    """Where reflect-bot keeps its own files (journal, settings, index cache, the shipped
    guidance and wording): never an export's destination."""
    return [data_dir(), config_dir(), cache_dir(), KNOWLEDGE_DIR, PROMPTS_DIR]


def check_destination(path: Path, *, force: bool = False,
                      own: Sequence[Path] | None = None) -> Path:
    """Say now, before any work is done, whether `path` may be written; return it absolute.

    Refuses: a path inside reflect-bot's own folders; a symbolic link, folder, device, FIFO
    or socket; an existing file unless `force`; a folder that does not exist.
    """
    path = Path(path).expanduser()
    if not path.name or path.name in (".", ".."):
        raise OutputError(f"{path}: give a file name, not a folder")
    folder = path.parent.resolve()
    target = folder / path.name  # the folder's links resolved, the file's own never followed
    for mine in own if own is not None else own_folders():
        mine = Path(mine).expanduser().resolve()
        if target == mine or mine in target.parents:
            raise OutputError(
                f"{path}: that is inside reflect-bot's own folder {mine}; choose somewhere else"
            )
    if not folder.is_dir():
        raise OutputError(f"{path}: the folder {folder} does not exist")
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise OutputError(f"{path}: cannot be checked ({exc.strerror or exc})") from None
    kind = _kind(mode)
    if kind == "a symbolic link":
        raise OutputError(f"{path}: is a symbolic link; reflect-bot does not write through "
                          "links, so give the real file's path")
    if kind != "file":
        raise OutputError(f"{path}: is {kind}, not a file; give a file name")
    if not force:
        raise TargetExists(f"{path}: already exists; add --force to replace it")
    return target


def write_user_file(path: Path, text: str, *, force: bool = False,
                    own: Sequence[Path] | None = None) -> Path:
    """Write `text` to `path` for the practitioner (0600, atomically); return where.

    Checked again just before writing (see `check_destination`). Raises OutputError with
    one line saying why; on any failure nothing is left half-written.
    """
    target = check_destination(path, force=force, own=own)
    try:
        write_private_file(target, text)
    except OSError as exc:
        raise OutputError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    return target


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
