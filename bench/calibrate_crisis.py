"""Choose the semantic crisis layer's numbers, without flattering them.

The bank holds every earlier held-out round, so judging a round with the full bank finds
its own phrasings. Instead, for each round in tests/crisis_rounds/, the bank is rebuilt
without that round's texts and the round is judged as if new (leave one round out). The
full bank is then checked on ordinary practice talk: the evaluation queries (except those
about the practitioner's own crisis) and the off-topic messages. The last, sealed round is
printed by `make eval` and never tuned on."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GRID = {"THRESHOLD": (0.45, 0.48, 0.50, 0.52), "MARGIN": (0.03, 0.05)}


def _grid(argv: list[str]) -> dict[str, tuple[float, ...]]:
    """`NAME=v1,v2` arguments replace or add a row of the grid (any number in semantic.py)."""
    grid = dict(GRID)
    for arg in argv:
        name, _, values = arg.partition("=")
        grid[name.upper()] = tuple(float(v) for v in values.split(","))
    return grid


def main() -> int:
    from reflect_bot import safety
    from reflect_bot.prompts import PROMPTS_DIR, load_crisis_bank
    from reflect_bot.reply import RetrievalComposer
    from reflect_bot.retrieval import Retriever
    from reflect_bot.safety import semantic

    composer = RetrievalComposer(Retriever.open())
    full = composer.semantic
    crisis, lookalike = load_crisis_bank(PROMPTS_DIR / "crisis_bank.yaml")
    talk = composer.practice_talk()
    rounds = {}
    for path in sorted((ROOT / "tests" / "crisis_rounds").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts = {c["text"] for side in ("crisis", "not_crisis") for c in data[side]}
        bank = semantic.Bank(tuple(c for c in crisis if c[0] not in texts),
                             tuple(t for t in lookalike if t not in texts))
        check = semantic.SemanticCheck(bank, composer.retriever.encode, talk)
        rounds[path.stem] = (check, [c["text"] for c in data["crisis"]],
                             [c["text"] for c in data["not_crisis"]])
    queries = yaml.safe_load((ROOT / "tests" / "retrieval_cases.yaml").read_text("utf-8"))
    crisis_ids = {p.id for p in composer.retriever.corpus.passages
                  if p.topic_id in composer.prompts.safety.crisis_topics}
    plain = [c["query"] for c in queries if not set(c["expect"]) & crisis_ids]
    off = yaml.safe_load((ROOT / "tests" / "offtopic_cases.yaml").read_text("utf-8"))
    grid = _grid(sys.argv[1:])
    head = [f"{name} caught | {name} alarms" for name in rounds]
    print("| " + " | ".join(n.lower() for n in grid) + " | " + " | ".join(head)
          + " | query alarms | off-topic alarms |")
    print("|---" * (len(grid) + 2 + 2 * len(rounds)) + "|")
    for values in itertools.product(*grid.values()):
        for name, value in zip(grid, values, strict=True):
            setattr(semantic, name, value)
        row = [str(v) for v in values]
        for check, bad, fine in rounds.values():
            row.append(f"{sum(safety.check(t, check).crisis for t in bad)}/{len(bad)}")
            row.append(f"{sum(safety.check(t, check).crisis for t in fine)}/{len(fine)}")
        for texts in (plain, off["off_topic"]):
            row.append(f"{sum(safety.check(t, full).crisis for t in texts)}/{len(texts)}")
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
