"""Retrieval quality on practitioner-worded queries: hit@1, hit@5 and MRR.

Used by `make eval` (bench/eval.py) and by the test that holds the shipped hybrid to
hit@5 >= 0.90.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from reflect_bot.errors import UsageError


@dataclass(frozen=True)
class Case:
    query: str
    expect: tuple[str, ...]


@dataclass(frozen=True)
class Metrics:
    cases: int
    hit_at_1: float
    hit_at_5: float
    mrr: float
    misses: tuple[Case, ...]


def load_cases(path: Path) -> list[Case]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"{path}: cannot read evaluation cases ({exc})") from None
    if not isinstance(data, list):
        raise UsageError(f"{path}: expected a list of {{query, expect}}")
    cases = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict) or not item.get("query") or not item.get("expect"):
            raise UsageError(f"{path}: case {i}: needs 'query' and 'expect'")
        cases.append(Case(str(item["query"]), tuple(item["expect"])))
    return cases


def evaluate(retriever, cases: list[Case], k: int = 5, **search_kwargs) -> Metrics:
    hits1 = hits5 = 0
    reciprocal = 0.0
    misses = []
    for case in cases:
        ranked = [h.passage.id for h in retriever.search(case.query, k, **search_kwargs)]
        ranks = [ranked.index(e) + 1 for e in case.expect if e in ranked]
        best = min(ranks) if ranks else None
        hits1 += best == 1
        hits5 += best is not None and best <= 5
        reciprocal += 1 / best if best else 0.0
        if best is None:
            misses.append(case)
    n = len(cases) or 1
    return Metrics(len(cases), hits1 / n, hits5 / n, reciprocal / n, tuple(misses))
