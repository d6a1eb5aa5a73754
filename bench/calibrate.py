"""Calibrate the composer's no-fit threshold: for each threshold and margin, the share of
on-topic messages judged no-fit and of off-topic messages judged fit. Prints a table; the
chosen values live next to NO_FIT_THRESHOLD in reflect_bot/reply/composer.py."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from reflect_bot.reply import RetrievalComposer
from reflect_bot.retrieval import Retriever

TESTS = Path(__file__).resolve().parents[1] / "tests"


def calibration_table(
    composer: RetrievalComposer,
    on_topic: Sequence[str],
    off_topic: Sequence[str],
    thresholds: Sequence[float] = (0.36, 0.38, 0.40, 0.42, 0.44, 0.46),
    margins: Sequence[float] = (0.0, 0.05, 0.10, 0.15, 0.20),
) -> list[tuple[float, float, float, float]]:
    """(threshold, margin, share of on-topic judged no-fit, share of off-topic judged fit)."""
    on = [composer.fit(m) for m in on_topic]
    off = [composer.fit(m) for m in off_topic]
    rows = []
    for t in thresholds:
        for m in margins:
            missed = sum(not f.fits(t, m) for f in on) / max(1, len(on))
            wrong = sum(f.fits(t, m) for f in off) / max(1, len(off))
            rows.append((t, m, missed, wrong))
    return rows


def main() -> int:
    cases = yaml.safe_load((TESTS / "retrieval_cases.yaml").read_text(encoding="utf-8"))
    off = yaml.safe_load((TESTS / "offtopic_cases.yaml").read_text(encoding="utf-8"))
    composer = RetrievalComposer(Retriever.open())
    on_topic = [str(c["query"]) for c in cases] + [str(m) for m in off["short_on_topic"]]
    rows = calibration_table(composer, on_topic, [str(m) for m in off["off_topic"]])
    print(f"{len(on_topic)} on-topic, {len(off['off_topic'])} off-topic messages")
    print("threshold margin  on-topic judged no-fit  off-topic judged fit")
    for t, m, missed, wrong in rows:
        print(f"{t:9.2f} {m:6.2f}  {missed:22.1%}  {wrong:20.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
