"""The practitioner's settings: a small YAML file in the user's config dir.

Kept apart from the journal on purpose: settings say how the app looks and behaves, never
what anyone wrote, so they are safe to read before a passphrase is typed. Whether the journal
is encrypted is recorded in the journal itself (see `reflect_bot.journal.is_encrypted`), so
the two can never disagree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from reflect_bot.config import config_dir, private_dir, write_private_file
from reflect_bot.errors import ReflectBotError
from reflect_bot.files import BoundedLoader, FileReadError, read_text, yaml_problem

if TYPE_CHECKING:  # safety's rules take a while to compile: only when the routes are needed
    from reflect_bot.safety import Organisation

SETTINGS_FILE = "settings.yaml"
# The app registers "reflect-high-contrast" itself; the other two are Textual's own.
THEMES = ("textual-dark", "textual-light", "reflect-high-contrast")
REFLECTIVE_MODELS = ("gibbs", "driscoll", "kolb", "schon")
NATIONS = ("england", "wales")
# Retention: "never" (or null) keeps entries; otherwise 1 day to 100 years, so a date
# that far back can always be worked out.
NEVER = ("never", "none", "off")
MAX_DAYS = 36_500
MAX_SETTINGS_BYTES = 100_000


class SettingsError(ReflectBotError):
    """settings.yaml cannot be read or holds a value the app cannot use."""


@dataclass
class Settings:
    """What the practitioner chose. Defaults are what a fresh install uses."""

    theme: str = "textual-dark"
    reflective_model: str = "gibbs"
    # Journal entries older than this many days are deleted when the app or a journal
    # command starts; None (written "never" or null) keeps them until the practitioner
    # deletes them.
    retention_days: int | None = None
    knowledge_dirs: list[str] = field(default_factory=list)
    # Where you work, for the support routes: NHS 111's mental health option differs between
    # England and Wales, and your employer's assistance programme has its own name and number.
    nation: str | None = None
    eap_name: str | None = None
    eap_phone: str | None = None

    def organisation(self) -> Organisation:
        from reflect_bot.safety import Organisation

        return Organisation(nation=self.nation, eap_name=self.eap_name, eap_phone=self.eap_phone)


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings; a missing file means the defaults, a bad one is a one-line error."""
    path = path or settings_path()
    try:
        text = read_text(path, MAX_SETTINGS_BYTES)
    except FileReadError as exc:
        if not path.exists() and not path.is_symlink():
            return Settings()
        raise SettingsError(str(exc)) from None
    try:
        raw = yaml.load(text, Loader=BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc)
        raise SettingsError(f"{path}{line}: invalid YAML ({problem})") from None
    if raw is None:
        return Settings()
    if not isinstance(raw, dict):
        raise SettingsError(f"{path}: expected a mapping of setting names to values")
    return _from_mapping(raw, path)


def load_settings_or_defaults(warn: Callable[[str], None], path: Path | None = None) -> Settings:
    """The settings, or, if settings.yaml is damaged, the defaults and a warning saying so:
    a bad settings file must never stop the app or a command from starting."""
    try:
        return load_settings(path)
    except SettingsError as exc:
        warn(f"{exc}; using the default settings until it is fixed")
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically (a crash leaves the old file or the new, never half)."""
    path = path or settings_path()
    _from_mapping(dataclasses.asdict(settings), path)  # never write what we could not read
    private_dir(path.parent)
    text = yaml.safe_dump(dataclasses.asdict(settings), sort_keys=False, allow_unicode=True)
    try:
        write_private_file(path, text)
    except OSError as exc:
        raise SettingsError(f"{path}: cannot be written ({_reason(exc)})") from None
    return path


def _from_mapping(raw: dict[Any, Any], path: Path) -> Settings:
    known = {f.name for f in dataclasses.fields(Settings)}
    for key in raw:
        if key not in known:
            raise SettingsError(
                f"{path}: field {key!r}: unknown setting (known: {', '.join(sorted(known))})"
            )
    values = dataclasses.asdict(Settings())
    values.update(raw)

    def bad(name: str, expected: str) -> SettingsError:
        return SettingsError(f"{path}: field {name!r}: {expected}, not {values[name]!r}")

    if values["theme"] not in THEMES:
        raise bad("theme", f"must be one of {', '.join(THEMES)}")
    if values["reflective_model"] not in REFLECTIVE_MODELS:
        raise bad("reflective_model", f"must be one of {', '.join(REFLECTIVE_MODELS)}")
    days = values["retention_days"]
    if isinstance(days, str) and days.strip().lower() in NEVER:
        days = values["retention_days"] = None
    if days is not None and (isinstance(days, bool) or not isinstance(days, int)
                             or not 1 <= days <= MAX_DAYS):
        raise bad("retention_days", f"must be a whole number of days from 1 to {MAX_DAYS:,} "
                  "(100 years), or never")
    dirs = values["knowledge_dirs"]
    if not isinstance(dirs, list) or not all(isinstance(d, str) and d.strip() for d in dirs):
        raise bad("knowledge_dirs", "must be a list of folder paths")
    if values["nation"] is not None and values["nation"] not in NATIONS:
        raise bad("nation", f"must be one of {', '.join(NATIONS)} or null")
    for name in ("eap_name", "eap_phone"):
        value = values[name]
        if value is not None and (not isinstance(value, str | int) or isinstance(value, bool)
                                  or not str(value).strip() or len(str(value)) > 80):
            raise bad(name, "must be a short line of text (80 characters at most) or null")
        values[name] = None if value is None else " ".join(str(value).split())
    return Settings(**values)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or exc.__class__.__name__
