"""Shared fixtures: every test runs with temporary data/cache/config dirs, and the
embedding model and index load once per test session."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
# Fixtures that load the embedding model: a test using any of them is "slow".
MODEL_FIXTURES = {"retriever", "composer"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what `make test-fast` leaves out: tests of the Textual app ("ui") and tests
    that load the model ("slow"), whether marked by hand or through a model fixture."""
    for item in items:
        if (TESTS_DIR / "tui") in Path(item.path).parents:
            item.add_marker(pytest.mark.ui)
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Point the app's data, cache and config dirs at a temp folder for the whole run."""
    base = tmp_path_factory.mktemp("reflect-bot-home")
    patch = pytest.MonkeyPatch()
    for name in ("DATA", "CACHE", "CONFIG"):
        patch.setenv(f"REFLECT_BOT_{name}_DIR", str(base / name.lower()))
    for name in ("REFLECT_BOT_KNOWLEDGE", "REFLECT_BOT_PASSPHRASE"):
        patch.delenv(name, raising=False)
    yield base
    patch.undo()


@pytest.fixture(scope="session")
def corpus():
    from reflect_bot.corpus import load_corpus

    return load_corpus()


@pytest.fixture(scope="session")
def retriever(isolated_home: Path):
    """The shipped corpus, indexed once per session into the temp cache dir."""
    from reflect_bot.retrieval import Retriever

    return Retriever.open()


@pytest.fixture(scope="session")
def composer(retriever):
    """The reply pipeline over the shipped corpus, built once per session."""
    from reflect_bot.reply import RetrievalComposer

    return RetrievalComposer(retriever)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Make every outbound socket connection fail; returns the attempts made."""
    attempts: list[tuple] = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError(f"network blocked in tests: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))
    return attempts
