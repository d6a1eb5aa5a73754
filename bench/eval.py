"""`make eval`: how well reflect-bot understands what people write.

1. Retrieval: hit@1, hit@5 and MRR on tests/retrieval_cases.yaml for dense only, BM25 only
   and the hybrid variants, side by side; the shipped settings are marked.
2. Replies to practitioner stories (tests/stories/: development and folded rounds;
   tests/heldout/: the last held-out round, never tuned on), one row per file.
3. Crisis detection: the regression set, each folded round, and the last held-out round,
   with the rules alone and with rules and the bank.

`-v` lists the misses. `python bench/eval.py FILE.yaml ...` measures only the given files (a new
held-out round, before it is folded in): a list of labelled messages is scored as stories, a
mapping with `crisis` and `not_crisis` as a crisis round. With `--leave-out`, each story file is
scored by a composer that has not learnt from it (its messages taken out of
prompts/labelled_messages.yaml): the honest measure of a folded round."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    from reflect_bot.evaluation import evaluate, load_cases
    from reflect_bot.reply import RetrievalComposer
    from reflect_bot.retrieval import Ranking, Retriever

    retriever = Retriever.open()
    rounds = [Path(a) for a in sys.argv[1:] if a.endswith(".yaml")]
    if rounds:
        if "--leave-out" in sys.argv:
            return _leave_out(retriever, rounds, verbose="-v" in sys.argv)
        return _rounds(RetrievalComposer(retriever), rounds, verbose="-v" in sys.argv)
    cases = load_cases(ROOT / "tests" / "retrieval_cases.yaml")
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
    print()
    _stories(RetrievalComposer(retriever), verbose="-v" in sys.argv)
    return 0


def _rounds(composer, paths: list[Path], verbose: bool) -> int:
    import yaml

    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            _crisis(composer, [(str(path), _texts(data["crisis"]), _texts(data["not_crisis"]))],
                    verbose)
        else:
            _story_table(composer, [path], set(), verbose)
    return 0


def _leave_out(retriever, paths: list[Path], verbose: bool) -> int:
    """Each story file scored without its own messages among the labelled examples."""
    from reflect_bot.evaluation import composer_without, load_stories

    for path in paths:
        composer, left_out = composer_without(retriever, load_stories(path))
        print(f"{path}: {left_out} of its messages left out of the labelled examples")
        _story_table(composer, [path], set(), verbose)
    return 0


def _texts(items: list) -> list[str]:
    return [c["text"] if isinstance(c, dict) else str(c) for c in items]


def _stories(composer, verbose: bool) -> None:
    import yaml

    files = sorted((ROOT / "tests" / "stories").glob("*.yaml"))
    held = sorted((ROOT / "tests" / "heldout").glob("stories*.yaml"))
    _story_table(composer, [*files, *held], set(held), verbose)
    regression = yaml.safe_load((ROOT / "tests" / "safety_cases.yaml").read_text("utf-8"))
    sets = [("regression (tests/safety_cases.yaml)", regression["crisis"],
             regression["not_crisis"])]
    rounds = sorted((ROOT / "tests" / "crisis_rounds").glob("*.yaml"))
    for path in [*rounds, ROOT / "tests" / "heldout" / "crisis.yaml"]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        label = "last held-out round, never tuned on" if path.parent.name == "heldout" \
            else "folded into the bank"
        sets.append((f"{path.relative_to(ROOT / 'tests')} ({label})",
                     [c["text"] for c in data["crisis"]],
                     [c["text"] for c in data["not_crisis"]]))
    _crisis(composer, sets, verbose)


def _story_table(composer, paths: list[Path], held: set[Path], verbose: bool) -> None:
    from reflect_bot.evaluation import evaluate_stories, load_stories

    print("Replies to labelled practitioner messages (first point / points: from a topic that "
          "fits; kind: message type read as labelled)\n")
    print("| file | n | first point fits | hit@5 | points fitting | with a fitting point | "
          "'nothing fits' | standalone | kind |")
    print("|---|---|---|---|---|---|---|---|---|")
    for path in paths:
        m = evaluate_stories(composer, load_stories(path))
        try:
            name = str(path.resolve().relative_to(ROOT / "tests"))
        except ValueError:
            name = str(path)
        name = f"{name} (held out)" if path in held else name
        print(f"| {name} | {m.cases} | {m.top1:.1%} | {m.hit5:.1%} | {m.fitting_points:.1%} "
              f"of {m.points} | {m.with_fitting_point:.1%} | {m.told_nothing_fits} | "
              f"{m.standalone:.1%} | {m.kind:.1%} |")
        if verbose:
            for sid, got, want in m.misses:
                print(f"|   miss {sid}: cited {got}, wanted {list(want)} |")
    print()


def _crisis(composer, sets: list[tuple[str, list[str], list[str]]], verbose: bool) -> None:
    from reflect_bot import safety

    print("Crisis detection (caught: crisis phrasings shown the routes; alarms: look-alikes "
          "shown them)\n")
    print("| set | crisis | look-alikes | rules alone: caught, alarms | rules + bank: caught, "
          "alarms |")
    print("|---|---|---|---|---|")
    for name, bad, fine in sets:
        cells = []
        for check in (safety.check, composer.check):
            caught = [t for t in bad if check(t).crisis]
            alarms = [t for t in fine if check(t).crisis]
            cells.append(f"{len(caught)}/{len(bad)} ({len(caught) / len(bad):.0%}), "
                         f"{len(alarms)}/{len(fine)} ({len(alarms) / len(fine):.0%})")
            if verbose and check == composer.check:
                cells[-1] += "".join(f"<br>missed: {t}" for t in bad if t not in caught)
                cells[-1] += "".join(f"<br>alarm: {t}" for t in alarms)
        print(f"| {name} | {len(bad)} | {len(fine)} | {cells[0]} | {cells[1]} |")
    print()


if __name__ == "__main__":
    sys.exit(main())
