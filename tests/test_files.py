"""Reading and writing the practitioner's files safely (reflect_bot.files)."""

from __future__ import annotations

import errno
import os
import stat
import time
from pathlib import Path

import pytest
import yaml

from reflect_bot import config
from reflect_bot.files import (
    MAX_YAML_DEPTH,
    BoundedLoader,
    FileReadError,
    OutputError,
    read_text,
    write_user_file,
)


@pytest.fixture
def own(tmp_path: Path) -> list[Path]:
    """Stand-ins for the app's own folders."""
    return [tmp_path / "data", tmp_path / "config", tmp_path / "cache"]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_new_file_is_private_and_whole(tmp_path: Path, own: list[Path]) -> None:
    out = write_user_file(tmp_path / "export.md", "# Reflection\n", own=own)
    assert out.read_text(encoding="utf-8") == "# Reflection\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


def test_an_existing_0644_file_needs_force_and_ends_0600(tmp_path: Path, own: list[Path]) -> None:
    target = tmp_path / "reflection.md"
    target.write_text("older words\n", encoding="utf-8")
    target.chmod(0o644)
    with pytest.raises(OutputError, match="already exists; add --force"):
        write_user_file(target, "new words\n", own=own)
    assert target.read_text(encoding="utf-8") == "older words\n"
    write_user_file(target, "new words\n", force=True, own=own)
    assert target.read_text(encoding="utf-8") == "new words\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_symlink_at_the_target_is_refused_and_its_file_untouched(
    tmp_path: Path, own: list[Path]
) -> None:
    real = tmp_path / "notes.txt"
    real.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "reflection.md"
    link.symlink_to(real)
    with pytest.raises(OutputError, match="symbolic link"):
        write_user_file(link, "reflection\n", force=True, own=own)
    assert real.read_text(encoding="utf-8") == "keep me\n" and link.is_symlink()


def test_a_symlinked_folder_on_the_way_is_followed(tmp_path: Path, own: list[Path]) -> None:
    """Only the final component is never followed; a linked folder is an ordinary place."""
    (tmp_path / "real").mkdir()
    (tmp_path / "via").symlink_to(tmp_path / "real")
    write_user_file(tmp_path / "via" / "out.md", "words\n", own=own)
    assert (tmp_path / "real" / "out.md").read_text(encoding="utf-8") == "words\n"


@pytest.mark.parametrize("name", ["journal.db", "journal.db-wal", "journal.db-shm", "new.md"])
def test_nothing_is_written_inside_the_apps_own_folders(
    tmp_path: Path, own: list[Path], name: str
) -> None:
    for folder in own:
        folder.mkdir()
        target = folder / name
        if name != "new.md":
            target.write_bytes(b"SQLite format 3\x00")
        with pytest.raises(OutputError, match="reflect-bot's own folder"):
            write_user_file(target, "export\n", force=True, own=own)
        with pytest.raises(OutputError, match="reflect-bot's own folder"):  # by another path
            write_user_file(tmp_path / "x" / ".." / folder.name / name, "e\n", force=True, own=own)
        if name != "new.md":
            assert target.read_bytes() == b"SQLite format 3\x00"
        else:
            assert not target.exists()
        with pytest.raises(OutputError, match="own folder"):  # the folder itself
            write_user_file(folder, "export\n", force=True, own=own)


def test_the_default_own_folders_are_the_apps_dirs() -> None:
    from reflect_bot.files import own_folders

    assert own_folders() == [config.data_dir(), config.config_dir(), config.cache_dir(),
                             config.KNOWLEDGE_DIR, config.PROMPTS_DIR]
    with pytest.raises(OutputError, match="own folder"):  # an export is not guidance
        write_user_file(config.KNOWLEDGE_DIR / "my-reflection.md", "words\n")
    assert not (config.KNOWLEDGE_DIR / "my-reflection.md").exists()


def test_folders_fifos_and_missing_folders_are_refused(tmp_path: Path, own: list[Path]) -> None:
    with pytest.raises(OutputError, match="is a folder"):
        write_user_file(tmp_path, "x\n", force=True, own=own)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="FIFO"):
        write_user_file(fifo, "x\n", force=True, own=own)
    with pytest.raises(OutputError, match="does not exist"):
        write_user_file(tmp_path / "no" / "such" / "x.md", "x\n", own=own)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make a device node")
def test_as_root_a_device_is_refused_and_stays_a_device(tmp_path: Path, own: list[Path]) -> None:
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # like /dev/null, in tmp
    with pytest.raises(OutputError, match="is a device"):
        write_user_file(device, "reflection\n", force=True, own=own)
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_a_full_disk_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, own: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "export.md"
    target.write_text("the old export\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(config.os, "fsync", full)
    with pytest.raises(OutputError, match="No space left on device"):
        write_user_file(target, "the new export\n", force=True, own=own)
    assert target.read_text(encoding="utf-8") == "the old export\n"
    assert leftovers(tmp_path) == []


def test_read_text_refuses_fifos_and_devices_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "topic.md"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(FileReadError, match="FIFO"):
        read_text(fifo, 1000)  # no writer: a plain open() would wait for ever
    assert time.monotonic() - start < 1
    with pytest.raises(FileReadError, match="a device"):
        read_text(Path("/dev/zero"), 1000)


def test_read_text_bounds_size_and_names_bad_bytes(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * 2001)
    with pytest.raises(FileReadError, match="too big"):
        read_text(big, 2000)
    assert read_text(big, 2001) == "x" * 2001
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"caf\xe9")
    with pytest.raises(FileReadError, match=r"not UTF-8 text \(byte 3\)"):
        read_text(bad, 100)


def test_yaml_nesting_is_bounded_and_ordinary_yaml_loads() -> None:
    deep = "a: " + "[" * 20_000 + "]" * 20_000
    with pytest.raises(yaml.YAMLError, match=f"nested more than {MAX_YAML_DEPTH} levels"):
        yaml.load(deep, Loader=BoundedLoader)  # noqa: S506
    fine = "a: " + "[" * 20 + "1" + "]" * 20
    assert yaml.load(fine, Loader=BoundedLoader)["a"]  # noqa: S506
    assert yaml.load("x: {y: [1, 2]}", Loader=BoundedLoader) == {"x": {"y": [1, 2]}}  # noqa: S506
