"""Where things live: the shipped data, the user's data/cache/config dirs, extra knowledge."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "reflect-bot"
PACKAGE_ROOT = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    """The guidance or wording that comes with reflect-bot: inside the installed package
    (setup.py copies it there when a wheel is built), else beside the package in a checkout."""
    inside = PACKAGE_ROOT / "shipped" / name
    return inside if inside.is_dir() else PACKAGE_ROOT.parent / name


KNOWLEDGE_DIR = _shipped("knowledge")
PROMPTS_DIR = _shipped("prompts")

_dirs = PlatformDirs(APP_NAME, appauthor=False)


def _env_path(name: str, default: str) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else Path(default)


def data_dir() -> Path:
    """The journal and other user data (REFLECT_BOT_DATA_DIR overrides)."""
    return _env_path("REFLECT_BOT_DATA_DIR", _dirs.user_data_dir)


def cache_dir() -> Path:
    """The index cache (REFLECT_BOT_CACHE_DIR overrides)."""
    return _env_path("REFLECT_BOT_CACHE_DIR", _dirs.user_cache_dir)


def config_dir() -> Path:
    """Settings (REFLECT_BOT_CONFIG_DIR overrides)."""
    return _env_path("REFLECT_BOT_CONFIG_DIR", _dirs.user_config_dir)


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the user alone (0700) and return it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    return path


def knowledge_dirs(extra: Sequence[str | Path] = ()) -> list[Path]:
    """The shipped corpus, then REFLECT_BOT_KNOWLEDGE (':'-separated), then `extra`."""
    dirs = [KNOWLEDGE_DIR]
    env = os.environ.get("REFLECT_BOT_KNOWLEDGE", "")
    dirs += [Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()]
    dirs += [Path(p).expanduser() for p in extra]
    seen: list[Path] = []
    for d in dirs:
        if d not in seen:
            seen.append(d)
    return seen


def write_private_file(path: Path, data: str | bytes) -> None:
    """Write `data` to `path`, readable by the user alone (0600), atomically.

    The data goes to a private temporary file beside `path` (mkstemp makes it 0600) and is
    renamed over it, so a crash leaves the old file or the new one, never half of either.
    Raises OSError; callers turn it into a one-line error.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
