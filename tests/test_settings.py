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


# --- damage never stops a command (issue 17) -----------------------------------------------


def test_retention_never_and_its_range() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    for text, expected in (("never", None), ("null", None), ("36500", 36_500), ("1", 1)):
        path.write_text(f"retention_days: {text}\n")
        assert load_settings().retention_days == expected
    for text in ("999999", "0", "-5", "1.5", "soon"):
        path.write_text(f"retention_days: {text}\n")
        with pytest.raises(SettingsError, match="'retention_days': must be a whole number of "
                           "days from 1 to 36,500"):
            load_settings()


def test_deep_or_huge_or_odd_settings_are_one_line_errors(tmp_path: Path) -> None:
    import os

    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("theme: " + "[" * 20_000 + "]" * 20_000 + "\n")
    with pytest.raises(SettingsError, match="nested more than 64 levels"):
        load_settings()
    path.write_text("# " + "x" * 200_000 + "\n")
    with pytest.raises(SettingsError, match="too big"):
        load_settings()
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(SettingsError, match="FIFO"):
        load_settings()


def test_damaged_settings_mean_defaults_and_a_warning() -> None:
    from reflect_bot.settings import load_settings_or_defaults

    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("theme: [unclosed\n")
    warnings: list[str] = []
    assert load_settings_or_defaults(warnings.append) == Settings()
    assert len(warnings) == 1 and str(path) in warnings[0] and "default settings" in warnings[0]


def test_redact_runs_whatever_state_settings_are_in(capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from reflect_bot.cli import main

    path = settings_path()
    path.parent.mkdir(parents=True)
    for text in ("a: " + "[" * 20_000 + "]" * 20_000, "theme: [unclosed", "retention_days: 1e9"):
        path.write_text(text + "\n")
        monkeypatch.setattr(sys, "stdin", io.StringIO("I saw John Smith today.\n"))
        assert main(["redact"]) == 0
        captured = capsys.readouterr()
        assert captured.out == "I saw [NAME-1] today.\n"
        assert captured.err.startswith("reflect-bot: warning:") and captured.err.count("\n") == 1
