"""Grid the weights that fuse the evidence for a topic (reply/plan.py `Weights`), measured
leave-one-round-out: each folded story file is read by a composer that has not learnt from
its messages (as `bench/eval.py --leave-out`), so the numbers are honest for new messages.

    python bench/calibrate_weights.py ROUND.yaml ... [examples=1,1.5 classifier=0.5,1 ...]

Prints, per setting, how often the top topic fits and whether a fitting topic is in the top 5
(the first-point figure in `make eval` also depends on which passage is chosen, so it can
differ by a story or two). Never pass the last held-out round (tests/heldout/)."""

from __future__ import annotations

import dataclasses
import itertools
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from reflect_bot.evaluation import composer_without, load_stories
    from reflect_bot.reply.plan import Weights
    from reflect_bot.retrieval import Retriever

    paths = [Path(a) for a in argv if a.endswith(".yaml")]
    if any(p.resolve().parent.name == "heldout" for p in paths):
        print("error: the last held-out round is never tuned on", file=sys.stderr)
        return 2
    grid: dict[str, list[float]] = {}
    for arg in argv:
        if "=" in arg:
            name, values = arg.split("=", 1)
            grid[name] = [float(v) for v in values.split(",")]
    retriever = Retriever.open()
    rows = []  # (labels, understood, signals, composer)
    for path in paths:
        stories = [s for s in load_stories(path) if s.topics]
        composer, _ = composer_without(retriever, stories)
        for s in stories:
            context = list(s.context)[-2:]
            understood = composer.understander.understand(s.message, context, composer.semantic)
            rows.append((set(s.topics), understood, composer.planner.signals(understood, context),
                         composer))
    names = list(grid)
    print(f"{len(rows)} stories from {len(paths)} files\n")
    print("| " + " | ".join(names) + " | top topic fits | fitting in top 5 |")
    print("|" + "---|" * (len(names) + 2))
    for values in itertools.product(*(grid[n] for n in names)):
        weights = dataclasses.replace(Weights(), **dict(zip(names, values, strict=True)))
        top1 = top5 = 0
        for labels, understood, signals, composer in rows:
            evidence = signals.fuse(understood, composer.retriever.corpus, composer.prompts,
                                    weights)
            ranked = composer.planner.ranked_topics(evidence, understood)
            top1 += bool(ranked) and ranked[0] in labels
            top5 += any(t in labels for t in ranked[:5])
        cells = " | ".join(f"{v:g}" for v in values)
        print(f"| {cells} | {top1 / len(rows):.1%} | {top5 / len(rows):.1%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
