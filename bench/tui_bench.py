"""How fast the app paints and becomes ready, measured on the real app in fresh processes.

Each run starts a new Python process that runs `ReflectApp` headless with `run_test()`.
"first frame": from process start (before any import) until the Reflect screen is mounted
and its first refresh has been written out (`call_after_refresh`). "ready": until
`engine_state` is READY (corpus, encoder and index loaded in the worker: search works).
"replies ready": until the reply's parts are built too (`app.composer()` returns), which
happens just after "ready"; a message sent before then waits for them. The index cache is
whatever the environment points at (bench/run.py builds it first): a normal, cached start.

Prints tab-separated lines for bench/run.py: `what<TAB>value`. Progress goes to stderr.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 3
CHILD = "--child"


def child(started: float) -> None:
    """One measured start; prints JSON with the two times (seconds since `started`)."""
    import asyncio

    from reflect_bot.settings import Settings
    from reflect_bot.tui.app import ReflectApp
    from reflect_bot.tui.engine import EngineState
    from reflect_bot.tui.screens.reflect import ReflectScreen

    async def run() -> dict[str, float]:
        app = ReflectApp(settings=Settings())
        painted: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        async with app.run_test(size=(120, 40)) as pilot:
            while not (isinstance(app.screen, ReflectScreen) and app.screen.is_mounted):
                await pilot.pause(0.005)
            # fires once the screen has been composited and written out
            app.screen.call_after_refresh(lambda: painted.set_result(time.time() - started))
            first = await painted
            while not app.engine.state.settled:
                await pilot.pause(0.02)
            if app.engine.state is EngineState.FAILED:
                raise SystemExit(f"tui_bench: the engine failed to load: {app.engine.error}")
            ready = time.time() - started
            await asyncio.to_thread(app.engine.composer)  # returns once the reply's parts are built
            replies = time.time() - started
            quitting = time.time()
            await pilot.press("ctrl+q")
        return {"first_frame": first, "ready": ready, "replies": replies,
                "quit": time.time() - quitting}

    print(json.dumps(asyncio.run(run())))


def measure(env: dict[str, str]) -> dict[str, float]:
    started = time.time()
    done = subprocess.run(
        [sys.executable, __file__, CHILD, repr(started)],
        env=env, capture_output=True, text=True, check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        # a fresh journal and settings; the index cache is left as the caller set it
        env["REFLECT_BOT_DATA_DIR"] = str(Path(tmp) / "data")
        env["REFLECT_BOT_CONFIG_DIR"] = str(Path(tmp) / "config")
        print("tui_bench: warm-up start (builds the index if it is stale)", file=sys.stderr)
        measure(env)
        runs = []
        for i in range(RUNS):
            runs.append(measure(env))
            print(f"tui_bench: run {i + 1}: {runs[-1]}", file=sys.stderr)
    first = statistics.median(r["first_frame"] for r in runs)
    ready = statistics.median(r["ready"] for r in runs)
    replies = statistics.median(r["replies"] for r in runs)
    print(f"time to first frame\t{first:.2f} s")
    print(f"time to ready (encoder + index: search works)\t{ready:.2f} s")
    print(f"time to replies ready (their parts built)\t{replies:.2f} s")
    quit_time = statistics.median(r["quit"] for r in runs)
    print(f"quit (ctrl+q to the app closed)\t{quit_time:.2f} s")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == CHILD:
        child(float(sys.argv[2]))
    else:
        sys.exit(main())
