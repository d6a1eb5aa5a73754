"""`make eval`: hit@1, hit@5 and MRR on tests/retrieval_cases.yaml for dense only, BM25
only and the hybrid variants, side by side. The shipped settings are marked."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    from reflect_bot.evaluation import evaluate, load_cases
    from reflect_bot.retrieval import Ranking, Retriever

    cases = load_cases(ROOT / "tests" / "retrieval_cases.yaml")
    retriever = Retriever.open()
    shipped = retriever.ranking
    variants = [
        ("dense only", {"mode": "dense"}),
        ("BM25 only", {"mode": "lexical"}),
    ]
    for fusion in ("rrf", "weighted"):
        for mmr in (False, True):
            s = Ranking(fusion=fusion, mmr=mmr)
            variants.append((f"hybrid {fusion}{' +MMR' if mmr else ''}", {"ranking": s}))
    print(f"{len(cases)} cases, {len(retriever.corpus.passages)} passages\n")
    print(f"| {'method':<30} | hit@1 | hit@5 |  MRR  |")
    print(f"|{'-' * 32}|-------|-------|-------|")
    for name, kwargs in variants:
        m = evaluate(retriever, cases, **kwargs)
        mark = " (shipped)" if kwargs.get("ranking") == shipped and "mode" not in kwargs else ""
        print(f"| {name + mark:<30} | {m.hit_at_1:.3f} | {m.hit_at_5:.3f} | {m.mrr:.3f} |")
    misses = evaluate(retriever, cases).misses
    if misses and "-v" in sys.argv:
        print("\nShipped hybrid misses at 5:")
        for case in misses:
            top = [h.passage.id for h in retriever.search(case.query, 3)]
            print(f"- {case.query!r}: expected {list(case.expect)}, got {top}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
