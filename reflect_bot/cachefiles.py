"""Writers of the cache folder take turns, and clean up after writers that were killed.

A writer (an index build, the ONNX export) holds an exclusive lock on `.lock` in its folder
while it writes, so two at once leave one good copy and do not both do the work. Every
write goes through a temporary `.NAME.XXXX.tmp` file beside its target (see
`config.write_private_file`); one that is there while nobody holds the lock is an orphan of
a killed writer and is removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = ".lock"


@contextlib.contextmanager
def locked(folder: Path, *, wait: bool = True) -> Iterator[bool]:
    """Hold the folder's lock; yields False (without waiting) if `wait` is False and
    another process holds it, or if the lock file cannot be made (a read-only cache)."""
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing releases the lock


def remove_orphans(folder: Path, older_than: float = 0.0) -> list[Path]:
    """Delete temporary files left by killed writers: call with the folder's lock held, or
    give `older_than` (seconds) where writers take no lock, so a file being written now is
    left alone."""
    removed = []
    now = time.time()
    for path in folder.glob(".*.tmp"):
        try:
            if older_than and now - path.stat().st_mtime <= older_than:
                continue
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


def sweep(folder: Path) -> list[Path]:
    """Remove orphans if no writer is busy in `folder` now (never waits)."""
    if not folder.is_dir():
        return []
    with locked(folder, wait=False) as held:
        return remove_orphans(folder) if held else []
