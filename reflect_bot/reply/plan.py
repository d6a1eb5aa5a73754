"""Retrieve by aspect and plan what a reply cites.

The situation is found from three kinds of evidence per topic, fused: the labelled
examples (understand.py), a hybrid search on the whole message, and a search on each of
its sentences, so that one passing word ("licence", "fault", "turn up") cannot outweigh
the story. Topic-level agreement counts: a topic wins by its best evidence, not by one
lucky passage.

Then, by the kind of message:
* a story (or the practitioner's own state, good news, a follow-up): the first point is on
  the situation; the second on the practitioner's own reaction or safety when they named
  one (from the guidance written for staff), otherwise on the next topic only if it is
  nearly as close, otherwise a second point from the same passage. Never a stretch;
* a how-to question: two points from the passage that answers it;
* a teaching request: three teaching points from the best topic;
* a crisis: only guidance written for the practitioner's own support.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from reflect_bot.corpus import Corpus, Passage
from reflect_bot.prompts import Prompts
from reflect_bot.reply.understand import MIN_SENTENCE_WORDS, Understander, Understanding, aspects
from reflect_bot.retrieval import Hit, Retriever

# Weights of the evidence for a topic. First chosen on the development stories (labelled
# examples alone put a fitting topic first for 63% of tests/stories/dev.yaml, search alone
# 67%, the three fused 73%, with the topic classifier 78%); re-chosen on 2 December 2026 with
# `python bench/calibrate_weights.py` leave-one-round-out on story rounds 2-4 (244 messages,
# each read by a composer that had not learnt from its own round): the surface is flat
# (78-84% top topic fitting over 72 settings); the learnt evidence (examples, classifier)
# now counts more than search: 1.5/1/0.5/0.5 gave 80.7%, 2/2/0.25/0.25 83.6%.
EXAMPLES_WEIGHT = 2.0
CLASSIFIER_WEIGHT = 2.0
SEARCH_WEIGHT = 0.25
SENTENCE_SEARCH_WEIGHT = 0.25
SENTENCE_DISCOUNT = 0.9  # one sentence's search counts a little less than the whole's
# Theory topics (what TIP is, reflective models, organisations) answer questions about
# themselves; for a story about a session they come second unless named.
THEORY_AREAS = frozenset({"reflective-practice", "tip-basics", "organisation"})
THEORY_DISCOUNT = 0.92
STAFF_AREAS = frozenset({"staff-impact", "staff-support", "crisis-support"})
HARD_MOMENT_BOOST = 1.2  # "one of mine died last night": the guidance on that moment leads
SET_ASIDE_DISCOUNT = 0.6  # "I decided not to recall him": recall guidance is not the point
SECOND_TOPIC_RATIO = 0.97  # another topic gives the second point only if this close
KEY_POINT_WEIGHT = 0.5  # a passage's best key point's closeness, next to its search score
SEARCH_K = 10
SENTENCE_K = 5
STORY_KINDS = frozenset({"story", "own-state", "follow-up", "good-news"})
# Feelings that call for guidance on the practitioner's own wellbeing as the second point
# ("not sure what to say" or "frustrated" is answered by the situation's guidance).
# Not "froze": the staff guidance on freezing is about assaults and abuse, which a freeze
# alone does not mean ("I froze, then moved on to his licence conditions").
OWN_FEELINGS = frozenset({"scared", "guilty", "numb", "overwhelmed", "tired", "hurt",
                          "helpless", "alone", "sad", "moved"})


@dataclass(frozen=True)
class Role:
    """One passage a reply draws on, what its points should answer, and how many."""

    passage: Passage
    aspect: np.ndarray
    points: int
    score: float


@dataclass(frozen=True)
class Evidence:
    topics: dict[str, float]  # fused evidence per topic
    passages: dict[str, float]  # search evidence per passage id (0-1, relative to the best)
    best_similarity: float  # best cosine of the whole message to any passage vector
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class Weights:
    examples: float = EXAMPLES_WEIGHT
    classifier: float = CLASSIFIER_WEIGHT
    search: float = SEARCH_WEIGHT
    sentence_search: float = SENTENCE_SEARCH_WEIGHT
    theory_discount: float = THEORY_DISCOUNT
    set_aside_discount: float = SET_ASIDE_DISCOUNT
    hard_moment_boost: float = HARD_MOMENT_BOOST


@dataclass(frozen=True)
class Signals:
    """Search evidence for one message: per topic (whole message, best sentence), per passage."""

    by_topic: dict[str, float]
    by_sentence: dict[str, float]
    passages: dict[str, float]
    hits: tuple[Hit, ...]

    def fuse(self, understood: Understanding, corpus: Corpus, prompts: Prompts,
             w: Weights = Weights()) -> Evidence:
        """The evidence per topic: labelled examples, the classifier and search, weighed."""
        topics: dict[str, float] = {}
        for topic_id, topic in corpus.topics.items():
            whole = self.by_topic.get(topic_id, 0.0)
            z = (
                w.examples * understood.topics.get(topic_id, 0.0)
                + w.classifier * understood.classified.get(topic_id, 0.0)
                + w.search * whole
                + w.sentence_search * max(self.by_sentence.get(topic_id, 0.0), whole)
            )
            if understood.kind in STORY_KINDS and topic.area in THEORY_AREAS:
                z *= w.theory_discount
            topics[topic_id] = z
        for event in prompts.replies.events:
            if event.id in understood.set_aside and event.topic in topics:
                topics[event.topic] *= w.set_aside_discount
        note = prompts.safety.support.get(understood.hard_moment or "")
        for topic_id in note.topics if note is not None else ():
            if topic_id in topics:
                topics[topic_id] *= w.hard_moment_boost
        best = max((h.similarity for h in self.hits), default=-1.0)
        return Evidence(topics, dict(self.passages), best, self.hits)


class Planner:
    def __init__(
        self, retriever: Retriever, prompts: Prompts, understander: Understander,
        key_point_vectors: dict[str, np.ndarray],
    ) -> None:
        self.retriever = retriever
        self.prompts = prompts
        self.understander = understander
        self.key_point_vectors = key_point_vectors

    # -- evidence -------------------------------------------------------------------------

    def evidence(self, understood: Understanding, context: Sequence[str]) -> Evidence:
        signals = self.signals(understood, context)
        return signals.fuse(understood, self.retriever.corpus, self.prompts)

    def signals(self, understood: Understanding, context: Sequence[str]) -> Signals:
        """The evidence per topic before it is weighed (kept apart so it can be calibrated)."""
        hits = self.retriever.search(understood.text, SEARCH_K, context=context)
        passages: dict[str, float] = defaultdict(float)
        by_topic: dict[str, float] = defaultdict(float)
        top = max(hits[0].score, 1e-6)
        for h in hits:
            passages[h.passage.id] = max(passages[h.passage.id], h.score / top)
            by_topic[h.passage.topic_id] = max(by_topic[h.passage.topic_id], h.score / top)
        by_sentence: dict[str, float] = defaultdict(float)
        for sentence in aspects(understood.sentences):
            if len(sentence.split()) < MIN_SENTENCE_WORDS or sentence == understood.text.strip():
                continue
            found = self.retriever.search(sentence, SENTENCE_K)
            s_top = max(found[0].score, 1e-6)
            for h in found:
                value = SENTENCE_DISCOUNT * h.score / s_top
                by_sentence[h.passage.topic_id] = max(by_sentence[h.passage.topic_id], value)
                passages[h.passage.id] = max(passages[h.passage.id], value)
        return Signals(dict(by_topic), dict(by_sentence), dict(passages), tuple(hits))

    # -- choosing -------------------------------------------------------------------------

    def best_passage(
        self, topic_id: str, aspect: np.ndarray, evidence: Evidence, exclude: set[str]
    ) -> tuple[Passage, float] | None:
        corpus = self.retriever.corpus
        topic = corpus.topics.get(topic_id)
        if topic is None:
            return None
        best: tuple[Passage, float] | None = None
        for pid in topic.passage_ids:
            if pid in exclude:
                continue
            passage = corpus.get(pid)
            vectors = self.key_point_vectors.get(pid)
            closeness = float((vectors @ aspect).max()) if vectors is not None and len(vectors) \
                else 0.0
            score = evidence.passages.get(pid, 0.0) + KEY_POINT_WEIGHT * closeness
            if best is None or score > best[1]:
                best = (passage, score)
        return best

    def ranked_topics(
        self, evidence: Evidence, understood: Understanding, allowed: Sequence[str] | None = None
    ) -> list[str]:
        topics = evidence.topics
        ranked = sorted(topics, key=lambda t: (-topics[t], t))
        if allowed is not None:
            ranked = [t for t in ranked if t in allowed]
        check = understood.check
        risk_topic = self.prompts.safety.client_risk_topic
        # someone's safety comes before anything else - unless the message is about a death,
        # when the words of risk ("overdose", "hanged") describe what already happened
        current = understood.hard_moment != "death-or-sfo"
        if check.client_risk and not check.crisis and current and risk_topic in ranked:
            ranked.remove(risk_topic)
            ranked.insert(0, risk_topic)
        return ranked

    def plan(
        self,
        understood: Understanding,
        evidence: Evidence,
        qvec: np.ndarray,
        given: set[str],
    ) -> list[Role]:
        corpus = self.retriever.corpus
        if understood.check.crisis:
            allowed = [t for t in self.prompts.safety.crisis_topics if t in corpus.topics]
            ranked = self.ranked_topics(evidence, understood, allowed)
            found = self.best_passage(ranked[0], qvec, evidence, given) if ranked else None
            return [Role(found[0], qvec, 2, found[1])] if found else []
        ranked = self.ranked_topics(evidence, understood)
        if not ranked:
            return []
        first = ranked[0]
        found = self.best_passage(first, qvec, evidence, given) or self.best_passage(
            first, qvec, evidence, set()
        )
        if found is None:
            return []
        passage, score = found
        if understood.kind == "how-to":
            return [Role(passage, qvec, 2, score)]
        if understood.kind == "teaching":
            roles = [Role(passage, qvec, 2, score)]
            other = self.best_passage(first, qvec, evidence, given | {passage.id})
            if other is not None:
                roles.append(Role(other[0], qvec, 1, other[1]))
            return roles
        roles = [Role(passage, qvec, 1, score)]
        second = self._second(understood, evidence, ranked, qvec, given | {passage.id})
        if second is not None:
            roles.append(second)
        else:
            roles[0] = Role(passage, qvec, 2, score)
        return roles

    def _second(
        self,
        understood: Understanding,
        evidence: Evidence,
        ranked: list[str],
        qvec: np.ndarray,
        exclude: set[str],
    ) -> Role | None:
        corpus = self.retriever.corpus
        first_area = corpus.topics[ranked[0]].area
        weighty = set(understood.feelings) & OWN_FEELINGS
        own = understood.hard_moment or (weighty and understood.kind in ("story", "own-state"))
        if own and first_area not in STAFF_AREAS:
            text = " ".join(understood.reaction) or understood.text
            aspect = self.retriever.encode([text])[0]
            staff = self.understander.topic_evidence(text)
            situational = set(self.prompts.replies.situational_staff_topics) - set(ranked[:5])
            candidates = [t for t in staff if corpus.topics.get(t) and
                          corpus.topics[t].area in STAFF_AREAS and
                          t not in self.prompts.safety.crisis_topics and t not in situational]
            if candidates:
                topic = max(candidates, key=lambda t: (staff[t], t))
                found = self.best_passage(topic, aspect, evidence, exclude)
                if found is not None:
                    return Role(found[0], aspect, 1, found[1])
        if len(ranked) > 1:
            z = evidence.topics
            if z[ranked[1]] >= SECOND_TOPIC_RATIO * z[ranked[0]]:
                found = self.best_passage(ranked[1], qvec, evidence, exclude)
                if found is not None:
                    return Role(found[0], qvec, 1, found[1])
        return None
