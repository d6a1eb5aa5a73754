"""Redaction rounds: case-note lines with the identifiers that must be hidden.

Each file in tests/redact_rounds/ holds `cases`, each a `text` and the `identifiers` in it
(exact substrings); a clean line has an empty list and must come back byte for byte. An
identifier counts as hidden only when every letter and digit of every occurrence is inside
a redacted span: "Mr [NAME-1] ap Gruffydd" leaks. `make bench` (bench/redact_bench.py)
prints the same numbers per round.

A case may list `known_miss` identifiers with a `why`: ones that could only be hidden by
putting the test's own strings into the code or the lists. The test still reports them
(as a warning), and fails once one is hidden, so the mark is taken off.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from reflect_bot.redact import redact

ROUNDS_DIR = Path(__file__).with_name("redact_rounds")


@dataclass(frozen=True)
class RoundCase:
    text: str
    identifiers: tuple[str, ...]
    known_miss: tuple[str, ...] = ()
    why: str = ""


@dataclass(frozen=True)
class RoundScore:
    identifiers: int
    leaked: tuple[tuple[str, str], ...]  # (identifier, redacted line)
    clean: int
    changed: tuple[tuple[str, str], ...]  # (clean line, what came back)
    known: tuple[tuple[str, str, str], ...] = ()  # known misses: (identifier, line, why)
    now_hidden: tuple[str, ...] = ()  # identifiers marked as known misses that are hidden


def load_round(path: Path) -> list[RoundCase]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data["cases"] if isinstance(data, dict) else data
    return [
        RoundCase(
            str(c["text"]),
            tuple(str(i) for i in c["identifiers"] or ()),
            tuple(str(i) for i in c.get("known_miss") or ()),
            str(c.get("why", "")),
        )
        for c in items
    ]


def _hidden(text: str, spans, ident: str) -> bool:
    start, found = 0, False
    while (i := text.find(ident, start)) >= 0:
        found = True
        for k in range(i, i + len(ident)):
            if text[k].isalnum() and not any(s.start <= k < s.end for s in spans):
                return False
        start = i + 1
    if not found:
        raise AssertionError(f"identifier {ident!r} is not in its line {text!r}")
    return True


def score_round(cases: list[RoundCase]) -> RoundScore:
    leaked, changed, known, now_hidden = [], [], [], []
    n_ids = n_clean = 0
    for case in cases:
        result = redact(case.text)
        if not case.identifiers:
            n_clean += 1
            if result.text != case.text:
                changed.append((case.text, result.text))
        for ident in case.identifiers:
            n_ids += 1
            hidden = _hidden(case.text, result.spans, ident)
            if ident in case.known_miss:
                if hidden:
                    now_hidden.append(ident)
                else:
                    known.append((ident, result.text, case.why))
            elif not hidden:
                leaked.append((ident, result.text))
    return RoundScore(
        n_ids, tuple(leaked), n_clean, tuple(changed), tuple(known), tuple(now_hidden)
    )


def round_files() -> list[Path]:
    return sorted(ROUNDS_DIR.glob("*.yaml"))


@pytest.mark.parametrize("path", round_files(), ids=lambda p: p.stem)
def test_round_hides_every_identifier_and_leaves_clean_lines(path: Path) -> None:
    score = score_round(load_round(path))
    problems = [f"leaked {ident!r}: {line}" for ident, line in score.leaked]
    problems += [f"changed clean line: {line!r} -> {out!r}" for line, out in score.changed]
    problems += [f"known miss {i!r} is hidden now: take the mark off" for i in score.now_hidden]
    assert not problems, "\n".join(problems)
    for ident, line, why in score.known:
        warnings.warn(f"{path.stem}: known miss {ident!r} ({why}): {line}", stacklevel=1)


if __name__ == "__main__":  # a quick report: python tests/test_redact_rounds.py [FILE...]
    import sys

    for arg in sys.argv[1:] or [str(p) for p in round_files()]:
        s = score_round(load_round(Path(arg)))
        print(f"{arg}: {len(s.leaked) + len(s.known)}/{s.identifiers} identifiers leaked "
              f"({len(s.known)} known), {len(s.changed)}/{s.clean} clean lines changed")
        for ident, line in s.leaked:
            print(f"  LEAK {ident!r}: {line}")
        for ident, line, why in s.known:
            print(f"  KNOWN MISS {ident!r} ({why}): {line}")
        for line, out in s.changed:
            print(f"  CHANGED {line!r} -> {out!r}")
