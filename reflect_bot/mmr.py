"""Maximal marginal relevance: the one way results are kept apart, for passages in search
and for points and questions in replies."""

from __future__ import annotations

import numpy as np


def mmr(relevance: np.ndarray, vectors: np.ndarray, k: int, lam: float,
        first: int | None = None) -> list[int]:
    """Indexes of up to `k` items, best first: each next one maximises
    `lam * relevance - (1 - lam) * (its highest similarity to those already chosen)`.
    `first` forces the first pick (a stage's opening question)."""
    n = len(relevance)
    if n == 0 or k <= 0:
        return []
    sim = vectors @ vectors.T
    chosen = [int(np.argmax(relevance)) if first is None else first]
    closest = sim[chosen[0]].copy()
    while len(chosen) < min(k, n):
        gain = lam * relevance - (1 - lam) * closest
        gain[chosen] = -np.inf
        nxt = int(np.argmax(gain))
        chosen.append(nxt)
        closest = np.maximum(closest, sim[nxt])
    return chosen
