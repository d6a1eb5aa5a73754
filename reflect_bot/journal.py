"""The journal: a local, redacted store of reflections, and its Markdown export.

Reflections are criminal-offence and health data about third parties, so the rule here is
simple: raw text lives only in memory. Saving is two steps so the app can show exactly what
will be stored: `Journal.prepare(draft)` redacts every free-text field (nothing is written)
and `Journal.save(prepared)` writes that redacted copy and nothing else.

Storage is one SQLite file, 0600 in a 0700 directory (WAL, synchronous=FULL, and
secure_delete, so deleted words are overwritten rather than left in free pages). Each
entry's content is one JSON document; with a passphrase it is sealed with AES-GCM under a
key derived by scrypt, and only the entry's date stays readable (so retention and purge
never decrypt anything). The journal becomes encrypted only when asked (`Journal.encrypt`,
`reflect-bot journal encrypt`); from then on it always needs the passphrase. The schema
version is SQLite's user_version; `MIGRATIONS` upgrade it in place.
"""

from __future__ import annotations

import builtins
import dataclasses
import functools
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from reflect_bot.config import data_dir, private_dir, write_private_file
from reflect_bot.errors import JournalError

if TYPE_CHECKING:
    from reflect_bot.redact import Redaction, Span

# The redactor (0.2-0.3 s of imports) is imported where text is redacted, not here: the app
# reads the journal's notes and opens it at start without redacting anything.

JOURNAL_FILE = "journal.db"
KINDS = ("conversation", "reflection")

# One tuple of statements per step: MIGRATIONS[n] upgrades schema version n to n + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
        # AUTOINCREMENT: a deleted entry's number is never reused, so an old export that
        # says "entry 12" can never point at someone else's reflection later.
        "CREATE TABLE entries (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " created TEXT NOT NULL, body BLOB NOT NULL)",
    ),
    # Listing (newest first) and retention both go by date.
    ("CREATE INDEX entries_created ON entries (created)",),
)
SCHEMA_VERSION = len(MIGRATIONS)

# scrypt at n=2**15, r=8 costs 32 MiB and about a tenth of a second: cheap once per
# start, dear for anyone guessing passphrases. Stored with the salt so it can change.
_KDF_DEFAULTS = {"name": "scrypt", "n": 2**15, "r": 8, "p": 1}
_CHECK = b"reflect-bot journal key check"
MIN_PASSPHRASE = 8
# What a stored key-derivation setting may ask for. A tampered cost outside these bounds is
# damage, refused at once, rather than minutes of work and gigabytes of memory.
_KDF_BOUNDS = {"n": (2**14, 2**17), "r": (1, 16), "p": (1, 4)}
_KDF_MAX_WORK = 2**20  # n * r * p: four times the default, under half a second
# Entry numbers are SQLite integers; retention and purge are 1 day to 100 years.
MAX_ENTRY_ID = 2**63 - 1
MAX_DAYS = 36_500
# Beside the journal: which damaged copies were kept, until the next start announces them.
_NOTICE_SUFFIX = ".moved-aside"

_ROLE_LABELS = {"practitioner": "You", "reply": "Reply"}
_MODEL_LABELS = {"gibbs": "Gibbs", "driscoll": "Driscoll", "kolb": "Kolb", "schon": "Schön"}


def default_path() -> Path:
    return data_dir() / JOURNAL_FILE


class DamagedEntryError(JournalError):
    """One entry cannot be read (its bytes were changed); the others are unaffected."""

    def __init__(self, path: Path, entry_id: int, reason: str) -> None:
        super().__init__(
            f"{path}: entry {entry_id} is damaged and cannot be read ({reason}); "
            f"`reflect-bot journal delete {entry_id}` removes it"
        )
        self.entry_id = entry_id


@dataclass
class Draft:
    """An entry as the practitioner wrote it: raw text, held in memory only, never stored.

    `turns` are (role, text) pairs; role is "practitioner", "reply", or a stage name of a
    guided reflection. `created` defaults to the moment the entry is saved.
    """

    kind: str
    turns: list[tuple[str, str]]
    model: str | None = None
    stages: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    created: datetime | None = None


@dataclass(frozen=True)
class Prepared:
    """Exactly what `save` will store: every free-text field already redacted.

    Each Redaction carries its spans so a preview can highlight what was replaced. To
    redact more, call `Journal.prepare` again with more `extra_names`.
    """

    kind: str
    model: str | None
    stages: tuple[str, ...]
    turns: tuple[tuple[str, Redaction], ...]
    cited: tuple[str, ...]
    tags: tuple[Redaction, ...]
    created: datetime | None = None

    @property
    def redaction_count(self) -> int:
        return sum(len(r.spans) for _, r in self.turns) + sum(len(t.spans) for t in self.tags)

    def _record(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "model": self.model,
            "stages": list(self.stages),
            "turns": [[role, r.text] for role, r in self.turns],
            "cited": list(self.cited),
            "tags": [t.text for t in self.tags],
        }


@dataclass(frozen=True)
class Entry:
    """A stored entry, as redacted when it was saved."""

    id: int
    created: datetime
    kind: str
    model: str | None
    stages: tuple[str, ...]
    turns: tuple[tuple[str, str], ...]
    cited: tuple[str, ...]
    tags: tuple[str, ...]

    @property
    def title(self) -> str:
        """A line for lists: what kind of entry, and the practitioner's first words."""
        words = next((t for r, t in self.turns if r == "practitioner"), "")
        if not words and self.turns:
            words = self.turns[0][1]
        words = " ".join(words.split())
        return words if len(words) <= 60 else words[:59].rstrip() + "…"

    @property
    def kind_label(self) -> str:
        if self.kind == "reflection":
            model = _MODEL_LABELS.get(self.model or "", self.model or "")
            return f"Guided reflection ({model})" if model else "Guided reflection"
        return "Conversation"

    def matches(self, search: str) -> bool:
        needle = search.casefold()
        haystack = [self.kind_label, *self.tags, *self.stages, *(t for _, t in self.turns)]
        return any(needle in h.casefold() for h in haystack)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created": self.created.isoformat(),
            "kind": self.kind,
            "model": self.model,
            "stages": list(self.stages),
            "turns": [{"role": r, "text": t} for r, t in self.turns],
            "cited": list(self.cited),
            "tags": list(self.tags),
        }



_Method = TypeVar("_Method", bound=Callable[..., Any])


def _busy_is_an_error(method: _Method) -> _Method:
    """A locked, read-only or full disk mid-operation is a one-line JournalError, not a
    traceback; SQLite has already rolled the statement back, so nothing is half-written.
    Damage found only now (a page the check at open did not read) is one line too."""

    @functools.wraps(method)
    def wrapper(self: Journal, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.OperationalError as exc:
            raise JournalError(f"{self.path}: cannot be used just now ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise JournalError(
                f"{self.path}: part of the journal file is damaged ({exc}); "
                "`reflect-bot journal check` says more"
            ) from None

    return cast(_Method, wrapper)


class Journal:
    """The practitioner's journal file. Safe to share between threads (one lock)."""

    def __init__(self, path: Path | None = None, passphrase: str | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._lock = threading.RLock()
        # Entries the last list or export could not read (see DamagedEntryError).
        self.damaged: list[DamagedEntryError] = []
        self._conn = _connect(self.path)
        try:
            self._cipher = _unlock(self._conn, self.path, passphrase)
            self._conn.execute("PRAGMA journal_mode = WAL")
            _migrate(self._conn)
            _tighten(self.path)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise _damaged(self.path, exc) from None
        except BaseException:
            self._conn.close()
            raise
        # Damaged copies kept aside since the last start, to be announced (once).
        self.notices: list[str] = moved_aside(self.path)

    # -- writing ---------------------------------------------------------------------------

    @staticmethod
    def prepare(draft: Draft, extra_names: Iterable[str] = ()) -> Prepared:
        """Redact a draft for preview and saving; writes nothing and needs no open journal.

        Everything that will be stored goes through `redact()` with the user's own list of
        names plus `extra_names` (words marked in the preview). The words and tags are
        redacted as one text, so a name recognised in one turn is caught in every other
        and keeps one placeholder number throughout the entry.
        """
        from reflect_bot.redact import redact

        if draft.kind not in KINDS:
            raise JournalError(f"entry kind must be one of {', '.join(KINDS)}, not {draft.kind!r}")
        if not any(text.strip() for _, text in draft.turns):
            raise JournalError("there is nothing to save yet: the entry has no words in it")
        names = [*user_names(), *(n for n in extra_names if n.strip())]
        tags = [t for t in draft.tags if t.strip()]
        texts = [text for _, text in draft.turns] + tags
        fields = _redact_together(texts, names)
        if len(names) > len(user_names()):
            # words marked in the preview hide what the practitioner wrote, never the guidance
            # a reply quotes ("the Care Act 2014" stays whole when "Care" is a nickname)
            quoted = [role == "reply" for role, _ in draft.turns] + [False] * len(tags)
            fields = _extra_only_in_own_words(texts, fields, quoted, user_names())

        def label(value: str) -> str:  # from the app, not the practitioner, but still checked
            return redact(value, names).text

        return Prepared(
            kind=draft.kind,
            model=label(draft.model) if draft.model else None,
            stages=tuple(label(s) for s in draft.stages),
            turns=tuple(
                (label(role), r)
                for (role, _), r in zip(draft.turns, fields[: len(draft.turns)], strict=True)
            ),
            cited=tuple(label(c) for c in draft.cited),
            tags=tuple(fields[len(draft.turns) :]),
            created=draft.created,
        )

    @_busy_is_an_error
    def save(self, prepared: Prepared) -> int:
        """Store a prepared entry exactly as previewed, in one transaction; return its number.

        As a last guard the stored words are redacted once more (redaction is idempotent):
        if that finds anything, the entry did not come from `prepare` or the user's list of
        names changed since, and nothing is written.
        """
        from reflect_bot.redact import redact

        if not isinstance(prepared, Prepared):
            raise TypeError("Journal.save takes what Journal.prepare returned")
        record = prepared._record()
        names = user_names()
        texts = [text for _, text in record["turns"]] + record["tags"]
        labels = [prepared.model or "", *prepared.stages, *prepared.cited]
        labels += [role for role, _ in record["turns"]]
        if any(r.spans for r in _redact_together(texts, names)) or any(
            redact(label, names).spans for label in labels
        ):
            raise JournalError("the entry changed after its preview; prepare it again to save it")
        created = _iso(prepared.created or datetime.now(UTC))
        body = self._seal(_dump(record), created)
        with self._write() as conn:
            cur = conn.execute("INSERT INTO entries (created, body) VALUES (?, ?)", (created, body))
            entry_id = int(cur.lastrowid or 0)
        _tighten(self.path)
        return entry_id

    @_busy_is_an_error
    def delete(self, entry_id: int) -> None:
        """Delete one entry; its words are overwritten on disk, not just unlinked."""
        with self._write() as conn:
            if conn.execute("DELETE FROM entries WHERE id = ?",
                            (_entry_id(entry_id),)).rowcount == 0:
                raise JournalError(f"there is no journal entry {entry_id}")
        self._scrub()

    @_busy_is_an_error
    def purge(self, older_than_days: int) -> int:
        """Delete every entry older than `older_than_days` days; return how many went."""
        if isinstance(older_than_days, bool) or not 1 <= older_than_days <= MAX_DAYS:
            raise JournalError(
                f"purge needs a number of days from 1 to {MAX_DAYS:,}, not {older_than_days!r}"
            )
        cutoff = _iso(datetime.now(UTC) - timedelta(days=older_than_days))
        with self._write() as conn:
            gone = conn.execute("DELETE FROM entries WHERE created < ?", (cutoff,)).rowcount
        if gone:
            self._scrub()
        return gone

    def apply_retention(self, retention_days: int | None) -> int:
        """The retention setting, applied at start: purge if set, else keep everything."""
        return self.purge(retention_days) if retention_days else 0

    @_busy_is_an_error
    def encrypt(self, passphrase: str) -> None:
        """Protect the journal with a passphrase: every entry is sealed in one transaction,
        then the file is rebuilt so no earlier unsealed copy stays on disk."""
        if self._cipher is not None:
            raise JournalError(f"{self.path}: the journal is already encrypted")
        if len(passphrase) < MIN_PASSPHRASE:
            raise JournalError(f"choose a passphrase of at least {MIN_PASSPHRASE} characters")
        params = {**_KDF_DEFAULTS, "salt": os.urandom(16).hex()}
        cipher = _Cipher(passphrase, params)
        with self._write() as conn:
            rows = conn.execute("SELECT id, created, body FROM entries").fetchall()
            for entry_id, created, body in rows:
                sealed = cipher.seal(bytes(body), created.encode())
                conn.execute("UPDATE entries SET body = ? WHERE id = ?", (sealed, entry_id))
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("kdf", _dump(params)), ("check", cipher.seal(_CHECK, b"check"))],
            )
        self._cipher = cipher
        with self._lock:
            self._conn.execute("VACUUM")
        self._scrub()

    # -- reading ---------------------------------------------------------------------------

    @property
    def encrypted(self) -> bool:
        return self._cipher is not None

    @_busy_is_an_error
    def list(self, search: str | None = None) -> list[Entry]:
        """Every entry that can be read, newest first; `search` keeps those whose words or
        tags contain it. Damaged entries are left out and named in `self.damaged`, so one
        bad record never hides the others."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, created, body FROM entries ORDER BY created DESC, id DESC"
            ).fetchall()
        entries, self.damaged = self._readable(rows)
        if search and search.strip():
            entries = [e for e in entries if e.matches(search.strip())]
        return entries

    @_busy_is_an_error
    def get(self, entry_id: int) -> Entry:
        """One entry; DamagedEntryError if it cannot be read."""
        with self._lock:
            row = self._conn.execute(
                "SELECT id, created, body FROM entries WHERE id = ?", (_entry_id(entry_id),)
            ).fetchone()
        if row is None:
            raise JournalError(f"there is no journal entry {entry_id}")
        return self._entry(*row)

    @_busy_is_an_error
    def export_markdown(
        self, ids: Sequence[int] | None = None, references: Mapping[str, str] | None = None
    ) -> str:
        """Markdown for supervision or a CPD record: the given entries, or all, oldest first.
        Damaged entries are left out and named in `self.damaged`; if every entry asked for
        is damaged, that is an error."""
        if ids is None:
            entries = list(reversed(self.list()))
        else:
            entries, self.damaged = [], []
            for i in ids:
                try:
                    entries.append(self.get(i))
                except DamagedEntryError as exc:
                    self.damaged.append(exc)
            if not entries and self.damaged:
                raise self.damaged[0]
        return export_markdown(entries, references)

    @_busy_is_an_error
    def check(self) -> builtins.list[DamagedEntryError]:
        """Every entry that cannot be read, after SQLite's own check of the whole file."""
        with self._lock:
            problem = self._conn.execute("PRAGMA integrity_check").fetchone()[0]
            if problem != "ok":
                raise JournalError(
                    f"{self.path}: the file itself is damaged ({problem}); export what can "
                    "still be read now, with `reflect-bot journal export --all --out FILE`"
                )
            rows = self._conn.execute(
                "SELECT id, created, body FROM entries ORDER BY id"
            ).fetchall()
        return self._readable(rows)[1]

    @_busy_is_an_error
    def move_aside(self, entry_id: int) -> Path:
        """Take a damaged entry out of the journal, keeping its stored bytes (still sealed,
        if the journal is encrypted) in a private file beside it; return that file."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT created, body FROM entries WHERE id = ?", (_entry_id(entry_id),)
            ).fetchone()
            if row is None:
                raise JournalError(f"there is no journal entry {entry_id}")
            kept = self.path.with_name(f"{self.path.name}.entry-{entry_id}.damaged")
            write_private_file(kept, _dump({"id": entry_id, "created": row[0]}) + b"\n"
                               + bytes(row[1]))
            conn.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
        self._scrub()
        return kept

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- inside ----------------------------------------------------------------------------

    def _write(self) -> _Transaction:
        return _Transaction(self._conn, self._lock)

    def _seal(self, data: bytes, created: str) -> bytes:
        return self._cipher.seal(data, created.encode()) if self._cipher else data

    def _readable(self, rows: Iterable[tuple[int, str, bytes]]
                  ) -> tuple[builtins.list[Entry], builtins.list[DamagedEntryError]]:
        entries, damaged = [], []
        for row in rows:
            try:
                entries.append(self._entry(*row))
            except DamagedEntryError as exc:
                damaged.append(exc)
        return entries, damaged

    def _entry(self, entry_id: int, created: str, body: bytes) -> Entry:
        data = bytes(body)
        try:
            if self._cipher is not None:
                data = self._cipher.open(data, created.encode())
            record = json.loads(data.decode("utf-8"))
            return Entry(
                id=entry_id,
                created=datetime.fromisoformat(created),
                kind=record["kind"],
                model=record["model"],
                stages=tuple(record["stages"]),
                turns=tuple((role, text) for role, text in record["turns"]),
                cited=tuple(record["cited"]),
                tags=tuple(record["tags"]),
            )
        except Exception as exc:  # InvalidTag, bad JSON, a missing field: all one story
            raise DamagedEntryError(self.path, entry_id, exc.__class__.__name__) from None

    def _scrub(self) -> None:
        """Empty the write-ahead log so deleted words do not linger in it."""
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class _Transaction:
    """`with journal._write() as conn:` one IMMEDIATE transaction under the lock."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock) -> None:
        self._conn, self._lock = conn, lock

    def __enter__(self) -> sqlite3.Connection:
        self._lock.acquire()
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            self._lock.release()
            raise JournalError(f"the journal cannot be written just now ({exc})") from None
        return self._conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            self._conn.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self._lock.release()


class _Cipher:
    """AES-256-GCM under a scrypt key; every sealed value is nonce (12 bytes) + ciphertext."""

    def __init__(self, passphrase: str, params: dict[str, Any]) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        kdf = Scrypt(
            salt=bytes.fromhex(params["salt"]),
            length=32,
            n=params["n"],
            r=params["r"],
            p=params["p"],
        )
        self._aead = AESGCM(kdf.derive(passphrase.encode("utf-8")))

    def seal(self, data: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data, aad)

    def open(self, sealed: bytes, aad: bytes) -> bytes:
        return self._aead.decrypt(sealed[:12], sealed[12:], aad)


def is_encrypted(path: Path | None = None) -> bool:
    """Whether the journal needs a passphrase, read without changing anything.

    The app and the CLI ask this first, so they only prompt when they must.
    """
    path = Path(path) if path is not None else default_path()
    if not path.exists():
        return False
    try:
        # Not mode=ro: a read-only connection leaves empty -wal/-shm files behind.
        conn = sqlite3.connect(path)
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] < 1:
                return False
            return conn.execute("SELECT 1 FROM meta WHERE key = 'kdf'").fetchone() is not None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, exc) from None


def export_markdown(
    entries: Sequence[Entry], references: Mapping[str, str] | None = None
) -> str:
    """The export document: a short header, then each entry as it was stored.

    Entries store the ids of the passages they cited; `references` (see
    `Corpus.references`) turns each into its title and sources for a reader.
    """
    lines = [
        "# Reflection journal",
        "",
        f"Exported from reflect-bot on {datetime.now().astimezone():%d %B %Y}. Names and other "
        "details that could identify someone were replaced with placeholders before saving.",
        "",
    ]
    for entry in entries:
        lines += [entry_markdown(entry, references), ""]
    return "\n".join(lines).rstrip() + "\n"


def entry_markdown(entry: Entry, references: Mapping[str, str] | None = None) -> str:
    """One entry as Markdown: heading, details, then each turn under its speaker or stage,
    then the guidance it cited (by title and sources when `references` knows them)."""
    when = entry.created.astimezone()
    lines = [f"## Entry {entry.id}: {entry.kind_label}, {when:%d %B %Y, %H:%M}", ""]
    if entry.tags:
        lines += [f"Tags: {', '.join(entry.tags)}", ""]
    for role, text in entry.turns:
        label = _ROLE_LABELS.get(role, role.replace("_", " ").capitalize())
        lines += [f"**{label}**", "", text.strip(), ""]
    if entry.cited:
        known = references if references is not None else {}
        lines += ["Sources:", ""] + [f"- {known.get(c, c)}" for c in entry.cited] + [""]
    return "\n".join(lines).rstrip()


# Between fields when they are redacted together. redact() treats \x1e as a line break and
# never lets a span cross one, so the fields come back apart, each with its own spans.
_SEPARATOR = "\n\n\x1e\n\n"


def user_names() -> list[str]:
    """The practitioner's own list of names to hide, read by the redactor."""
    from reflect_bot.redact import user_names as listed

    return listed()


def _redact_together(texts: Sequence[str], names: Sequence[str]) -> list[Redaction]:
    from reflect_bot.redact import Redaction, redact

    texts = [t.replace("\x1e", " ") for t in texts]
    whole = redact(_SEPARATOR.join(texts), names)
    parts = whole.text.split(_SEPARATOR)
    if len(parts) != len(texts):  # cannot happen while redact() keeps line breaks
        raise JournalError("redaction merged two parts of the entry; nothing was saved")
    out, start = [], 0
    for text, part in zip(texts, parts, strict=True):
        end = start + len(text)
        spans = tuple(
            dataclasses.replace(s, start=s.start - start, end=s.end - start)
            for s in whole.spans
            if start <= s.start < end
        )
        out.append(Redaction(part, spans))
        start = end + len(_SEPARATOR)
    return out


def _extra_only_in_own_words(
    texts: Sequence[str], fields: Sequence[Redaction], quoted: Sequence[bool],
    names: Sequence[str],
) -> list[Redaction]:
    """`fields` (redacted with the extra words) with, in each `quoted` field, only the
    spans that redaction without the extra words also finds there (a name recognised in the
    practitioner's words is still caught in a reply). Placeholders keep their numbers."""
    from reflect_bot.redact import Redaction

    without = _redact_together(texts, names)
    out = list(fields)
    for i, is_quoted in enumerate(quoted):
        if not is_quoted:
            continue
        original = texts[i].replace("\x1e", " ")

        def rebuilt(spans: Sequence[Span], original: str = original) -> str:
            pieces, pos = [], 0
            for span in spans:
                pieces += [original[pos:span.start], span.placeholder]
                pos = span.end
            return "".join([*pieces, original[pos:]])

        found = without[i].spans
        kept = tuple(s for s in fields[i].spans
                     if any(b.start < s.end and s.start < b.end for b in found))
        # only when the spans account for the whole redacted text; otherwise hide more
        if kept != fields[i].spans and rebuilt(fields[i].spans) == fields[i].text:
            out[i] = Redaction(rebuilt(kept), kept)
    return out


def _connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the file with 0600 before SQLite touches it, so SQLite's
    -wal and -shm files, which copy the database's permissions, are private from birth."""
    try:
        private_dir(path.parent)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
        path.chmod(0o600)
    except OSError as exc:
        raise JournalError(f"{path}: cannot be opened ({exc.strerror or exc})") from None
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
    try:
        for pragma in ("synchronous = FULL", "secure_delete = ON", "temp_store = MEMORY"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _damaged(path, exc) from None
    return conn


def _unlock(conn: sqlite3.Connection, path: Path, passphrase: str | None) -> _Cipher | None:
    """Check the file is ours and whole, and the passphrase right, before writing anything."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise JournalError(
            f"{path}: written by a newer reflect-bot (schema {version}; this one reads up to "
            f"{SCHEMA_VERSION}); update reflect-bot to open it"
        )
    check = conn.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise sqlite3.DatabaseError(f"quick_check: {check}")
    meta = dict(conn.execute("SELECT key, value FROM meta")) if version >= 1 else {}
    if "kdf" not in meta:
        if passphrase is not None:
            raise JournalError(
                f"{path}: this journal is not encrypted, so it takes no passphrase "
                "(`reflect-bot journal encrypt` adds one)"
            )
        return None
    if not passphrase:
        raise JournalError(f"{path}: the journal is encrypted: its passphrase is needed")
    try:
        passphrase.encode("utf-8")
    except UnicodeError:
        raise JournalError(
            "the passphrase holds bytes that are not text (UTF-8); type it again, or set "
            "REFLECT_BOT_PASSPHRASE from a UTF-8 terminal"
        ) from None
    params = _kdf_params(meta["kdf"], path)
    check = meta.get("check")
    if not isinstance(check, bytes) or len(check) < 12 + 16:
        raise JournalError(f"{path}: the journal's key check is damaged; nothing was changed")
    cipher = _Cipher(passphrase, params)
    try:
        if cipher.open(check, b"check") == _CHECK:
            return cipher
    except Exception:  # cryptography's InvalidTag: the key is wrong
        pass
    raise JournalError(f"{path}: that passphrase does not open this journal; nothing was changed")


def _kdf_params(raw: object, path: Path) -> dict[str, Any]:
    """The stored key-derivation setting, checked against fixed bounds before any work."""

    def damaged(why: str) -> JournalError:
        return JournalError(
            f"{path}: the journal's encryption settings are damaged ({why}); nothing was changed"
        )

    try:
        params = json.loads(bytes(raw) if isinstance(raw, bytes | bytearray | memoryview)
                            else str(raw))
    except (ValueError, TypeError):
        raise damaged("not readable") from None
    if not isinstance(params, dict) or params.get("name") != "scrypt":
        raise damaged("not an scrypt setting")
    for key, (low, high) in _KDF_BOUNDS.items():
        value = params.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise damaged(f"{key} must be from {low} to {high}")
    if params["n"] & (params["n"] - 1) or params["n"] * params["r"] * params["p"] > _KDF_MAX_WORK:
        raise damaged("the cost is out of bounds")
    salt = params.get("salt")
    try:
        if not isinstance(salt, str) or len(bytes.fromhex(salt)) < 16:
            raise ValueError
    except ValueError:
        raise damaged("the salt is missing or malformed") from None
    return params


def _migrate(conn: sqlite3.Connection) -> None:
    """Upgrade in place, one step per transaction; another process may race us, so each
    step re-reads the version under the write lock."""
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= SCHEMA_VERSION:
                conn.execute("COMMIT")
                return
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _damaged(path: Path, exc: sqlite3.DatabaseError) -> JournalError:
    """A file SQLite cannot read, or finds damaged: keep it aside (never delete it)."""
    if isinstance(exc, sqlite3.OperationalError):  # locked, read-only, disk full: not damage
        return JournalError(f"{path}: cannot be used just now ({exc})")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while kept.exists():
        n += 1
        kept = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    try:
        path.rename(kept)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.rename(kept.with_name(kept.name + suffix))
    except OSError as err:
        return JournalError(
            f"{path}: the journal file is damaged ({exc}) and could not be moved aside "
            f"({err.strerror or err}); it has not been changed"
        )
    try:  # so the next start says what happened, even in the app
        notice = path.with_name(path.name + _NOTICE_SUFFIX)
        before = notice.read_text(encoding="utf-8") if notice.exists() else ""
        write_private_file(notice, before + f"{kept.name}\t{stamp}\n")
    except OSError:
        pass  # the message below says it all this time
    return JournalError(
        f"{path}: the journal file is damaged ({exc}); it was kept as {kept.name} and a new, "
        "empty journal will start next time"
    )


def moved_aside(path: Path | None = None) -> list[str]:
    """Damaged journal files kept aside since the last start, each as a sentence saying where
    it is and what to do; reading them clears the list (each is announced once)."""
    path = Path(path) if path is not None else default_path()
    notice = path.with_name(path.name + _NOTICE_SUFFIX)
    try:
        lines = notice.read_text(encoding="utf-8", errors="replace").splitlines()
        notice.unlink()
    except OSError:
        return []
    said = []
    for line in lines:
        name = line.split("\t")[0].strip()
        if name and "/" not in name:
            said.append(
                f"Your journal was damaged, so it was kept aside as {path.with_name(name)} "
                "and a new, empty journal was started. The entries in the damaged copy are not "
                "in the new journal; keep the file if you want to try to recover them, or "
                "delete it when you no longer need it."
            )
    return said


def _tighten(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            path.with_name(path.name + suffix).chmod(0o600)
        except FileNotFoundError:
            pass


def _entry_id(entry_id: int) -> int:
    """An entry number SQLite can hold; anything else is simply not an entry."""
    if isinstance(entry_id, bool) or not isinstance(entry_id, int) \
            or not 1 <= entry_id <= MAX_ENTRY_ID:
        raise JournalError(f"there is no journal entry {entry_id} (entries are numbered from 1)")
    return entry_id


def _iso(moment: datetime) -> str:
    """UTC, to the second, so stored dates sort as text and compare with a cutoff."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _dump(value: object) -> bytes:
    # ensure_ascii=False: stored bytes are the text itself, so a byte scan for a name is honest.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
