"""The understanding layer of the crisis check: nearest neighbours over MiniLM vectors.

The rules catch the plain phrasings instantly; people say they are at risk in far more
ways than rules can list ("saving up my sleeping tablets", "letters to the kids in case").
So each sentence of a message, each pair of neighbouring sentences and the whole message
are compared with a labelled bank (prompts/crisis_bank.yaml): crisis phrasings on one side;
on the other, look-alikes (a client's or colleague's risk, training questions, quoting,
idiom, grief, past history) plus every `ask` and story in the guidance, which are ordinary
practice talk. A unit is crisis language when its closest crisis examples are close enough
and closer than its closest look-alikes.

The numbers below were chosen with `bench/calibrate_crisis.py`, for recall first: a missed
crisis costs far more than routes shown to someone who did not need them. Each earlier
held-out round is judged with the bank rebuilt without it (leave one round out), so the
table shows how new phrasings fare, not how well the bank knows its own:

    threshold margin  round 1 caught  alarms   round 2 caught  alarms   queries  off-topic
    0.45      0.03    57/60           3/60     55/70           8/70     2/353    2/90
    0.48      0.03    56/60           2/60     54/70           7/70     1/353    1/90
    0.50      0.05    52/60           2/60     50/70           5/70     1/353    1/90
    0.52      0.05    50/60           1/60     49/70           5/70     1/353    0/90

Re-chosen on 2 December 2026 with rounds 1-4 (250 crisis phrasings, 250 look-alikes, each
round left out in turn; queries 416, off-topic 90):

    threshold margin lean  caught   alarms   queries  off-topic  stories alarmed
    0.45      0.03   any   217/250  18/250   1/416    3/90       3/377    (the previous choice)
    0.42      0.03   any   223/250  19/250   2/416    4/90       3/377    <- chosen
    0.42      0.00   any   228/250  25/250   7/416    6/90
    0.42      0.03   <=3   228/250  19/250   2/416    4/90       12/377
    0.42      0.03   <=4   225/250  19/250   2/416    4/90       7/377

"stories alarmed": the labelled practitioner stories in tests/stories/ not marked as about
the practitioner's own safety that were shown the crisis routes. "lean <= 3" (letting a long
story's overall lean towards work talk count only for messages of up to three sentences)
caught five more long crisis stories but alarmed on four times as many ordinary ones, so it
was not kept.

A linear classifier over the same vectors was tried in place of the neighbours and was
worse on both counts (round 2: 50/70 caught with 13/70 alarms at its best balance).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from reflect_bot.vectors import Encode, cached_vectors

NEIGHBOURS = 3  # a unit's closeness to a side is the mean of its 3 nearest examples
THRESHOLD = 0.42  # crisis examples must be at least this close...
MARGIN = 0.03  # ...and closer than the look-alikes by this much
SHORT_UNIT = 5  # words: a unit this short ("is there any point?") is ambiguous alone...
SHORT_EXTRA = 0.08  # ...so it must be this much closer still
STRONG_MARGIN = 0.10  # ...or by this much when the whole message leans to the look-alikes
VETO = 0.03  # rules are overruled only when the whole message leans this far to look-alikes
MIN_WORDS = 3
MAX_UNITS = 120  # a long paste is judged on its first sentences: bounded time for any input
DANGER_CATEGORIES = ("immediate-danger", "domestic-abuse-at-home")  # a category ending so

_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+|\s+-\s+|\s+\u2013\s+")


@dataclass(frozen=True)
class Bank:
    """Labelled phrasings: `crisis` as (text, category) and `lookalike` texts."""

    crisis: tuple[tuple[str, str], ...]
    lookalike: tuple[str, ...]


@dataclass(frozen=True)
class Judgement:
    crisis: bool  # some unit reads as the practitioner's own crisis
    danger: bool  # ...and its nearest crisis examples are about immediate danger
    leans_lookalike: bool  # the whole message is clearly closer to the look-alikes
    unit: str = ""  # the unit that decided it (tests and debugging only; never stored)


def units(text: str) -> list[str]:
    """Sentences of 3+ words, neighbouring pairs, and the whole message (last). A message of
    one or two words ("bye", "kms") is left to the rules, which know the short forms."""
    sentences = [s.strip() for s in _SPLIT.split(text) if s.strip()][:MAX_UNITS]
    found = [s for s in sentences if len(s.split()) >= MIN_WORDS]
    found += [f"{a} {b}" for a, b in zip(sentences, sentences[1:], strict=False)]
    whole = " ".join(sentences) if len(sentences) == MAX_UNITS else text.strip()
    found.append(whole)
    return list(dict.fromkeys(u for u in found if len(u.split()) >= MIN_WORDS))


class SemanticCheck:
    """Judges messages against the bank. `encode` is the retriever's (cached) encoder."""

    def __init__(self, bank: Bank, encode: Encode, negatives: Sequence[str] = ()) -> None:
        self.encode = encode
        self.categories = [c for _, c in bank.crisis]
        self.crisis = cached_vectors("crisis-bank", [t for t, _ in bank.crisis], encode)
        self.bank_lookalikes = cached_vectors("crisis-lookalikes", bank.lookalike, encode)
        self.lookalikes = np.vstack(
            [self.bank_lookalikes, cached_vectors("practice-talk", list(negatives), encode)]
        )

    def judge(self, text: str) -> Judgement:
        found = units(text)
        if not found:
            return Judgement(False, False, False)
        vectors = self.encode(found)
        to_crisis = vectors @ self.crisis.T
        c = _top_mean(to_crisis)
        ell = _top_mean(vectors @ self.lookalikes.T)
        words = np.array([len(u.split()) for u in found])
        need = THRESHOLD + np.where(words <= SHORT_UNIT, SHORT_EXTRA, 0.0)
        whole_bank = _top_mean(vectors[-1:] @ self.bank_lookalikes.T)[0]
        leans = bool(whole_bank - c[-1] >= VETO)
        # when the message as a whole reads as a look-alike ("years ago I...; I'm well now"),
        # one of its parts must be clearly a crisis to count
        hits = (c >= need) & (c - ell >= (STRONG_MARGIN if leans else MARGIN))
        if not hits.any():
            return Judgement(False, False, leans)
        best = int(np.argmax(np.where(hits, c - ell, -np.inf)))
        nearest = np.argsort(to_crisis[best])[-NEIGHBOURS:]
        votes = sum(self.categories[i].endswith(DANGER_CATEGORIES) for i in nearest)
        danger = votes * 2 > NEIGHBOURS
        return Judgement(True, danger, leans, found[best])


def _top_mean(sims: np.ndarray) -> np.ndarray:
    k = min(NEIGHBOURS, sims.shape[1])
    means: np.ndarray = np.sort(sims, axis=1)[:, -k:].mean(axis=1)
    return means
