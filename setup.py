"""The one build step pyproject.toml cannot say: ship knowledge/ and prompts/ in the wheel.

They stay at the top of the repository (data, not code, and edited as such) and are copied
into the built package as `reflect_bot/shipped/knowledge` and `reflect_bot/shipped/prompts`,
where `reflect_bot.config` looks first. An editable install copies nothing: there config
finds them beside the package, in the checkout.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("knowledge", "prompts")


class BuildWithGuidance(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for name in SHIPPED:
            target = Path(self.build_lib, "reflect_bot", "shipped", name)
            shutil.rmtree(target, ignore_errors=True)  # nothing stale from an earlier build
            shutil.copytree(HERE / name, target, ignore=shutil.ignore_patterns(".*", "__pycache__"))


setup(cmdclass={"build_py": BuildWithGuidance})
