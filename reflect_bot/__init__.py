"""reflect-bot: offline reflective support for trauma-informed probation practice."""

import os

__version__ = "0.1.0"

# Three thread pools share two cores here: torch's OpenMP, FAISS's OpenMP and numpy's
# OpenBLAS. Busy-waiting pools starve each other, which `make bench` saw as search p95 of
# 112 ms against 15 ms with these set (p50 24 -> 13 ms). They must be set before numpy,
# FAISS or torch load, so here; a user's own setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
