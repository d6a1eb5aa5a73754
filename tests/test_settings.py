"""Settings: defaults, a round trip, private atomic writes, one-line errors naming the field."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from reflect_bot.errors import ReflectBotError
from reflect_bot.settings import (
    Settings,
    SettingsError,
    load_settings,
    save_settings,
    settings_path,
)


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "config" / "reflect-bot"
    monkeypatch.setenv("REFLECT_BOT_CONFIG_DIR", str(home))
    return home


def test_missing_file_gives_defaults(config_home: Path) -> None:
    assert not settings_path().exists()
    assert load_settings() == Settings()
    assert Settings().theme == "textual-dark"
    assert not config_home.exists()  # reading never creates anything


def test_empty_file_gives_defaults() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("# nothing set yet\n")
    assert load_settings() == Settings()


def test_round_trip_private_file_in_private_dir(config_home: Path) -> None:
    chosen = Settings(
        theme="reflect-high-contrast",
        reflective_model="schon",
        retention_days=90,
        knowledge_dirs=["~/guidance", "/srv/team notes"],
    )
    path = save_settings(chosen)
    assert path == config_home / "settings.yaml"
    assert load_settings() == chosen
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(config_home.stat().st_mode) == 0o700
    assert [p.name for p in config_home.iterdir()] == ["settings.yaml"]  # no temp file left


def test_partial_file_keeps_other_defaults() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("reflective_model: kolb\n")
    assert load_settings() == Settings(reflective_model="kolb")


def test_save_replaces_whole_file() -> None:
    save_settings(Settings(retention_days=30))
    save_settings(Settings(theme="textual-light"))
    assert load_settings() == Settings(theme="textual-light")


@pytest.mark.parametrize(
    ("yaml_text", "field"),
    [
        ("theme: purple\n", "theme"),
        ("reflective_model: freud\n", "reflective_model"),
        ("retention_days: 0\n", "retention_days"),
        ("retention_days: -3\n", "retention_days"),
        ("retention_days: 'a month'\n", "retention_days"),
        ("retention_days: true\n", "retention_days"),
        ("knowledge_dirs: /one/folder\n", "knowledge_dirs"),
        ("knowledge_dirs: [3]\n", "knowledge_dirs"),
        ("colour: blue\n", "colour"),
    ],
)
def test_bad_value_names_file_and_field(yaml_text: str, field: str) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text(yaml_text)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert isinstance(caught.value, ReflectBotError)
    assert str(path) in message and repr(field) in message
    assert "\n" not in message


def test_invalid_yaml_names_file_and_line() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("theme: textual-dark\nretention_days: [30\n")
    with pytest.raises(SettingsError, match=r"settings\.yaml:\d+: invalid YAML") as caught:
        load_settings()
    assert "\n" not in str(caught.value)


def test_not_a_mapping() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("- textual-dark\n")
    with pytest.raises(SettingsError, match="expected a mapping"):
        load_settings()


def test_save_refuses_what_load_would_reject() -> None:
    with pytest.raises(SettingsError, match="'theme'"):
        save_settings(Settings(theme="nope"))
    assert not settings_path().exists()
