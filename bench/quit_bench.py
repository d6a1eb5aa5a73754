"""How long the app takes to quit: the real `reflect-bot` in a pseudo-terminal (80x24),
ctrl+q pressed while it is still loading and again once it has had time to load, measured
from the key press to the process's exit. Nothing is typed, so it quits without asking.

Prints tab-separated lines for bench/run.py: `what<TAB>value`.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import termios
import time
from pathlib import Path

CLI = str(Path(sys.executable).parent / "reflect-bot")
CTRL_Q = b"\x11"


def drain(fd: int, seconds: float) -> None:
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        if select.select([fd], [], [], left)[0]:
            try:
                os.read(fd, 65536)
            except OSError:
                return


def quit_after(wait: float) -> tuple[float, int]:
    """Start the app, wait `wait` seconds, press ctrl+q: (seconds to exit, peak RSS KiB)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(CLI, [CLI])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    drain(fd, wait)
    pressed = time.perf_counter()
    os.write(fd, CTRL_Q)
    while True:  # keep reading so the app never blocks on a full terminal
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        drain(fd, 0.01)
    os.close(fd)
    return time.perf_counter() - pressed, usage.ru_maxrss


def main() -> int:
    loading = [quit_after(1.5)[0] for _ in range(3)]
    ready = [quit_after(25.0) for _ in range(2)]
    print(f"quit while loading (ctrl+q to exit)\t{statistics.median(loading):.2f} s")
    print(f"quit after 25 s (ctrl+q to exit)\t{statistics.median(r[0] for r in ready):.2f} s"
          f" (peak RSS {max(r[1] for r in ready) / 1024:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
