"""The parser is built without the engine: `--help`, usage errors and the light commands
start without importing the guidance, the safety rules, numpy or the encoder; each
command imports what it needs when it runs."""

from __future__ import annotations

import subprocess
import sys

import pytest

# What building the parser must never import (the engine, and the slow parts of the core)
ENGINE = (
    "numpy", "faiss", "onnxruntime", "tokenizers", "torch", "textual", "reflect_bot.safety",
    "reflect_bot.prompts", "reflect_bot.corpus", "reflect_bot.corpus_cache",
    "reflect_bot.reply", "reflect_bot.retrieval", "reflect_bot.index", "reflect_bot.embedding",
    "reflect_bot.journal", "reflect_bot.redact", "reflect_bot.guided",
)
CODE = (
    "import sys\n"
    "from reflect_bot.cli import main\n"
    "try:\n    code = main(sys.argv[1:])\nexcept SystemExit as exit:\n    code = exit.code\n"
    f"engine = {ENGINE!r}\n"
    "loaded = sorted(m for m in sys.modules if m in engine or m.split('.')[0] in engine)\n"
    "print('LOADED', loaded, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def loaded(*args: str) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-c", CODE, *args], capture_output=True, text=True,
                          timeout=60, check=False)
    line = [x for x in done.stderr.splitlines() if x.startswith("LOADED")][-1]
    return done.returncode, line


@pytest.mark.parametrize("args", [
    ["--help"], ["ask", "--help"], ["reflect", "--help"], ["search", "--help"],
    ["index", "--help"], ["journal", "--help"], ["redact", "--help"], ["corpus", "--help"],
    ["ask"],  # a usage error (the message is missing): one line, exit 2, before the engine
    ["search", "x", "--top-k", "0"],
])
def test_the_parser_never_imports_the_engine(args: list[str]) -> None:
    code, line = loaded(*args)
    assert code in (0, 2) and line == "LOADED []", line
