"""Redaction rounds: case-note lines with the identifiers that must be hidden.

Each file in tests/redact_rounds/ holds `cases`, each a `text` and the `identifiers` in it
(exact substrings); a clean line has an empty list and must come back byte for byte. An
identifier counts as hidden only when every letter and digit of every occurrence is inside
a redacted span: "Mr [NAME-1] ap Gruffydd" leaks. `make bench` (bench/redact_bench.py)
prints the same numbers per round.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class RoundScore:
    identifiers: int
    leaked: tuple[tuple[str, str], ...]  # (identifier, redacted line)
    clean: int
    changed: tuple[tuple[str, str], ...]  # (clean line, what came back)


def load_round(path: Path) -> list[RoundCase]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data["cases"] if isinstance(data, dict) else data
    return [RoundCase(str(c["text"]), tuple(str(i) for i in c["identifiers"] or ())) for c in items]


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
    leaked, changed = [], []
    n_ids = n_clean = 0
    for case in cases:
        result = redact(case.text)
        if not case.identifiers:
            n_clean += 1
            if result.text != case.text:
                changed.append((case.text, result.text))
        for ident in case.identifiers:
            n_ids += 1
            if not _hidden(case.text, result.spans, ident):
                leaked.append((ident, result.text))
    return RoundScore(n_ids, tuple(leaked), n_clean, tuple(changed))


def round_files() -> list[Path]:
    return sorted(ROUNDS_DIR.glob("*.yaml"))


@pytest.mark.parametrize("path", round_files(), ids=lambda p: p.stem)
def test_round_hides_every_identifier_and_leaves_clean_lines(path: Path) -> None:
    score = score_round(load_round(path))
    problems = [f"leaked {ident!r}: {line}" for ident, line in score.leaked]
    problems += [f"changed clean line: {line!r} -> {out!r}" for line, out in score.changed]
    assert not problems, "\n".join(problems)


if __name__ == "__main__":  # a quick report: python tests/test_redact_rounds.py [FILE...]
    import sys

    for arg in sys.argv[1:] or [str(p) for p in round_files()]:
        s = score_round(load_round(Path(arg)))
        print(f"{arg}: {len(s.leaked)}/{s.identifiers} identifiers leaked, "
              f"{len(s.changed)}/{s.clean} clean lines changed")
        for ident, line in s.leaked:
            print(f"  LEAK {ident!r}: {line}")
        for line, out in s.changed:
            print(f"  CHANGED {line!r} -> {out!r}")
