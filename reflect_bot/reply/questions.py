"""Reflective questions chosen for what was said.

The pool is the question banks of the topics the reply draws on (the situation's first),
the bank for the kind of message where it has one (good news), then the default bank. A
question that takes an event for granted (a breach, a recall, children, the building...) is
left out unless the message or the conversation mentions it; a question already asked in
the conversation is not asked again. The rest are ranked by closeness to the message, kept
apart by MMR.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from reflect_bot.cues import cue_regex
from reflect_bot.mmr import mmr
from reflect_bot.prompts import DEFAULT_BANK, Prompts
from reflect_bot.reply.understand import Understanding

FIRST_TOPIC_BONUS = 0.1  # the situation's own questions come first when close
TYPE_BANK_BONUS = 0.15  # a kind of message with its own questions (good news) leans on them
ONLY_OWN_BANK = frozenset({"teaching"})  # kinds asked only their own bank's questions
QUESTION_LAMBDA = 0.85  # mostly relevance, just enough to avoid near-repeats


def presupposes(question: str, understood: Understanding, prompts: Prompts) -> str | None:
    """The event `question` takes for granted that the conversation never mentioned."""
    lowered = question.lower()
    for event in prompts.replies.events:
        if any(cue_regex(c).search(lowered) for c in event.in_question) and (
            not understood.mentions(event.in_message) or event.id in understood.set_aside
        ):
            return event.id
    return None


def choose(
    understood: Understanding,
    topics: Sequence[str],
    vector: np.ndarray,
    prompts: Prompts,
    asked: set[str],
    k: int,
    vectors_for: Callable[[Sequence[str]], np.ndarray],
) -> tuple[str, ...]:
    pool: dict[str, float] = {}
    type_bank = prompts.replies.by_type[understood.kind].questions
    for q in type_bank:
        pool.setdefault(q, TYPE_BANK_BONUS)
    if understood.kind in ONLY_OWN_BANK and type_bank:
        topics = ()  # a topic's questions are about a case, not about planning a session
    for i, topic in enumerate(dict.fromkeys(topics)):
        for q in prompts.questions_for(topic):
            pool.setdefault(q, FIRST_TOPIC_BONUS if i == 0 else 0.0)
    if understood.kind not in ONLY_OWN_BANK or not type_bank:
        for q in prompts.questions[DEFAULT_BANK]:
            pool.setdefault(q, -FIRST_TOPIC_BONUS)
    fresh = [q for q in pool if q not in asked and presupposes(q, understood, prompts) is None]
    if not fresh:
        fresh = [q for q in prompts.questions[DEFAULT_BANK] if q not in asked] or list(
            prompts.questions[DEFAULT_BANK]
        )
    vectors = vectors_for(fresh)
    relevance = vectors @ vector + np.array([pool.get(q, 0.0) for q in fresh])
    return tuple(fresh[i] for i in mmr(relevance, vectors, k, QUESTION_LAMBDA))
