"""The encoder loads in a thread while the rest of a start goes on; a command that stops
early waits for it, so the process never exits with the encoder half-loaded. A fake, slow
loader stands in for the model."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from reflect_bot import embedding
from reflect_bot.cli import main


@pytest.fixture
def slow_loader(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """A fresh process-wide slot, an export that looks present, and a loader that takes
    0.5 s and records the thread it ran in."""
    monkeypatch.setattr(embedding, "_SHARED", [])
    monkeypatch.setattr(embedding, "_PRELOADS", [])
    monkeypatch.setenv("REFLECT_BOT_CACHE_DIR", str(tmp_path))
    embedding.export_dir().mkdir(parents=True)
    (embedding.export_dir() / embedding.MANIFEST_FILE).write_text("{}")
    threads: list[str] = []

    class Fake:
        def encode(self, texts, **kwargs):
            return [f"vector of {t}" for t in texts]

    def load(warn=None):
        time.sleep(0.5)
        threads.append(threading.current_thread().name)
        return Fake()

    monkeypatch.setattr(embedding, "load_embedder", load)
    return threads


def test_preload_returns_at_once_and_the_encoder_loads_once(slow_loader) -> None:
    started = time.perf_counter()
    embedding.preload()
    embedding.preload()  # already loading: nothing more
    assert time.perf_counter() - started < 0.3
    first = embedding.get_embedder()  # waits for the thread
    assert embedding.get_embedder() is first
    assert slow_loader == ["load-encoder"]


def test_a_shared_embedder_waits_for_the_preload_at_its_first_use(slow_loader) -> None:
    embedding.preload()
    shared = embedding.SharedEmbedder()  # returned at once, the encoder still loading
    assert slow_loader == []
    assert shared.encode(["I froze"]) == ["vector of I froze"]
    assert slow_loader == ["load-encoder"]


def test_no_preload_before_the_first_export(slow_loader) -> None:
    (embedding.export_dir() / embedding.MANIFEST_FILE).unlink()
    embedding.preload()
    assert embedding._PRELOADS == []


def test_a_command_that_fails_while_the_encoder_loads_waits_for_it(
    slow_loader, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    broken = tmp_path / "guidance"
    broken.mkdir()
    (broken / "bad.yaml").write_text("topic: [unclosed\n")
    assert main(["--knowledge", str(broken), "ask", "I froze when he shouted"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.yaml" in err and "invalid YAML" in err
    assert slow_loader == ["load-encoder"]  # finished before main returned
    assert not any(t.is_alive() for t in embedding._PRELOADS)
