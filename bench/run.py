"""`make bench`: start-up, build and query timings on this machine, printed as a table.

Nothing here is asserted: the numbers go into the README. Run with `--quick` to skip the
100k-passage synthetic corpus, or `--startup` for only the start-up rows (`--help`, the
encoder's limit, cached `search` and `ask`, the app's first frame and ready); `--cache DIR`
uses a cache folder that already holds the export instead of a fresh one.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ROWS: list[tuple[str, str, str]] = []


def row(what: str, value: str, note: str = "") -> None:
    ROWS.append((what, value, note))
    print(f"  {what}: {value} {note}", file=sys.stderr, flush=True)


def timed_run(
    args: list[str], env: dict[str, str], stdin: Path | None = None, out: list[str] | None = None
) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one command (its standard output added to `out`)."""
    start = time.perf_counter()
    with open(stdin or os.devnull, "rb") as source:
        proc = subprocess.Popen(
            args, env=env, stdin=source, stderr=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL if out is None else subprocess.PIPE,
        )
        if out is not None:
            out.append(proc.stdout.read().decode())
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(args)} failed")
    return elapsed, usage.ru_maxrss


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000


def bench_commands(env: dict[str, str], startup: bool = False) -> None:
    """Start-up of each command; with `startup`, only what a cached start costs (no index
    rebuild, no sentence-transformers import)."""
    cli = str(BIN / "reflect-bot")
    helps = [timed_run([cli, "--help"], env)[0] for _ in range(5)]
    row(
        "`reflect-bot --help` start",
        f"{statistics.median(helps):.2f} s",
        "median of 5; target < 0.5 s",
    )
    redacts = [timed_run([cli, "redact", "--help"], env)[0] for _ in range(3)]
    row("`reflect-bot redact --help` start", f"{statistics.median(redacts):.2f} s", "median of 3")
    rss_build = 0
    if not startup:
        build, rss_build = timed_run([cli, "index", "--rebuild"], env)
        row(
            "index build, shipped corpus (process)", f"{build:.1f} s",
            "ONNX encoder load + embed all (export already made)"
        )
    # The bare limit: a fresh process that imports onnxruntime and tokenizers, loads the
    # exported model (with its self-check) and encodes one text. Nothing can start faster.
    limit_code = (
        "from reflect_bot.embedding import Embedder; Embedder().encode(['I froze'])"
    )
    py = sys.executable
    limits = [timed_run([py, "-c", limit_code], env)[0] for _ in range(5)]
    limit = statistics.median(limits)
    row("limit: import onnxruntime + tokenizers, load, one encode", f"{limit:.2f} s",
        "p50 of 5, fresh process")
    imports = [("import onnxruntime, tokenizers", "import onnxruntime, tokenizers")]
    if not startup:
        imports.append(("import sentence_transformers (the old query path)",
                        "import sentence_transformers"))
    for what, code in imports:
        times = [timed_run([py, "-c", code], env)[0] for _ in range(3)]
        row(f"`{what}`", f"{statistics.median(times):.2f} s", "p50 of 3, fresh process")
    for command, text in (
        ("search", "I froze when he shouted at me"),
        ("ask", "I froze when he started shouting at me and I could not think"),
    ):
        starts, rss = [], 0
        for _ in range(5):
            elapsed, peak = timed_run([cli, command, text, "--json"], env)
            starts.append(elapsed)
            rss = max(rss, peak)
        p50 = statistics.median(starts)
        row(
            f"cached start to first result (`{command}`)",
            f"{p50:.2f} s ({p50 / limit:.1f}x limit)",
            "p50 of 5; process start to printed JSON",
        )
        row(f"peak RSS, `{command}`", f"{rss / 1024:.0f} MiB",
            f"(`index --rebuild`: {rss_build / 1024:.0f} MiB)" if rss_build and command == "search"
            else "")


def redact_input(size: int) -> str:
    """About `size` characters of case-note lines: the redaction test corpus, repeated."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_redact import load_cases

    positive, unchanged = load_cases()
    lines = [c.text for c in positive if "\n" not in c.text] + unchanged
    block = "\n".join(lines) + "\n"
    return block * (size // len(block) + 1)


def bench_redact(env: dict[str, str], tmp: str) -> None:
    """`reflect-bot redact` on 200 KB, 1 MB and 20 MB: time and memory should grow in step."""
    cli = str(BIN / "reflect-bot")
    for label, size in (("200 KB", 200_000), ("1 MB", 1_000_000), ("20 MB", 20_000_000)):
        text = redact_input(size)
        path = Path(tmp) / f"redact-{size}.txt"
        path.write_text(text, encoding="utf-8")
        elapsed, peak = timed_run([cli, "redact"], env, stdin=path)
        lines = text.count("\n")
        row(
            f"`reflect-bot redact`, {label} of case notes",
            f"{elapsed:.1f} s, peak RSS {peak / 1024:.0f} MiB",
            f"{lines / elapsed:,.0f} lines/s",
        )
        path.unlink()


STORY = "He shouted at me in the interview room and I froze, then I felt I had let him down. "
OWNER_SCRIPT = """
import sys, time
from reflect_bot import safety
from reflect_bot.prompts import load_prompts
from reflect_bot.reply.understand import own_feelings
story, size = sys.argv[1], int(sys.argv[2])
text = (story * (size // len(story) + 1))[:size]
wording = load_prompts()
start = time.perf_counter()
safety.check(text)
own_feelings(text, wording.replies.feelings)
safety.hard_moment(text, wording.safety)
print(time.perf_counter() - start)
"""


def bench_long_input(env: dict[str, str]) -> None:
    """Bounded work whatever the input: `ask` on one huge line (read up to the 20,000-character
    cap), and the owner analysis of the crisis rules and feelings, uncapped, on long text."""
    cli = str(BIN / "reflect-bot")
    with tempfile.TemporaryDirectory() as tmp:
        short = Path(tmp) / "short.txt"
        short.write_text(STORY + "\n")
        base, base_rss = timed_run([cli, "ask", "-"], env, stdin=short)
        row("`ask -` on one short line (process)", f"{base:.1f} s, {base_rss / 1024:.0f} MiB",
            "the baseline for the rows below: start, model and one reply")
        for size in (1_000_000, 5_000_000):
            path = Path(tmp) / f"{size}.txt"
            path.write_text((STORY * (size // len(STORY) + 1))[:size] + "\n")
            elapsed, rss = timed_run([cli, "ask", "-"], env, stdin=path)
            row(f"`ask -` on one {size // 1_000_000} MB line (process)",
                f"{elapsed:.1f} s ({elapsed - base:+.1f} s), {rss / 1024:.0f} MiB",
                "target < 3 s over the baseline and < 600 MiB")
    for size in (200_000, 1_000_000):
        out: list[str] = []
        _, rss = timed_run([sys.executable, "-c", OWNER_SCRIPT, STORY, str(size)], env, out=out)
        row(f"owner analysis on {size // 1000:,} KB (rules, feelings, hard moment)",
            f"{float(out[0]):.1f} s, {rss / 1024:.0f} MiB", "linear in the text; uncapped here")


def bench_warm_queries() -> None:
    from reflect_bot.evaluation import load_cases
    from reflect_bot.retrieval import Retriever

    retriever = Retriever.open()
    cases = [c.query for c in load_cases(ROOT / "tests" / "retrieval_cases.yaml")]
    queries = (cases + [p.title for p in retriever.corpus.passages])[:300]
    while len(queries) < 200:
        queries += queries
    for n in range(10):  # warm up on texts not measured (search caches recent vectors)
        retriever.search(f"warm-up query number {n}", 5)
    search_t, encode_t = [], []
    for q in queries:
        t = time.perf_counter()
        retriever.embedder.encode([q])
        encode_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        retriever.search(q, 5)
        search_t.append(time.perf_counter() - t)
    n = len(queries)
    row(
        f"warm `search()` p50 / p95 ({n} queries)",
        f"{pct(search_t, 50):.1f} / {pct(search_t, 95):.1f} ms",
    )
    row(
        f"bare `model.encode` p50 / p95 (same {n})",
        f"{pct(encode_t, 50):.1f} / {pct(encode_t, 95):.1f} ms",
    )
    row(
        "search p95 / encode p95", f"{pct(search_t, 95) / pct(encode_t, 95):.2f}x", "target <= 1.5x"
    )
    return retriever


def bench_replies(retriever) -> None:
    """A whole reply (understand, plan, points, questions, crisis check), warm: the composer's
    parts are built first, as the app does while it loads."""
    from reflect_bot.evaluation import load_stories
    from reflect_bot.reply import RetrievalComposer

    composer = RetrievalComposer(retriever)
    start = time.perf_counter()
    composer.warm()
    row("reply parts built (`warm()`, vectors cached)", f"{time.perf_counter() - start:.1f} s",
        "in the app's loading worker")
    messages = [s.message for f in sorted((ROOT / "tests" / "stories").glob("*.yaml"))
                for s in load_stories(f)]
    for n in range(5):  # warm up on texts not measured (the encoder caches recent vectors)
        composer.compose(f"warm-up message number {n}: a hard session today")
    times = []
    for m in messages:
        t = time.perf_counter()
        composer.compose(m)
        times.append(time.perf_counter() - t)
    row(f"warm reply p50 / p95 ({len(messages)} practitioner messages)",
        f"{pct(times, 50):.0f} / {pct(times, 95):.0f} ms", "target p95 <= 300 ms")


def bench_synthetic(retriever, sizes: list[int]) -> None:
    from reflect_bot.corpus import Corpus, Passage, Source
    from reflect_bot.index import from_vectors
    from reflect_bot.retrieval import Retriever

    rng = np.random.default_rng(7)
    vocab = sorted({w for p in retriever.corpus.passages for w in p.text.lower().split()})
    source = (Source("synthetic", "bench", "2026", "https://example.org"),)
    queries = [p.title for p in retriever.corpus.passages][:100]
    asks = 4
    for n in sizes:
        words = rng.choice(len(vocab), size=(n, 100))
        passages = tuple(
            Passage(
                f"p{i}",
                f"passage {i}",
                " ".join(vocab[j] for j in words[i]),
                tuple(f"ask {k}" for k in range(asks)),
                "synthetic",
                "Synthetic",
                "bench",
                source,
            )
            for i in range(n)
        )
        corpus = Corpus(passages=passages, topics={})
        rows = np.concatenate([np.arange(n), np.repeat(np.arange(n), asks)]).astype(np.int32)
        vectors = rng.standard_normal((len(rows), 384), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        start = time.perf_counter()
        index = from_vectors(vectors, rows, {})
        synthetic = Retriever(corpus, index, retriever.embedder)
        build = time.perf_counter() - start
        times = []
        for q in queries:
            t = time.perf_counter()
            synthetic.search(q, 5)
            times.append(time.perf_counter() - t)
        row(
            f"synthetic {n:,} passages ({len(rows):,} vectors)",
            f"build {build:.1f} s, query p95 {pct(times, 95):.1f} ms",
            "flat index; build excludes embedding; target p95 <= 60 ms at 100k",
        )
        del synthetic, index, vectors


def main() -> int:
    quick = "--quick" in sys.argv
    startup = "--startup" in sys.argv  # only the start-up rows: commands and the app
    # --cache DIR: a cache folder that already holds the export (saves minutes of exporting
    # when comparing two versions of the code on the same cache)
    cache = sys.argv[sys.argv.index("--cache") + 1] if "--cache" in sys.argv else None
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            REFLECT_BOT_CACHE_DIR=cache or tmp,
            REFLECT_BOT_DATA_DIR=tmp,
            REFLECT_BOT_CONFIG_DIR=tmp,
        )
        os.environ.update(env)
        # the export and the reply data first, as `make setup`'s `index --replies` does
        subprocess.run([str(BIN / "reflect-bot"), "index", "--replies"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        bench_commands(env, startup)
        if not startup:
            bench_redact(env, tmp)
            bench_long_input(env)
            retriever = bench_warm_queries()
            bench_replies(retriever)
            bench_synthetic(retriever, [1_000, 10_000] if quick else [1_000, 10_000, 100_000])
        for name in ("tui_bench.py",) if startup else ("tui_bench.py", "quit_bench.py"):
            tui = ROOT / "bench" / name
            out = subprocess.run(
                [sys.executable, str(tui)], env=env, capture_output=True, text=True, check=True
            ).stdout
            for line in out.splitlines():
                what, _, value = line.partition("\t")
                row(what, value)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nreflect-bot benchmarks ({os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average at the end {load})\n")
    print("| measure | result | note |\n|---|---|---|")
    for what, value, note in ROWS:
        print(f"| {what} | {value} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
