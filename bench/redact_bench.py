"""Redaction: precision and recall per category, spans in the shipped guidance, throughput.

Run: .venv/bin/python bench/redact_bench.py
Prints three small tables. Nothing is asserted here; tests/test_redact.py does that, and
this script reuses its corpus loader and scoring (tests/redact_cases.yaml).

- Quality: each expected identifier (every occurrence of its text) is found when a span of
  the same type covers it; a span covering nothing expected is a false positive.
- Guidance: the knowledge/ YAML is practice guidance, not case notes, so every span found
  there is a place to look (mostly authors' names in source lists).
- Speed: redact() on one reflection and on a few KB of text.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_redact import format_table, load_cases, score  # noqa: E402

from reflect_bot.redact import redact  # noqa: E402


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def print_quality() -> None:
    positive, unchanged = load_cases()
    print(f"corpus: {len(positive)} positive texts, {len(unchanged)} that must stay unchanged\n")
    print(format_table(score(positive, unchanged)))


def print_guidance() -> None:
    files = sorted((ROOT / "knowledge").glob("*.yaml"))
    if not files:
        return
    texts = [s for f in files for s in _strings(yaml.safe_load(f.read_text("utf-8")))]
    found: Counter = Counter()
    examples: dict[str, str] = {}
    for text in texts:
        for s in redact(text).spans:
            found[s.type] += 1
            examples.setdefault(s.type, text[s.start : s.end])
    chars = sum(len(t) for t in texts)
    print(f"\nshipped guidance: {len(files)} files, {len(texts)} strings, {chars} chars")
    print(f"{'type':<10} {'spans':>5}  first example")
    for t, n in found.most_common():
        print(f"{t:<10} {n:>5}  {examples[t]!r}")
    if not found:
        print("(no spans)")


def print_speed() -> None:
    positive, unchanged = load_cases()
    sample = "\n".join([c.text for c in positive] + unchanged)
    redact("warm up: Mr Jones, 07700 900123")  # loads the bundled lists once
    print(f"\n{'input':<30} {'chars':>7} {'lines':>6} {'runs':>5} {'ms/run':>8} {'KB/s':>7} "
          f"{'lines/s':>8}")
    one = next(c.text for c in positive if c.text.startswith("Met Mr Jones"))
    for label, text in (
        ("one reflection", one),
        ("whole corpus", sample),
        ("corpus x5", "\n".join([sample] * 5)),
    ):
        runs = min(200, max(3, 300_000 // max(len(text), 1)))
        start = time.perf_counter()
        for _ in range(runs):
            redact(text)
        per = (time.perf_counter() - start) / runs
        speed = len(text) / 1024 / per
        lines = text.count("\n") + 1
        print(
            f"{label:<30} {len(text):>7} {lines:>6} {runs:>5} {per * 1000:>8.2f} {speed:>7.0f} "
            f"{lines / per:>8.0f}"
        )


def print_rounds() -> None:
    """Folded rounds (tests/redact_rounds/) and the last held-out round (tests/heldout/
    redact.yaml, never tuned on): identifiers leaked (and of them, misses marked as known
    in the round's file), clean lines changed."""
    from test_redact_rounds import load_round, round_files, score_round

    print(
        f"\n{'round':<14} {'identifiers':>11} {'leaked':>6} {'known':>5} {'clean':>5} "
        f"{'changed':>7}"
    )
    heldout = ROOT / "tests" / "heldout" / "redact.yaml"  # absent between rounds
    for path in [*round_files(), *([heldout] if heldout.exists() else [])]:
        s = score_round(load_round(path))
        print(
            f"{path.stem:<14} {s.identifiers:>11} {len(s.leaked):>6} {len(s.known):>5} "
            f"{s.clean:>5} {len(s.changed):>7}"
        )
        for ident, line in s.leaked:
            print(f"  leaked {ident!r}: {line}")
        for ident, line, why in s.known:
            print(f"  known miss {ident!r} ({why}): {line}")


if __name__ == "__main__":
    print_quality()
    print_guidance()
    print_rounds()
    print_speed()
