"""`reflect-bot search` and `reflect-bot index`."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
import time
from collections.abc import Iterable

from reflect_bot.cli.typed import first_then_rest, read_batch, typed_message
from reflect_bot.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "search",
        help="find the guidance passages that fit a question or a feeling",
        description="Find the guidance passages that best fit what you type, in your own words.",
    )
    p.add_argument(
        "query",
        metavar="QUERY",
        help="what happened or what you need; '-' reads one query per line from stdin",
    )
    p.add_argument(
        "--top-k", "-k", type=int, default=5, metavar="K", help="how many passages (default 5)"
    )
    p.add_argument("--json", action="store_true", help="print JSON (JSON Lines with '-')")
    p.set_defaults(func=run_search)

    p = sub.add_parser(
        "index",
        help="build or refresh the search index cache",
        description="Build the search index if the guidance changed (or with --rebuild, always).",
    )
    p.add_argument("--rebuild", action="store_true", help="rebuild even if the cache is current")
    p.add_argument(
        "--replies", action="store_true",
        help="also prepare what replies need (labelled examples, crisis bank), so the app's "
        "first start is quick",
    )
    p.set_defaults(func=run_index)


def _open(args: argparse.Namespace, **kwargs):
    from reflect_bot.retrieval import Retriever

    return Retriever.open(args.knowledge, **kwargs)


def run_search(args: argparse.Namespace) -> int:
    if args.top_k < 1:
        raise UsageError(f"--top-k must be at least 1 (got {args.top_k})")
    if args.query == "-":
        batch = first_then_rest(read_batch())  # a bad first line is refused before the model
        if batch is None:
            return 0
        queries: Iterable[tuple[int, str]] = batch
    else:
        queries = [(1, typed_message(args.query, "the query"))]
        if not queries[0][1]:
            raise UsageError(
                "the query is empty: say in a few words what happened or what you need"
            )
    from reflect_bot.corpus import passage_json

    retriever = _open(args)
    for n, query in queries:
        if not query:
            print(f"reflect-bot: line {n}: empty query", file=sys.stderr)
            if args.json:
                print("[]", flush=True)
            continue
        hits = retriever.search(query, args.top_k)
        if args.json:
            print(json.dumps([passage_json(h.passage, h.score) for h in hits]), flush=True)
        else:
            print(format_hits(query, hits), flush=True)
    return 0


def format_hits(query: str, hits: list) -> str:
    """The hits best first, each with its score (highest first, as the numbers say)."""
    width = min(100, shutil.get_terminal_size((88, 20)).columns) - 4
    out = [f"Guidance for: {query}", ""]
    for n, h in enumerate(sorted(hits, key=lambda h: -h.score), 1):
        p = h.passage
        sources = "; ".join(s.cite() for s in p.sources)
        out += textwrap.wrap(
            f"{n}. {p.title}   (score {h.score:.3f})", width + 3, subsequent_indent="   "
        )
        out += textwrap.wrap(
            f"{p.topic} · {sources}", width, initial_indent="   ", subsequent_indent="   "
        )
        out += textwrap.wrap(p.text, width, initial_indent="   ", subsequent_indent="   ")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def run_index(args: argparse.Namespace) -> int:
    from reflect_bot.corpus_cache import cached_corpus
    from reflect_bot.embedding import get_embedder
    from reflect_bot.index import open_index

    start = time.perf_counter()
    corpus = cached_corpus(args.knowledge)  # validated if any file changed, then cached
    result = open_index(corpus, get_embedder, rebuild=args.rebuild, progress=sys.stderr.isatty())
    verb = {"loaded": "Up to date", "built": "Built", "rebuilt": "Rebuilt"}[result.status]
    why = f" ({result.reason})" if result.reason and result.status == "rebuilt" else ""
    print(
        f"{verb}{why}: {len(corpus.passages)} passages in {len(corpus.topics)} topics, "
        f"{result.index.size} vectors, {time.perf_counter() - start:.1f} s\n"
        f"Stored in {result.path}"
    )
    if args.replies:
        from reflect_bot.prompts import default_prompts
        from reflect_bot.reply import RetrievalComposer
        from reflect_bot.retrieval import Retriever

        start = time.perf_counter()
        retriever = Retriever(corpus, result.index, get_embedder())
        RetrievalComposer(retriever, default_prompts()).warm()
        print(f"Replies ready: {time.perf_counter() - start:.1f} s")
    return 0
