"""`reflect-bot corpus check` and `reflect-bot corpus stats`."""

from __future__ import annotations

import argparse
import sys
from collections import Counter


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("corpus", help="check or describe the guidance corpus")
    corpus_sub = p.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)
    check = corpus_sub.add_parser("check", help="validate every knowledge file")
    check.set_defaults(func=run_check)
    stats = corpus_sub.add_parser("stats", help="topics, passages, words and sources")
    stats.set_defaults(func=run_stats)


def run_check(args: argparse.Namespace) -> int:
    from reflect_bot.corpus import load_corpus, quality_problems

    corpus = load_corpus(args.knowledge)  # structural errors raise: one line, exit 2
    problems = quality_problems(corpus)
    for problem in problems:
        print(f"reflect-bot: error: {problem}", file=sys.stderr)
    if problems:
        return 2
    print(
        f"OK: {len(corpus.files)} files, {len(corpus.topics)} topics, "
        f"{len(corpus.passages)} passages"
    )
    return 0


def run_stats(args: argparse.Namespace) -> int:
    from reflect_bot.corpus import load_corpus

    corpus = load_corpus(args.knowledge)
    words: Counter[str] = Counter()
    for p in corpus.passages:
        words[p.topic_id] += p.words
    sources = {s for t in corpus.topics.values() for s in t.sources}
    total_words = sum(words.values())
    width = max(len(t.title) for t in corpus.topics.values())
    print(f"{'Topic':<{width}}  {'Area':<20} Passages  Words")
    for t in sorted(corpus.topics.values(), key=lambda t: (t.area, t.title)):
        print(f"{t.title:<{width}}  {t.area:<20} {len(t.passage_ids):>8}  {words[t.id]:>5}")
    print(
        f"\n{len(corpus.topics)} topics, {len(corpus.passages)} passages, {total_words} words "
        f"(mean {total_words / len(corpus.passages):.0f} per passage), "
        f"{len(sources)} distinct sources, "
        f"{sum(len(p.asks) for p in corpus.passages)} asks"
    )
    return 0
