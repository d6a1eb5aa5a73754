"""A small fixed corpus, retriever and composer for the snapshot tests.

Snapshots check how the screens look, so their content must not move when the shipped
guidance, the search or the composer change (the Pilot tests cover those with the real
retriever). Replies here are built the way `RetrievalComposer` builds them, from the same
prompts wording and the same `Reply` type, but from these three passages in a fixed order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from reflect_bot import safety
from reflect_bot.corpus import Corpus, Passage, Source, Topic
from reflect_bot.prompts import Stage, default_prompts
from reflect_bot.reply import Cited, Focus, Point, Reply, Turn, listening_reply
from reflect_bot.retrieval import Hit

SOURCE = Source(
    title="Working with threat responses in probation practice",
    author_or_publisher="Example Practice Network",
    year="2024",
    url="https://example.org/threat-responses",
)
PASSAGES = (
    Passage(
        id="fixed-fight",
        title="Fight: when a threat response looks like aggression",
        text=(
            "Shouting can be a threat response rather than a choice. The trigger may be "
            "feeling cornered, shamed or not listened to, rather than anything you meant. "
            "Stay visibly calm, keep your voice low and slow, and offer a short break."
        ),
        asks=("he shouted at me", "why do people get angry in sessions", "aggression"),
        topic_id="fixed-threat",
        topic="Threat responses: fight, flight, freeze",
        area="trauma-body",
        sources=(SOURCE,),
    ),
    Passage(
        id="fixed-freeze",
        title="Freezing is a body response, not a failure",
        text=(
            "Many practitioners freeze when someone becomes hostile. It is the body doing "
            "its job under threat. Afterwards, notice it kindly and talk it through in "
            "supervision rather than judging yourself for it."
        ),
        asks=("I froze", "I could not think", "my mind went blank"),
        topic_id="fixed-threat",
        topic="Threat responses: fight, flight, freeze",
        area="trauma-body",
        sources=(SOURCE,),
    ),
    Passage(
        id="fixed-debrief",
        title="A debrief after a hard session",
        text=(
            "A short debrief with a colleague or manager on the same day helps settle what "
            "happened. Say what happened, how it felt, and what you need next."
        ),
        asks=("who can I talk to", "debrief", "after a hard session"),
        topic_id="fixed-support",
        topic="Debriefing and peer support",
        area="staff-support",
        sources=(SOURCE,),
    ),
)
CORPUS = Corpus(
    passages=PASSAGES,
    topics={
        "fixed-threat": Topic("fixed-threat", "Threat responses: fight, flight, freeze",
                              "trauma-body", "How threat shows itself.", (SOURCE,),
                              Path("fixed.yaml"), ("fixed-fight", "fixed-freeze")),
        "fixed-support": Topic("fixed-support", "Debriefing and peer support", "staff-support",
                               "Support after hard work.", (SOURCE,), Path("fixed.yaml"),
                               ("fixed-debrief",)),
    },
)


class FixedRetriever:
    """Every query finds the three passages, in order."""

    corpus = CORPUS

    def search(self, query: str, k: int = 5, **kwargs: object) -> list[Hit]:
        return [Hit(passage=p, score=1.0 / (i + 1), rank=i + 1, similarity=0.6 - i / 10)
                for i, p in enumerate(PASSAGES[:k])]


class FixedComposer:
    """The same reply shape as RetrievalComposer: the wording's acknowledgement, a point
    from each passage, the first passage's topic questions, crisis routes when needed."""

    def __init__(self) -> None:
        self.prompts = default_prompts()

    def compose(self, message: str, history: Sequence[Turn] = (), *,
                focus: Focus | None = None) -> Reply:
        focus = focus or Focus()
        reply = listening_reply(message, self.prompts, safety.Organisation(), turn=len(history))
        chosen = PASSAGES[:2] if focus.guidance else ()
        points = tuple(Point(p.text.split(". ")[0] + ".", p.id, i + 1)
                       for i, p in enumerate(chosen))
        cited = tuple(Cited(i + 1, p) for i, p in enumerate(chosen))
        questions = self.prompts.questions_for("default")[:2] if focus.questions else ()
        return dataclasses.replace(
            reply,
            points=points,
            questions=() if reply.crisis else questions,
            cited=cited,
            grounded=bool(points),
        )

    def stage_questions(self, stage: Stage, said: Sequence[str] = (), k: int = 3
                        ) -> tuple[str, ...]:
        return stage.questions[:k]
