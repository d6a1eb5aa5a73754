"""The reply pipeline, top to bottom: understand -> retrieve by aspect -> plan -> points ->
questions -> render. Each step is its own module; this one only runs them in order.

Everything is deterministic (the same conversation always gets the same reply), nothing
touches the network, and every point is quoted exactly from its passage's key points (or,
for guidance a user added without key points, from whole sentences that read alone).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from reflect_bot import safety
from reflect_bot.config import PROMPTS_DIR
from reflect_bot.inputs import prepare
from reflect_bot.mmr import mmr
from reflect_bot.prompts import Prompts, Stage, default_prompts, load_crisis_bank
from reflect_bot.reply import opening, questions
from reflect_bot.reply.model import Cited, Focus, Point, Reply, Turn
from reflect_bot.reply.plan import Evidence, Planner, Role
from reflect_bot.reply.questions import presupposes
from reflect_bot.reply.sentences import quotable_spans
from reflect_bot.reply.understand import ON_TOPIC, Understander, Understanding
from reflect_bot.retrieval import Retriever
from reflect_bot.vectors import cached_vectors

if TYPE_CHECKING:
    from reflect_bot.safety.semantic import SemanticCheck

# When does nothing in the corpus fit? Two numbers, calibrated with
# `python bench/calibrate.py`: the best cosine similarity between the message and the
# passages found (their text or their asks) must reach NO_FIT_THRESHOLD, and must beat the
# message's similarity to the everyday subjects in prompts/offtopic.yaml by NO_FIT_MARGIN
# (so "what's for lunch", close to a passage about lunch breaks, is still not an answer).
#
# Calibration (`python bench/calibrate.py`, 2 December 2026: 508 passages, key points in
# the index) on 475 on-topic messages (evaluation queries and short practitioner messages)
# and 90 off-topic and nonsense messages (tests/offtopic_cases.yaml):
#   threshold margin  on-topic judged no-fit  off-topic judged fit
#   0.38      0.15     0.8%                    13.3%  (the previous choice, 381 passages)
#   0.40      0.15     1.1%                    12.2%
#   0.42      0.15     1.5%                     8.9%  <- chosen
#   0.44      0.15     2.9%                     7.8%
#   0.38      0.20     1.7%                    10.0%
# Key points in the index made everyday messages find a close sentence more often, so the
# threshold rose. Missing real guidance costs a practitioner more than one stray point on an
# off-topic message, which still carries its source, so the threshold leans low.
NO_FIT_THRESHOLD = 0.42
NO_FIT_MARGIN = 0.15
# A story the library covers must not be told "nothing fits": when a topic's labelled
# examples are close (understand.ON_TOPIC), it fits even if no single passage's wording is.
# The margin over everyday subjects applies to the examples' closeness the same way.
# In a conversation a short follow-up ("what should I have done?") may lean on what came
# before: on its own it must reach this floor, and with the conversation the threshold.
FOLLOW_UP_FLOOR = 0.30
CONTEXT_WEIGHTS = (0.5, 0.25)  # earlier messages, most recent first (the latest counts 1.0)
# A second point from the same passage only if it is nearly as close to the message as the
# first: one fitting point is better than a second about something else.
SECOND_POINT_RATIO = 0.65
QUESTIONS_GROUNDED = 2
QUESTIONS_ALONE = 3
STAGE_LAMBDA = 0.7  # a guided stage's questions: relevance, then variety


@dataclass(frozen=True)
class Fit:
    """`best`: the best similarity between a message and the corpus; `everyday`: its best
    similarity to the everyday subjects in prompts/offtopic.yaml."""

    best: float
    everyday: float

    def fits(self, threshold: float = NO_FIT_THRESHOLD, margin: float = NO_FIT_MARGIN) -> bool:
        return self.best >= threshold and self.best - self.everyday >= margin


@dataclass
class RetrievalComposer:
    """Replies built from retrieved passages and the wording in prompts/.

    Needs an open `Retriever` (the model is loaded once, by whoever opens it). The vectors of
    the labelled examples, key points and questions come from the cache folder after the
    first run.
    """

    retriever: Retriever
    prompts: Prompts = field(default_factory=default_prompts)
    organisation: safety.Organisation = field(default_factory=safety.Organisation)
    threshold: float = NO_FIT_THRESHOLD

    # -- the parts, built once ------------------------------------------------------------

    @cached_property
    def understander(self) -> Understander:
        self._reuse_index_vectors()
        return Understander(self.retriever.corpus, self.prompts, self.retriever.encode)

    def _reuse_index_vectors(self) -> None:
        """The asks and key points are already in the search index: reuse their vectors."""
        from reflect_bot.index import row_texts
        from reflect_bot.vectors import remember

        index = getattr(self.retriever.index, "index", None)
        texts = row_texts(self.retriever.corpus)
        if index is None or getattr(index, "ntotal", -1) != len(texts):
            return
        remember(texts, index.reconstruct_n(0, len(texts)))

    @cached_property
    def semantic(self) -> SemanticCheck:
        from reflect_bot.safety.semantic import Bank, SemanticCheck

        path = self.prompts.directory / "crisis_bank.yaml"
        crisis, lookalike = load_crisis_bank(path if path.exists() else PROMPTS_DIR / path.name)
        return SemanticCheck(Bank(crisis, lookalike), self.retriever.encode,
                             self.practice_talk())

    def practice_talk(self) -> list[str]:
        """Ordinary practice talk, on the look-alike side of the crisis check: every ask
        and story in the guidance (except crisis support's) and the everyday subjects."""
        corpus = self.retriever.corpus
        crisis_topics = set(self.prompts.safety.crisis_topics)
        talk = [a for p in corpus.passages if p.topic_id not in crisis_topics for a in p.asks]
        talk += [s for t in corpus.topics.values() if t.id not in crisis_topics for s in t.stories]
        talk += list(self.prompts.everyday_topics)  # "bye" is not a goodbye note
        return talk

    @cached_property
    def key_points(self) -> dict[str, tuple[tuple[str, ...], np.ndarray]]:
        """Each passage's quotable points and their vectors."""
        corpus = self.retriever.corpus
        texts: dict[str, tuple[str, ...]] = {}
        for p in corpus.passages:
            texts[p.id] = p.key_points or tuple(p.text[s:e] for s, e in quotable_spans(p.text))
        flat = [t for pid in texts for t in texts[pid]]
        vectors = cached_vectors("key-points", flat, self.retriever.encode)
        out, i = {}, 0
        for pid, points in texts.items():
            out[pid] = (points, vectors[i : i + len(points)])
            i += len(points)
        return out

    @cached_property
    def planner(self) -> Planner:
        vectors = {pid: v for pid, (_, v) in self.key_points.items()}
        return Planner(self.retriever, self.prompts, self.understander, vectors)

    @cached_property
    def _everyday(self) -> np.ndarray:
        return cached_vectors("everyday", self.prompts.everyday_topics, self.retriever.encode)

    def warm(self) -> None:
        """Build every part now (the app calls this in its loading worker)."""
        _ = self.understander, self.semantic, self.planner, self._everyday

    # -- public ---------------------------------------------------------------------------

    def check(self, message: str) -> safety.SafetyCheck:
        """The full crisis check (rules and the bank) for one message."""
        return safety.check(message, self.semantic)

    def compose(
        self, message: str, history: Sequence[Turn] = (), *, focus: Focus | None = None
    ) -> Reply:
        focus = focus or Focus()
        message = prepare(message).text  # bounded work whatever the caller passes
        used = {line for t in history for line in (t.reply.acknowledgement, t.reply.sign_off)}
        asked = {q for t in history for q in t.reply.questions}
        if not message.strip():
            return Reply(
                acknowledgement="",
                questions=tuple(q for q in self.prompts.questions_for("default")
                                if q not in asked)[:QUESTIONS_GROUNDED] if focus.questions else (),
                grounded=False,
                note=self.prompts.replies.empty,
                headings=self._headings(),
            )
        earlier = [t.message for t in history if t.message.strip()]
        if focus.stage is not None:  # a guided reflection says exactly what to search with
            context = [focus.stage.look_for, *focus.context][-len(CONTEXT_WEIGHTS) :]
        else:
            context = [*focus.context, *earlier][-len(CONTEXT_WEIGHTS) :]
        understood = self.understander.understand(message, [*focus.context, *earlier],
                                                  self.semantic)
        if focus.stage is not None:
            understood = dataclasses.replace(understood, kind="story")
        qvec = self.retriever.query_vector(message, context)

        points: tuple[Point, ...] = ()
        cited: tuple[Cited, ...] = ()
        fits = False
        if focus.guidance:
            evidence = self.planner.evidence(understood, context)
            fits = self._fits(message, understood, evidence, bool(earlier or focus.context))
            if fits:
                given = {c.passage.id for t in history for c in t.reply.cited}
                quoted = {p.text for t in history for p in t.reply.points}
                roles = self.planner.plan(understood, evidence, qvec, given)
                points, cited = self._points(roles, quoted, evidence, understood)
                fits = bool(points)

        chosen_questions: tuple[str, ...] = ()
        if focus.questions and not understood.check.crisis:
            topics = [c.passage.topic_id for c in cited]
            k = QUESTIONS_GROUNDED if fits else QUESTIONS_ALONE
            chosen_questions = questions.choose(
                understood, topics, qvec, self.prompts, asked, k, self._question_vectors
            )
        note = ""
        if not fits and focus.guidance and not understood.check.crisis:
            note = self.prompts.replies.no_fit
        acknowledgement = opening.acknowledgement(understood, self.prompts, used)
        if note and understood.kind in ("how-to", "teaching"):
            acknowledgement = ""  # "here is what the guidance says" would promise what is not there
        return Reply(
            acknowledgement=acknowledgement,
            points=points,
            questions=chosen_questions,
            cited=cited,
            grounded=fits,
            note=note,
            sign_off="" if focus.stage is not None else opening.closing(
                understood, self.prompts, used
            ),
            headings=self._headings(),
            kind=understood.kind,
            **self._safety_parts(understood),
        )

    def stage_questions(
        self, stage: Stage, said: Sequence[str] = (), k: int = 3
    ) -> tuple[str, ...]:
        """The stage's first question, then those closest to what has been said (MMR)."""
        stage_qs = stage.questions
        if len(stage_qs) <= k or not any(s.strip() for s in said):
            return stage_qs[:k]
        qvec = self.retriever.query_vector(said[-1], list(said[:-1])[-len(CONTEXT_WEIGHTS) :])
        vectors = self._question_vectors(stage_qs)
        chosen = mmr(vectors @ qvec, vectors, k, STAGE_LAMBDA, first=0)
        return tuple(stage_qs[i] for i in sorted(chosen))

    def weighed_topics(self, message: str, earlier: Sequence[str] = ()) -> list[str]:
        """The topics a reply to `message` weighs, most fitting first (for evaluation)."""
        context = list(earlier)[-len(CONTEXT_WEIGHTS) :]
        understood = self.understander.understand(message, context, self.semantic)
        evidence = self.planner.evidence(understood, context)
        return self.planner.ranked_topics(evidence, understood)

    def fit(self, message: str) -> Fit:
        """How well the corpus fits `message` on its own (see NO_FIT_THRESHOLD)."""
        hits = self.retriever.search(message, 8)
        return self._fit(message, max((h.similarity for h in hits), default=-1.0))

    # -- steps ----------------------------------------------------------------------------

    def _headings(self) -> tuple[str, str, str]:
        h = self.prompts.replies.headings
        return (h["guidance"], h["questions"], h["sources"])

    def _fit(self, message: str, best: float) -> Fit:
        vector = self.retriever.encode([message])[0]
        return Fit(best=best, everyday=float((self._everyday @ vector).max()))

    def _fits(
        self, message: str, understood: Understanding, evidence: Evidence, has_context: bool
    ) -> bool:
        """Does anything in the corpus fit? Judged on the message alone, so a conversation
        cannot make "what's for lunch" look relevant; a follow-up may lean on it."""
        alone = self.retriever.search(message, 8) if has_context else list(evidence.hits)
        fit = self._fit(message, max((h.similarity for h in alone), default=-1.0))
        examples = max(understood.topics.values(), default=0.0)
        if max(fit.best, examples) - fit.everyday < NO_FIT_MARGIN:
            return False
        if fit.best >= self.threshold or examples >= ON_TOPIC:
            return True
        return has_context and fit.best >= FOLLOW_UP_FLOOR and \
            evidence.best_similarity >= self.threshold

    def _points(
        self, roles: Sequence[Role], quoted: set[str], evidence: Evidence,
        understood: Understanding,
    ) -> tuple[tuple[Point, ...], tuple[Cited, ...]]:
        points: list[Point] = []
        cited: list[Cited] = []
        for role in roles:
            texts, vectors = self.key_points[role.passage.id]
            if not texts:
                continue
            order = np.argsort(-(vectors @ role.aspect), kind="stable")
            fresh = [i for i in order if texts[i] not in quoted] or list(order)
            if cited:  # a further point about a breach, a recall... nobody mentioned is a stretch
                fresh = [i for i in fresh
                         if presupposes(texts[i], understood, self.prompts) is None]
                if not fresh:
                    continue
            closeness = vectors @ role.aspect
            take = [texts[i] for i in fresh[: role.points]
                    if i == fresh[0] or closeness[i] >= SECOND_POINT_RATIO * closeness[fresh[0]]]
            if not take:
                continue
            marker = len(cited) + 1
            cited.append(Cited(marker, role.passage, evidence.passages.get(role.passage.id)))
            points += [Point(t, role.passage.id, marker) for t in take]
        return tuple(points), tuple(cited)

    def _question_vectors(self, texts: Sequence[str]) -> np.ndarray:
        return self.retriever.encode(list(texts))

    def _safety_parts(self, understood: Understanding) -> dict[str, Any]:
        return safety_parts(understood.check, understood.hard_moment, self.prompts,
                            self.organisation)


def safety_parts(
    check: safety.SafetyCheck, hard_moment: str | None, prompts: Prompts,
    organisation: safety.Organisation,
) -> dict[str, Any]:
    """The crisis banner or a hard moment's routes, as Reply fields (one place for both)."""
    parts: dict[str, Any] = {"crisis": check.crisis, "crisis_kind": check.kind}
    if check.crisis and check.kind:
        parts["banner_text"] = safety.banner(check.kind, prompts.safety, organisation,
                                             markdown=False)
        parts["banner_markdown"] = safety.banner(check.kind, prompts.safety, organisation)
    elif hard_moment:
        parts["support_text"] = safety.support_note(hard_moment, prompts.safety, organisation,
                                                    markdown=False)
        parts["support_markdown"] = safety.support_note(hard_moment, prompts.safety,
                                                        organisation)
    return parts


def listening_reply(
    message: str, prompts: Prompts, organisation: safety.Organisation, turn: int = 0,
) -> Reply:
    """A reply that needs no model: the routes if the rules find a crisis, and a line that
    acknowledges what was said. Used before the model has loaded, and without guidance."""
    message = prepare(message).text
    check = safety.check(message)
    hard = safety.hard_moment(message, prompts.safety)
    from reflect_bot.reply.understand import own_feelings, split_sentences

    understood = Understanding(
        text=message, sentences=tuple(split_sentences(message)),
        kind="follow-up" if turn else "story", topics={}, classified={},
        feelings=tuple(own_feelings(message, prompts.replies.feelings)), reaction=(),
        hard_moment=hard, check=check, said=safety.analyse(message).text,
    )
    return Reply(
        acknowledgement=opening.acknowledgement(understood, prompts),
        grounded=False,
        sign_off=prompts.safety.continue_offer if check.crisis else "",
        headings=(prompts.replies.headings["guidance"], prompts.replies.headings["questions"],
                  prompts.replies.headings["sources"]),
        **safety_parts(check, hard, prompts, organisation),
    )
