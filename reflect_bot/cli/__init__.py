"""The `reflect-bot` command: builds the parser from one module per command group.

Each module in this package owns its sub-commands: `register(subparsers)` adds them and
sets `func` on the parsed namespace. Everything here is thin: parse, call the core, print.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from reflect_bot import __version__
from reflect_bot.errors import ReflectBotError, UsageError

COMMAND_MODULES = ("search", "corpus", "ask", "redact", "journal")


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line and exit 2 like every other error (its
    sub-command parsers are made from this class too)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="reflect-bot",
        description=(
            "Offline reflective support for probation practitioners, grounded in "
            "trauma-informed practice guidance. With no command, opens the app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"reflect-bot {__version__}")
    parser.add_argument(
        "--knowledge",
        action="append",
        default=[],
        metavar="DIR",
        help="extra folder of guidance (YAML, .md or .txt); repeatable; also REFLECT_BOT_KNOWLEDGE",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import importlib

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"reflect_bot.cli.{name}")
        except ModuleNotFoundError as exc:  # a command group not written yet
            if exc.name != f"reflect_bot.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        from reflect_bot.settings import load_settings_or_defaults

        # A damaged settings.yaml is a warning, never a command that cannot start.
        settings = load_settings_or_defaults(_warn)
        # Folders named in settings.yaml come first, then --knowledge on the command line.
        args.knowledge = [*settings.knowledge_dirs, *args.knowledge]
        if args.command is None:
            from reflect_bot.tui.app import run_app

            return run_app(args)
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a full disk shows here, inside the try, not at exit
        return code
    except ReflectBotError as exc:
        from reflect_bot.inputs import clean

        one_line = " ".join(clean(str(exc)).split())  # what was typed may hold escapes
        print(f"reflect-bot: error: {one_line}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("reflect-bot: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # most often the output: a full disk, a device error
        if exc.filename is None:
            _drop_stdout()
            message = f"the output could not be written ({exc.strerror or exc})"
        else:
            message = f"{exc.filename}: {exc.strerror or exc}"
        print(f"reflect-bot: error: {message}", file=sys.stderr)
        return 1
    finally:
        _settle()


def _settle() -> None:
    """Wait for an encoder still loading in a thread (embedding.preload) before exiting."""
    embedding = sys.modules.get("reflect_bot.embedding")
    if embedding is not None:
        embedding.settle()


def _warn(message: str) -> None:
    print(f"reflect-bot: warning: {message}", file=sys.stderr)


def _drop_stdout() -> None:
    """Point standard output at /dev/null, so what is still buffered for it is not tried
    again (and reported as a traceback) when Python exits."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests): nothing to do
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
