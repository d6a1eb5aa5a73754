"""Pilot tests: a fresh journal and settings file for every test, the model loaded once.

The session `retriever` (tests/conftest.py) is passed into `ReflectApp(retriever=...)`, so
no test waits for the model; `engine_state` is READY as soon as the app mounts.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own journal and settings (the index cache stays shared)."""
    monkeypatch.setenv("REFLECT_BOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REFLECT_BOT_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path


@pytest.fixture
def make_app(retriever):
    """`make_app(**kwargs)`: a ReflectApp with the session retriever and default settings."""
    from reflect_bot.settings import Settings
    from reflect_bot.tui.app import ReflectApp

    def make(settings: Settings | None = None) -> ReflectApp:
        return ReflectApp(retriever=retriever, settings=settings or Settings())

    return make


@pytest.fixture
def make_fixed_app():
    """`make_fixed_app(**kwargs)`: a ReflectApp over the small fixed corpus and composer
    (tests/tui/fixed.py), no model: for layout and for behaviour the model does not change."""
    from reflect_bot.settings import Settings
    from reflect_bot.tui.app import ReflectApp

    from .fixed import FixedComposer, FixedRetriever

    def make(settings: Settings | None = None) -> ReflectApp:
        return ReflectApp(settings=settings or Settings(), retriever=FixedRetriever(),
                          composer=FixedComposer())

    return make
