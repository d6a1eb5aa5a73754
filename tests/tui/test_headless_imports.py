"""The headless core (everything in reflect_bot outside reflect_bot.tui) never imports
Textual, so the CLI starts fast and the core can be used without a terminal UI."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import importlib, pkgutil, sys
import reflect_bot
names = []
for info in pkgutil.walk_packages(reflect_bot.__path__, "reflect_bot."):
    if info.name == "reflect_bot.tui" or info.name.startswith("reflect_bot.tui."):
        continue
    if info.name == "reflect_bot.__main__":
        continue  # running it would start the CLI; it only imports reflect_bot.cli
    importlib.import_module(info.name)
    names.append(info.name)
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(len(names))
print(",".join(loaded))
"""


def test_core_modules_never_import_textual():
    done = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=300, check=True
    )
    count, loaded = (done.stdout + "\n").split("\n")[:2]
    assert int(count) >= 10, "every core module was imported"
    assert loaded == "", f"textual imported by the core: {loaded}"


def test_the_app_module_is_where_textual_comes_in():
    done = subprocess.run(
        [sys.executable, "-c", "import sys, reflect_bot.tui.app; print('textual' in sys.modules)"],
        capture_output=True, text=True, timeout=300, check=True,
    )
    assert done.stdout.strip() == "True"


# What the first frame (the app and its Reflect screen) must not wait for: the journal and
# the redactor (0.2-0.3 s), the reply's modules with numpy (the engine's thread imports
# them), and Textual's Markdown (the crisis routes are mounted at their first showing).
NOT_IN_FIRST_FRAME = ("reflect_bot.journal", "reflect_bot.redact", "reflect_bot.reply",
                      "reflect_bot.safety", "numpy", "markdown_it")


def test_the_first_frame_imports_nothing_it_does_not_show():
    code = (
        "import sys, reflect_bot.tui.app, reflect_bot.tui.screens.reflect\n"
        f"slow = {NOT_IN_FIRST_FRAME!r}\n"
        "print(sorted(m for m in sys.modules if m in slow))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=True)
    assert done.stdout.strip() == "[]", done.stdout


def test_the_journal_imports_the_redactor_only_to_redact():
    """The app reads the journal's notes at start (a damaged journal kept aside)."""
    code = "import sys, reflect_bot.journal\nprint('reflect_bot.redact' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=True)
    assert done.stdout.strip() == "False"
