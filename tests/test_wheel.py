"""The wheel carries everything reflect-bot reads, and runs away from the checkout.

Builds the wheel from a copy of the project (so the checkout gets no build/ or egg-info),
installs it with `pip install --no-deps --no-index --target`, and runs it from an empty
folder with only that target on PYTHONPATH; its dependencies come from this environment.
About 10-30 s on two cores; no model, no network.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.build

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "reflect_bot",
           "knowledge", "prompts")

# Run inside the installed copy: what it loads, and from where.
PROBE = """
import json
import reflect_bot
from reflect_bot import config
from reflect_bot.corpus import load_corpus
from reflect_bot.prompts import (default_prompts, load_crisis_bank, load_labelled_messages,
                                 load_message_types)
from reflect_bot.tui.screens.help import help_markdown

corpus = load_corpus()
prompts = default_prompts()
crisis, lookalike = load_crisis_bank(config.PROMPTS_DIR / "crisis_bank.yaml")
print(json.dumps({
    "package": reflect_bot.__file__,
    "knowledge": str(config.KNOWLEDGE_DIR),
    "prompts": str(config.PROMPTS_DIR),
    "topics": sorted(corpus.topics),
    "passages": len(corpus.passages),
    "models": sorted(prompts.models),
    "banks": sorted(prompts.questions),
    "crisis": len(crisis) + len(lookalike),
    "labelled": len(load_labelled_messages(config.PROMPTS_DIR / "labelled_messages.yaml")),
    "types": len(load_message_types(config.PROMPTS_DIR / "message_types.yaml")),
    "help_names_data_dir": str(config.data_dir()) in help_markdown(),
    "styles": (config.PACKAGE_ROOT / "tui" / "app.tcss").is_file(),
}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the project, installed into a bare folder."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    built = subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", base / "dist",
         src], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (base / "dist").glob("reflect_bot-*.whl")
    target = base / "site"
    done = subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "--target", target, wheel],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return target


def run_installed(
    target: Path, args: list[str], cwd: Path, **kwargs: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("REFLECT_BOT_KNOWLEDGE", None)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, **kwargs)


def test_installed_wheel_finds_every_topic_and_prompt(installed: Path, tmp_path: Path,
                                                      corpus) -> None:
    done = run_installed(installed, ["-c", PROBE], cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout)
    # the copy in the target folder answered, with its own guidance, not the checkout's
    for key in ("package", "knowledge", "prompts"):
        assert Path(seen[key]).is_relative_to(installed), (key, seen[key])
    assert seen["topics"] == sorted(corpus.topics)
    assert seen["passages"] == len(corpus.passages)
    assert {"gibbs", "driscoll", "kolb", "schon"} <= set(seen["models"])
    assert "default" in seen["banks"] and set(corpus.topics) <= set(seen["banks"])
    assert seen["crisis"] > 0 and seen["labelled"] > 0 and seen["types"] > 0
    assert seen["help_names_data_dir"] and seen["styles"]


def test_installed_wheel_runs_its_commands(installed: Path, tmp_path: Path, corpus) -> None:
    check = run_installed(installed, ["-m", "reflect_bot", "corpus", "check"], cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == (
        f"OK: {len(corpus.files)} files, {len(corpus.topics)} topics, "
        f"{len(corpus.passages)} passages")
    # redaction reads its word lists from the package's data/
    redact = run_installed(installed, ["-m", "reflect_bot", "redact"], cwd=tmp_path,
                           input="Saw Kyle Whitfield, CRN X123456, at 14 Thornbury Close.\n")
    assert redact.returncode == 0, redact.stderr
    assert "Kyle" not in redact.stdout and "X123456" not in redact.stdout
    assert "Thornbury" not in redact.stdout
