"""The journal: only redacted words reach the disk, and the file survives what users and
machines do to it (crashes, damage, wrong passphrases, old versions)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reflect_bot import journal as journal_module
from reflect_bot.config import write_private_file
from reflect_bot.errors import JournalError
from reflect_bot.journal import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Draft,
    Journal,
    Prepared,
    is_encrypted,
)
from reflect_bot.redact import Redaction

# Planted identifiers: a name with a non-ASCII letter (so escaping could hide it from a
# naive byte scan) and a nickname no pattern would guess, only the practitioner's marking.
NAME = "Wójcik"
NICKNAME = "bigsy"
PASSPHRASE = "correct horse battery"


@pytest.fixture(autouse=True)
def private_homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLECT_BOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REFLECT_BOT_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def journal() -> Iterator[Journal]:
    with Journal() as j:
        yield j


def draft(text: str = "A hard visit today; I felt unsettled afterwards.", **kw: object) -> Draft:
    fields: dict[str, object] = {
        "kind": "conversation",
        "turns": [("practitioner", text), ("reply", "That sounds like a lot to carry.")],
    }
    fields.update(kw)
    return Draft(**fields)  # type: ignore[arg-type]


def file_bytes(path: Path) -> bytes:
    """The database and its write-ahead log and shared memory, as they sit on disk."""
    return b"".join(
        p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()
    )


def assert_absent(identifier: str, data: bytes) -> None:
    for form in {identifier, identifier.lower(), identifier.upper()}:
        for encoding in ("utf-8", "utf-16-le", "unicode_escape"):
            assert form.encode(encoding) not in data, (form, encoding)
    assert json.dumps(identifier)[1:-1].encode() not in data


# -- only redacted words are written ------------------------------------------------------


def test_prepare_writes_nothing(tmp_path: Path) -> None:
    prepared = Journal.prepare(draft(f"{NAME} shouted."), extra_names=[NAME])
    assert isinstance(prepared, Prepared)
    assert not (tmp_path / "data").exists()


def test_planted_identifier_never_reaches_disk_or_export(journal: Journal, tmp_path: Path) -> None:
    d = Draft(
        kind="reflection",
        model="gibbs",
        stages=["description", "feelings"],
        turns=[
            ("description", f"Mr {NAME} said {NICKNAME} would sort me out."),
            ("feelings", f"Scared. {NAME.upper()} knew where I park."),
            ("reply", f"It makes sense that what {NAME} said stayed with you."),
        ],
        cited=["tip-safety-1"],
        tags=[f"{NAME} follow-up", "supervision"],
    )
    prepared = Journal.prepare(d, extra_names=[NAME, NICKNAME])
    for _, r in prepared.turns:
        assert NAME.lower() not in r.text.lower() and NICKNAME.lower() not in r.text.lower()
        assert r.spans
    entry_id = journal.save(prepared)
    out = tmp_path / "export.md"
    write_private_file(out, journal.export_markdown())

    assert_absent(NAME, file_bytes(journal.path))
    assert_absent(NICKNAME, file_bytes(journal.path))
    assert_absent(NAME, out.read_bytes())
    assert_absent(NICKNAME, out.read_bytes())
    # What was previewed is exactly what was stored.
    stored = journal.get(entry_id)
    assert stored.turns == tuple((role, r.text) for role, r in prepared.turns)
    assert stored.tags == tuple(t.text for t in prepared.tags)
    journal.close()
    assert_absent(NAME, file_bytes(journal.path))


def test_marking_more_words_in_the_preview_redacts_them(journal: Journal) -> None:
    text = f"We talked about {NICKNAME} and the late nights again."
    first = Journal.prepare(draft(text))
    assert NICKNAME in first.turns[0][1].text  # no rule could know this nickname
    second = Journal.prepare(draft(text), extra_names=[NICKNAME])
    redacted = second.turns[0][1]
    assert NICKNAME not in redacted.text
    assert any(text[s.start : s.end] == NICKNAME for s in redacted.spans)
    assert second.redaction_count > first.redaction_count
    journal.save(second)
    assert_absent(NICKNAME, file_bytes(journal.path))


def test_a_name_found_in_one_turn_is_redacted_in_every_field() -> None:
    d = Draft(
        kind="conversation",
        turns=[
            ("practitioner", f"Mr {NAME} was angry in the waiting room."),
            (
                "reply",
                f"It sounds frightening. What did you notice in yourself when {NAME} shouted?",
            ),
            ("practitioner", f"I kept thinking about {NAME}.\nThen I went home."),
        ],
        tags=[f"{NAME}"],
    )
    prepared = Journal.prepare(d)
    texts = [r.text for _, r in prepared.turns] + [t.text for t in prepared.tags]
    assert all(NAME not in t for t in texts)
    assert (
        texts[2] == "I kept thinking about [NAME-1].\nThen I went home."
    )  # one number, lines kept
    for (_, original), (_, r) in zip(d.turns, prepared.turns, strict=True):
        assert [original[s.start : s.end] for s in r.spans] == [NAME]  # spans per field


def test_save_refuses_words_that_were_never_redacted(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_hand = Prepared(
        kind="conversation",
        model=None,
        stages=(),
        turns=(("practitioner", Redaction(f"Mr {NAME} came in.", ())),),
        cited=(),
        tags=(),
    )
    with pytest.raises(JournalError, match="prepare it again"):
        journal.save(by_hand)
    previewed = Journal.prepare(draft(f"Talked about {NICKNAME} today."))
    monkeypatch.setattr(journal_module, "user_names", lambda: [NICKNAME])  # list grew meanwhile
    with pytest.raises(JournalError, match="prepare it again"):
        journal.save(previewed)
    assert journal.list() == []
    assert_absent(NAME, file_bytes(journal.path))
    assert_absent(NICKNAME, file_bytes(journal.path))


def test_users_own_names_list_is_applied(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal_module, "user_names", lambda: [NICKNAME])
    prepared = Journal.prepare(draft(f"Met {NICKNAME} at the office."))
    assert NICKNAME not in prepared.turns[0][1].text


def test_draft_is_checked_before_anything_happens() -> None:
    with pytest.raises(JournalError, match="kind"):
        Journal.prepare(draft(kind="diary"))
    with pytest.raises(JournalError, match="nothing to save"):
        Journal.prepare(Draft(kind="conversation", turns=[("practitioner", "   ")]))
    with pytest.raises(TypeError):
        Journal().save(draft())  # type: ignore[arg-type]  # raw drafts cannot be saved


def test_no_network_while_saving_and_exporting(journal: Journal, no_network: list) -> None:
    journal.encrypt(PASSPHRASE)
    entry_id = journal.save(Journal.prepare(draft(), extra_names=[NAME]))
    journal.delete(journal.save(Journal.prepare(draft())))
    assert journal.export_markdown([entry_id]).count("## Entry") == 1
    assert no_network == []


# -- reading, searching, deleting -----------------------------------------------------------


def test_list_newest_first_search_get(journal: Journal) -> None:
    now = datetime.now(UTC)
    old = journal.save(Journal.prepare(draft("Court report stress", created=now - timedelta(2))))
    new = journal.save(Journal.prepare(draft("Home visit went well", tags=["visits"])))
    mid = journal.save(Journal.prepare(draft("A quiet day", created=now - timedelta(1))))
    assert [e.id for e in journal.list()] == [new, mid, old]
    assert [e.id for e in journal.list(search="court")] == [old]
    assert [e.id for e in journal.list(search="VISITS")] == [new]
    assert journal.list(search="nothing like this") == []
    entry = journal.get(new)
    assert entry.kind == "conversation" and entry.tags == ("visits",)
    assert entry.turns[0] == ("practitioner", "Home visit went well")
    with pytest.raises(JournalError, match="no journal entry 999"):
        journal.get(999)


def test_delete_overwrites_the_words_and_never_reuses_the_number(journal: Journal) -> None:
    keep = journal.save(Journal.prepare(draft("Supervision helped")))
    gone = journal.save(Journal.prepare(draft("zebracorn " * 50)))
    assert b"zebracorn" in file_bytes(journal.path)
    journal.delete(gone)
    assert b"zebracorn" not in file_bytes(journal.path)
    assert [e.id for e in journal.list()] == [keep]
    with pytest.raises(JournalError, match=f"no journal entry {gone}"):
        journal.delete(gone)
    assert journal.save(Journal.prepare(draft())) > gone


def test_purge_and_retention_go_by_date(journal: Journal) -> None:
    now = datetime.now(UTC)
    ids = {
        days: journal.save(
            Journal.prepare(draft(f"{days} days ago", created=now - timedelta(days)))
        )
        for days in (0, 10, 100, 400)
    }
    assert journal.apply_retention(None) == 0
    assert journal.purge(365) == 1
    assert journal.apply_retention(30) == 1
    assert sorted(e.id for e in journal.list()) == sorted([ids[0], ids[10]])
    with pytest.raises(JournalError):
        journal.purge(0)


def test_export_markdown_reads_as_a_record(journal: Journal) -> None:
    first = journal.save(
        Journal.prepare(
            Draft(
                kind="reflection",
                model="schon",
                stages=["reflection_in_action"],
                turns=[("reflection_in_action", "I slowed my voice down.")],
                cited=["tip-regulation-2"],
                tags=["de-escalation"],
                created=datetime.now(UTC) - timedelta(days=1),
            )
        )
    )
    second = journal.save(Journal.prepare(draft("Felt drained.")))
    text = journal.export_markdown()
    assert text.startswith("# Reflection journal\n")
    assert text.index(f"## Entry {first}: Guided reflection (Schön)") < text.index(
        f"## Entry {second}: Conversation"
    )
    for expected in ("**Reflection in action**", "I slowed my voice down.", "tip-regulation-2"):
        assert expected in text
    assert "Tags: de-escalation" in text and "**You**\n\nFelt drained." in text
    only = journal.export_markdown([second])
    assert "Felt drained." in only and "I slowed my voice down." not in only


# -- files, permissions, encryption --------------------------------------------------------


def test_files_are_private_even_with_a_loose_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with Journal() as j:
            j.save(Journal.prepare(draft()))
            paths = [j.path, Path(f"{j.path}-wal"), Path(f"{j.path}-shm")]
            assert all(p.exists() for p in paths)
            for p in paths:
                assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
            assert stat.S_IMODE(j.path.parent.stat().st_mode) == 0o700
            assert j.path == tmp_path / "data" / "journal.db"
    finally:
        os.umask(old)


def test_encryption_seals_old_and_new_entries(journal: Journal) -> None:
    before = journal.save(Journal.prepare(draft("quokkaflute " * 20)))
    assert not is_encrypted(journal.path)
    journal.encrypt(PASSPHRASE)
    after = journal.save(Journal.prepare(draft("lanternmoth " * 20)))
    data = file_bytes(journal.path)
    assert b"quokkaflute" not in data and b"lanternmoth" not in data
    journal.close()
    assert b"quokkaflute" not in file_bytes(journal.path)
    assert is_encrypted(journal.path)
    with Journal(passphrase=PASSPHRASE) as j:
        assert j.encrypted
        assert j.get(before).turns[0][1].startswith("quokkaflute")
        assert j.get(after).turns[0][1].startswith("lanternmoth")
        with pytest.raises(JournalError, match="already encrypted"):
            j.encrypt(PASSPHRASE)


def test_wrong_or_missing_passphrase_touches_nothing(journal: Journal) -> None:
    journal.save(Journal.prepare(draft("one")))
    journal.encrypt(PASSPHRASE)
    journal.save(Journal.prepare(draft("two", created=datetime.now(UTC) - timedelta(days=50))))
    journal.close()
    path = journal.path
    snapshot = {p.name: p.read_bytes() for p in path.parent.iterdir()}
    mtime = path.stat().st_mtime_ns
    with pytest.raises(JournalError, match="passphrase does not open") as caught:
        Journal(passphrase="not the passphrase")
    assert "\n" not in str(caught.value)
    with pytest.raises(JournalError, match="passphrase is needed"):
        Journal()
    assert {p.name: p.read_bytes() for p in path.parent.iterdir()} == snapshot
    assert path.stat().st_mtime_ns == mtime
    with Journal(passphrase=PASSPHRASE) as j:
        assert len(j.list()) == 2


def test_plain_journal_refuses_a_passphrase_and_short_ones(journal: Journal) -> None:
    journal.close()
    with pytest.raises(JournalError, match="not encrypted"):
        Journal(passphrase=PASSPHRASE)
    with Journal() as j, pytest.raises(JournalError, match="at least 8"):
        j.encrypt("short")


def test_tampered_entry_is_refused(journal: Journal) -> None:
    journal.encrypt(PASSPHRASE)
    entry_id = journal.save(Journal.prepare(draft()))
    journal.close()
    with sqlite3.connect(journal.path) as conn:
        (body,) = conn.execute("SELECT body FROM entries WHERE id = ?", (entry_id,)).fetchone()
        flipped = bytes(body[:-1]) + bytes([body[-1] ^ 1])
        conn.execute("UPDATE entries SET body = ? WHERE id = ?", (flipped, entry_id))
    conn.close()
    with Journal(passphrase=PASSPHRASE) as j, pytest.raises(JournalError, match="cannot be read"):
        j.get(entry_id)


# -- damage, old and new versions ----------------------------------------------------------


def test_damaged_file_is_kept_aside_never_deleted(tmp_path: Path) -> None:
    path = tmp_path / "data" / "journal.db"
    path.parent.mkdir(parents=True)
    garbage = b"this is not a database, but it is someone's journal" * 200
    path.write_bytes(garbage)
    with pytest.raises(JournalError, match="damaged") as caught:
        Journal()
    message = str(caught.value)
    assert "\n" not in message
    kept = [p for p in path.parent.iterdir() if p.name.startswith("journal.db.damaged-")]
    assert len(kept) == 1 and kept[0].name in message
    assert kept[0].read_bytes() == garbage
    with Journal() as j:  # the next start begins a new journal beside the kept one
        assert j.list() == []
    assert kept[0].read_bytes() == garbage


def test_damaged_pages_are_caught_at_open(tmp_path: Path) -> None:
    with Journal() as j:
        for n in range(40):
            j.save(Journal.prepare(draft(f"entry {n} " * 200)))
        path = j.path
    data = bytearray(path.read_bytes())
    page = 4096
    data[3 * page : 6 * page] = os.urandom(3 * page)
    path.write_bytes(bytes(data))
    with pytest.raises(JournalError, match="damaged"):
        Journal()
    kept = [p for p in path.parent.iterdir() if ".damaged-" in p.name]
    assert [p.read_bytes() for p in kept] == [bytes(data)]


def test_upgrade_from_schema_1_in_place(tmp_path: Path) -> None:
    path = tmp_path / "data" / "journal.db"
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    body = json.dumps(
        {
            "kind": "conversation",
            "model": None,
            "stages": [],
            "turns": [["practitioner", "Written by version one"]],
            "cited": [],
            "tags": [],
        }
    ).encode()
    conn.execute(
        "INSERT INTO entries (created, body) VALUES ('2025-01-02T03:04:05+00:00', ?)", (body,)
    )
    conn.close()
    assert SCHEMA_VERSION > 1
    with Journal() as j:
        (entry,) = j.list()
        assert entry.turns == (("practitioner", "Written by version one"),)
        assert entry.created == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "entries_created" in indexes
    conn.close()


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "data" / "journal.db"
    with Journal():
        pass
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(JournalError, match="newer reflect-bot"):
        Journal()
    assert path.read_bytes() == before


# -- crash safety --------------------------------------------------------------------------

WRITER = """
import sys, time
from pathlib import Path
from reflect_bot.journal import Draft, Journal

path, hang_at = Path(sys.argv[1]), int(sys.argv[2])
journal = Journal(path)
# A tiny page cache makes SQLite spill a big entry into the WAL before it commits, so a
# kill leaves a half-written transaction on disk, the case recovery must cope with.
journal._conn.execute("PRAGMA cache_size = 8")
n = 0

def trace(sql):
    if sql == "COMMIT" and n == hang_at:
        print("committing", n, flush=True)
        time.sleep(60)

journal._conn.set_trace_callback(trace)
while True:
    n += 1
    text = f"entry {n}. " * 15000
    prepared = journal.prepare(Draft(kind="conversation", turns=[("practitioner", text)]))
    entry_id = journal.save(prepared)
    print("saved", entry_id, n, flush=True)
"""


def run_writer(path: Path, hang_at: int, kill_after: float | None) -> dict[int, int]:
    """Run the writer and SIGKILL it: when it hangs inside the commit of entry `hang_at`, or
    `kill_after` seconds after its first save, wherever it is then; return {entry id: n}
    for every save it reported done."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(hang_at)],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert proc.stdout is not None
    saved: dict[int, int] = {}
    timer: threading.Timer | None = None
    guard = threading.Timer(120, proc.kill)  # a writer that never reports must not hang the run
    guard.start()
    hung_in_commit = False
    try:
        for line in proc.stdout:
            word, *numbers = line.split()
            if word == "saved":
                saved[int(numbers[0])] = int(numbers[1])
                if kill_after is not None and timer is None:
                    timer = threading.Timer(kill_after, proc.kill)
                    timer.start()
            if word == "committing":
                hung_in_commit = True
                wal = Path(f"{path}-wal")
                assert f"entry {hang_at}.".encode() in wal.read_bytes()  # half-written, on disk
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        guard.cancel()
        if timer is not None:
            timer.cancel()
    assert proc.returncode == -signal.SIGKILL
    assert hung_in_commit or kill_after is not None, "the writer never reached the commit"
    return saved


def assert_intact(path: Path, saved: dict[int, int]) -> None:
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Journal(path) as j:
        for entry_id, n in saved.items():
            assert j.get(entry_id).turns == (("practitioner", f"entry {n}. " * 15000),)


def test_sigkill_inside_a_commit_loses_only_that_entry(tmp_path: Path) -> None:
    path = tmp_path / "data" / "journal.db"
    saved = run_writer(path, hang_at=6, kill_after=None)
    assert sorted(saved.values()) == [1, 2, 3, 4, 5]
    assert_intact(path, saved)
    with Journal(path) as j:
        assert len(j.list()) == 5  # the half-written sixth entry was rolled back


def test_sigkill_at_random_moments_keeps_every_saved_entry(tmp_path: Path) -> None:
    path = tmp_path / "data" / "journal.db"
    everything: dict[int, int] = {}
    for delay in (0.05, 0.13, 0.29, 0.41):
        saved = run_writer(path, hang_at=10**9, kill_after=delay)
        assert saved, "the writer saved nothing before it was killed"
        everything.update(saved)
        assert_intact(path, everything)


def test_a_locked_journal_is_a_one_line_error(tmp_path: Path) -> None:
    """Another process holding the write lock: a plain JournalError, nothing half-written."""
    import sqlite3

    from reflect_bot.errors import JournalError
    from reflect_bot.journal import Draft, Journal

    path = tmp_path / "journal.db"
    journal = Journal(path)
    first = journal.save(journal.prepare(Draft("conversation", [("practitioner", "first")])))
    journal._conn.execute("PRAGMA busy_timeout = 0")
    other = sqlite3.connect(path)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(JournalError, match="just now") as err:
            journal.save(journal.prepare(Draft("conversation", [("practitioner", "second")])))
        assert "\n" not in str(err.value)
        with pytest.raises(JournalError, match="just now"):
            journal.encrypt("a long passphrase")
    finally:
        other.rollback()
        other.close()
    assert [e.id for e in journal.list()] == [first]
    journal.close()


# -- one damaged record, tampered settings, numbers out of range (issues 17 and 18) --------


def flip_bytes(path: Path, entry_id: int, *offsets: int) -> None:
    with sqlite3.connect(path) as conn:
        (body,) = conn.execute("SELECT body FROM entries WHERE id = ?", (entry_id,)).fetchone()
        body = bytearray(body)
        for offset in offsets:
            body[offset] ^= 0xFF
        conn.execute("UPDATE entries SET body = ? WHERE id = ?", (bytes(body), entry_id))
    conn.close()


@pytest.mark.parametrize("encrypted", [False, True])
def test_one_damaged_record_never_locks_the_others_away(encrypted: bool) -> None:
    with Journal() as j:
        if encrypted:
            j.encrypt(PASSPHRASE)
        ids = [j.save(Journal.prepare(draft(f"Visit number {n} went well."))) for n in range(50)]
        path = j.path
    bad = ids[2]
    flip_bytes(path, bad, 0, 1)  # two bytes of one entry's body
    with Journal(passphrase=PASSPHRASE if encrypted else None) as j:
        listed = j.list()
        assert sorted(e.id for e in listed) == sorted(set(ids) - {bad})
        assert [d.entry_id for d in j.damaged] == [bad]
        assert f"journal delete {bad}" in str(j.damaged[0]) and "\n" not in str(j.damaged[0])
        export = j.export_markdown()
        assert export.count("## Entry") == 49 and f"## Entry {bad}:" not in export
        assert j.export_markdown([bad, ids[3]]).count("## Entry") == 1
        with pytest.raises(JournalError, match=f"entry {bad} is damaged"):
            j.export_markdown([bad])
        assert [d.entry_id for d in j.check()] == [bad]
        j.delete(bad)
        assert j.check() == [] and len(j.list()) == 49
        for other in ids[:2]:  # and every other entry can still be deleted
            j.delete(other)
        assert len(j.list()) == 47 and j.damaged == []


def test_a_damaged_record_can_be_moved_aside_with_its_bytes_kept(journal: Journal) -> None:
    first = journal.save(Journal.prepare(draft("First visit.")))
    second = journal.save(Journal.prepare(draft("Second visit.")))
    flip_bytes(journal.path, first, 0)
    with sqlite3.connect(journal.path) as conn:
        (stored,) = conn.execute("SELECT body FROM entries WHERE id = ?", (first,)).fetchone()
    conn.close()
    kept = journal.move_aside(first)
    assert kept.read_bytes().endswith(bytes(stored))
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert [e.id for e in journal.list()] == [second] and journal.check() == []


def test_entry_numbers_and_days_out_of_range_are_one_line_errors(journal: Journal) -> None:
    journal.save(Journal.prepare(draft()))
    for number in (0, -1, 2**63, 10**23):
        with pytest.raises(JournalError, match=f"no journal entry {number}"):
            journal.get(number)
        with pytest.raises(JournalError, match=f"no journal entry {number}"):
            journal.delete(number)
    for days in (0, 36_501, 99_999_999_999):
        with pytest.raises(JournalError, match="from 1 to 36,500"):
            journal.purge(days)
    assert journal.purge(36_500) == 0 and len(journal.list()) == 1


def test_key_derivation_row_that_is_not_json_is_the_damaged_message(journal: Journal) -> None:
    journal.encrypt(PASSPHRASE)
    journal.close()
    for value in (b"not json", b"[1, 2]", b'{"name": "scrypt"}', "{}"):
        with sqlite3.connect(journal.path) as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'kdf'", (value,))
        conn.close()
        with pytest.raises(JournalError, match="encryption settings are damaged"):
            Journal(passphrase=PASSPHRASE)


def test_a_tampered_key_derivation_cost_fails_within_a_second(journal: Journal) -> None:
    journal.encrypt(PASSPHRASE)
    journal.close()
    with sqlite3.connect(journal.path) as conn:
        (raw,) = conn.execute("SELECT value FROM meta WHERE key = 'kdf'").fetchone()
    conn.close()
    for change in ({"n": 2**22}, {"r": 64}, {"n": 2**17, "r": 16}, {"p": 2**20}, {"n": 3 * 2**14},
                   {"salt": "zz"}, {"n": True}):
        params = {**json.loads(raw), **change}
        with sqlite3.connect(journal.path) as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'kdf'",
                         (json.dumps(params).encode(),))
        conn.close()
        start = time.monotonic()
        with pytest.raises(JournalError, match="encryption settings are damaged"):
            Journal(passphrase=PASSPHRASE)
        assert time.monotonic() - start < 1, change


def test_a_passphrase_that_is_not_text_is_a_clear_error(journal: Journal) -> None:
    journal.encrypt(PASSPHRASE)
    journal.close()
    undecodable = os.fsdecode(b"abc\xff\xfedefgh")  # what os.environ holds for such bytes
    with pytest.raises(JournalError, match="not text"):
        Journal(passphrase=undecodable)


def test_a_journal_moved_aside_is_announced_once_on_the_next_start(tmp_path: Path) -> None:
    with Journal() as j:
        j.save(Journal.prepare(draft()))
        path = j.path
    path.write_bytes(b"not a database " * 500)
    with pytest.raises(JournalError, match="kept as"):
        Journal()
    (kept,) = [p for p in path.parent.iterdir() if ".damaged-" in p.name]
    with Journal() as j:
        assert len(j.notices) == 1 and str(kept) in j.notices[0]
        assert j.list() == []
    with Journal() as j:
        assert j.notices == []


def test_damage_found_after_opening_is_one_line(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal.save(Journal.prepare(draft()))

    def malformed(rows: object) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(journal, "_readable", malformed)
    with pytest.raises(JournalError, match="part of the journal file is damaged") as caught:
        journal.list()
    assert "\n" not in str(caught.value)
