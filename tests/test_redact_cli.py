"""`reflect-bot redact`: stdin to stdout line for line, --json, --names, the user's list,
plain errors, and a start that imports nothing heavy."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from reflect_bot.cli import main
from reflect_bot.redact import USER_NAMES_FILE

TEXT = (
    "Met Mr Jones (CRN D412873) today.\n"
    "His mum Sarah Jones rang from 07700 900123.\n"
    "\n"
    "Jones said Gibbs' cycle helped; 45 minutes.\n"
)


@pytest.fixture(autouse=True)
def _own_config_dir(tmp_path, monkeypatch):
    """Never read the real user's redaction list."""
    monkeypatch.setenv("REFLECT_BOT_CONFIG_DIR", str(tmp_path / "config"))


def run_cli(monkeypatch, capsys, argv: list[str], stdin: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_redacts_line_for_line(monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, ["redact"], TEXT)
    assert code == 0
    assert err == ""
    assert out == (
        "Met Mr [NAME-1] (CRN [CRN-1]) today.\n"
        "His mum [NAME-2] rang from [PHONE-1].\n"
        "\n"
        "[NAME-1] said Gibbs' cycle helped; 45 minutes.\n"
    )


def test_last_line_without_a_newline_stays_without_one(monkeypatch, capsys):
    _, out, _ = run_cli(monkeypatch, capsys, ["redact"], "Kyle rang\nKyle left")
    assert out == "[NAME-1] rang\n[NAME-1] left"


def test_empty_input_gives_empty_output(monkeypatch, capsys):
    assert run_cli(monkeypatch, capsys, ["redact"], "") == (0, "", "")


def test_json_lines_one_object_per_input_line(monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, ["redact", "--json"], TEXT)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    originals = TEXT.splitlines()
    assert [r["line"] for r in rows] == [1, 2, 3, 4]
    assert [r["text"] for r in rows] == [
        "Met Mr [NAME-1] (CRN [CRN-1]) today.",
        "His mum [NAME-2] rang from [PHONE-1].",
        "",
        "[NAME-1] said Gibbs' cycle helped; 45 minutes.",
    ]
    found = [
        (r["line"], originals[r["line"] - 1][s["start"] : s["end"]], s["type"], s["placeholder"])
        for r in rows
        for s in r["spans"]
    ]
    assert found == [
        (1, "Jones", "NAME", "[NAME-1]"),
        (1, "D412873", "CRN", "[CRN-1]"),
        (2, "Sarah Jones", "NAME", "[NAME-2]"),
        (2, "07700 900123", "PHONE", "[PHONE-1]"),
        (4, "Jones", "NAME", "[NAME-1]"),
    ]
    for secret in ("Jones", "D412873", "07700"):
        assert secret not in out


def test_names_files_are_added_and_repeatable(tmp_path, monkeypatch, capsys):
    first = tmp_path / "a.txt"
    first.write_text("# family\nZuzanna\n", "utf-8")
    second = tmp_path / "b.txt"
    second.write_text("Marek\n", "utf-8")
    argv = ["redact", "--names", str(first), "--names", str(second)]
    _, out, _ = run_cli(monkeypatch, capsys, argv, "zuzanna and Marek came\n")
    assert out == "[NAME-1] and [NAME-2] came\n"


def test_the_users_own_list_is_always_used(tmp_path, monkeypatch, capsys):
    config = tmp_path / "config"
    config.mkdir()
    (config / USER_NAMES_FILE).write_text("Bartek\n", "utf-8")
    _, out, _ = run_cli(monkeypatch, capsys, ["redact"], "bartek's hearing\n")
    assert out == "[NAME-1]'s hearing\n"


def test_missing_names_file_is_a_plain_error(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "nope.txt"
    code, out, err = run_cli(monkeypatch, capsys, ["redact", "--names", str(missing)], "x\n")
    assert code == 2
    assert out == ""
    assert err.strip() == f"reflect-bot: error: names file not found: {missing}"
    assert "Traceback" not in err


def test_help_says_what_json_prints(capsys):
    with pytest.raises(SystemExit) as done:
        main(["redact", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "--json" in out and "--names FILE" in out
    assert '"placeholder"' in out and "ORIGINAL line" in out


# ---- as a separate process ------------------------------------------------------------

HEAVY = ("torch", "sentence_transformers", "textual", "faiss", "transformers")
RUN = (
    "import sys\n"
    "from reflect_bot.cli import main\n"
    "code = main()\n"
    f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {set(HEAVY)!r})\n"
    "print('HEAVY', heavy, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def run_process(stdin: bytes, *args: str, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "REFLECT_BOT_CONFIG_DIR": str(tmp_path / "config")}
    return subprocess.run(
        [sys.executable, "-c", RUN, "redact", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_starts_without_importing_anything_heavy(tmp_path):
    done = run_process(TEXT.encode(), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert b"[NAME-1]" in done.stdout
    assert b"HEAVY []" in done.stderr, done.stderr.decode()


def test_keeps_crlf_and_unicode_line_breaks(tmp_path):
    text = "Kyle rang\r\nfrom 07700 900123\u2028today\n".encode()
    done = run_process(text, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[NAME-1] rang\r\nfrom [PHONE-1]\u2028today\n".encode()


def test_input_that_is_not_utf8_is_a_plain_error(tmp_path):
    done = run_process(b"Kyle \xff\xfe rang\n", tmp_path=tmp_path)
    assert done.returncode == 2
    assert done.stdout == b""
    assert b"reflect-bot: error: standard input is not UTF-8 text" in done.stderr
    assert b"Traceback" not in done.stderr
