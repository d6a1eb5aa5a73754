"""Understand a practitioner's message before deciding what to say.

From one message (and the conversation so far) this finds:

* its sentences;
* what kind of message it is: a story about a session, the practitioner's own state, a
  how-to question, a teaching request, good news, a follow-up, or off-topic - learnt from
  labelled examples (prompts/message_types.yaml) by nearest neighbours over MiniLM vectors;
* the situation(s) it is about, as evidence per knowledge topic - learnt from each topic's
  first-person `stories` and its passages' `asks`, for the whole message and for each
  sentence, so that one passing word cannot outweigh the story;
* the practitioner's own feelings (cue words said about themselves, not negated) and the
  sentences where they say how they reacted;
* a hard moment for the practitioner (a death, abuse aimed at them), the crisis check, and
  the events the conversation has mentioned (so no question assumes one that was not).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from reflect_bot import safety
from reflect_bot.config import PROMPTS_DIR
from reflect_bot.corpus import Corpus
from reflect_bot.cues import cue_regex, mentions
from reflect_bot.prompts import (
    MESSAGE_TYPES,
    CueSet,
    Event,
    Prompts,
    load_labelled_messages,
    load_message_types,
)
from reflect_bot.vectors import Encode, cached_array, cached_vectors

if TYPE_CHECKING:
    from reflect_bot.safety.semantic import SemanticCheck

TYPE_STEPS = 300  # gradient steps for the message-type classifier
TYPE_L2 = 1e-3
TOPIC_STEPS = 400  # ...and for the topic classifier, which has 52 classes to tell apart
TOPIC_L2 = 1e-4
STEP, MOMENTUM = 4.0, 0.9
TOPIC_NEIGHBOURS = 2  # a topic's evidence for a unit: mean of its 2 closest examples
SENTENCE_WEIGHT = 0.9  # a single sentence's evidence counts a little less than the whole
MIN_SENTENCE_WORDS = 4  # shorter sentences ("i froze.") are read with the whole message
MAX_SENTENCES = 40  # a long paste is understood from its first sentences: bounded work
# A message this close to a topic's labelled examples is about something the library covers:
# never "off-topic", and never told "nothing fits" (reply/composer.py). Chosen on the
# practitioner stories and tests/offtopic_cases.yaml: it keeps off-topic messages judged to
# fit at 6 of 90 while long stories, whose whole wording is far from any one passage, fit.
ON_TOPIC = 0.42
POSITIVE_FEELINGS = frozenset({"proud", "relieved"})
EITHER_WAY = frozenset({"moved"})  # tears: good news is still possible

_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+|(?<=[a-z])\s*;\s+")
_FIRST_PERSON = re.compile(r"(?<![\w'])(?:i|i'm|i've|i'd|me|my|myself)(?![\w'])")


def split_sentences(text: str) -> list[str]:
    """Sentences of a message as typed (lower case, no full stops and all)."""
    return [s.strip() for s in _SPLIT.split(text) if s.strip()][:MAX_SENTENCES]


# "...he told me about his stepdad, then we went on to his licence conditions": the two
# halves are two different things, so each is read on its own as well.
_CLAUSE = re.compile(
    r",?\s+(?:and\s+then|then|but|so|because|after\s+that|afterwards|and\s+after|which\s+is\s+when|"
    r"anyway|although|though|whereas|while)\s+", re.IGNORECASE
)


def aspects(sentences: Sequence[str]) -> list[str]:
    """Each sentence, and its clauses when it joins two things with then/but/so..."""
    out: list[str] = []
    for sentence in sentences:
        out.append(sentence)
        parts = [p.strip(" ,") for p in _CLAUSE.split(sentence) if p.strip(" ,")]
        if len(parts) > 1:
            out += [p for p in parts if len(p.split()) >= MIN_SENTENCE_WORDS]
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Softmax:
    """Multinomial logistic regression over sentence vectors: a small linear classifier,
    fitted in a fraction of a second by gradient descent, deterministic."""

    weights: np.ndarray  # (dim + 1, classes)

    @classmethod
    def fit(
        cls, x: np.ndarray, y: np.ndarray, classes: int, steps: int = TYPE_STEPS,
        l2: float = TYPE_L2,
    ) -> Softmax:
        """Gradient descent with Nesterov momentum, in float32: a few hundred steps."""
        xb = np.hstack([x, np.ones((len(x), 1), dtype=np.float32)]).astype(np.float32)
        onehot = np.eye(classes, dtype=np.float32)[y]
        w = np.zeros((xb.shape[1], classes), dtype=np.float32)
        velocity = np.zeros_like(w)
        for _ in range(steps):
            ahead = w + MOMENTUM * velocity
            p = _softmax(xb @ ahead)
            grad = xb.T @ (p - onehot) / len(xb) + l2 * ahead
            velocity = MOMENTUM * velocity - STEP * grad
            w = w + velocity
        return cls(w)

    def probabilities(self, vector: np.ndarray) -> np.ndarray:
        return _softmax(np.append(vector, 1.0) @ self.weights)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    probabilities: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return probabilities


@dataclass(frozen=True)
class Understanding:
    text: str
    sentences: tuple[str, ...]
    kind: str  # one of prompts.MESSAGE_TYPES
    topics: dict[str, float]  # situation evidence per topic id, higher is closer
    classified: dict[str, float]  # the topic classifier's probability per topic id
    feelings: tuple[str, ...]  # ids of the practitioner's own feelings, most named first
    reaction: tuple[str, ...]  # sentences where the practitioner says how they are or reacted
    hard_moment: str | None  # "death-or-sfo", "abuse-at-staff" or None
    check: safety.SafetyCheck
    said: str  # this message and the conversation, lowercased, for event checks
    set_aside: frozenset[str] = frozenset()  # events named only to say they did not happen

    def best_topics(self, n: int = 5) -> list[tuple[str, float]]:
        return sorted(self.topics.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    def mentions(self, cues: Sequence[str]) -> bool:
        return mentions(self.said, tuple(cues))


# "rather than recall", "instead of a breach", "against recalling": set aside, like "not"
_SET_ASIDE = re.compile(r"\b(?:rather\s+than|instead\s+of|against|without|held\s+off|hold\s+off|"
                        r"holding\s+off|no\s+need\s+for|avoid\w*)(?:\s+(?:a|an|the|on|him|her|them))*\s*$")


# "I did think about recall ... we agreed not to", "thought I'd be recalling him by Friday.
# Instead he rang me": weighed up, then not done
_WEIGHED = re.compile(r"\b(?:thought\s+(?:about|of|i'?d\s+be|i\s+would\s+be|i\s+was\s+going\s+to)|"
                      r"think\s+about|thinking\s+about|consider\w*|weigh\w*\s+up|"
                      r"was\s+going\s+to|were\s+going\s+to|nearly|almost|talked\s+about|"
                      r"discussed|wondered\s+about)(?:\s+(?:a|an|the|him|her|them|on))*\s*$")
_DECIDED_NOT = re.compile(r"\b(?:agreed|decided|chose|opted)\s+not\s+to\b|\bdecided\s+against\b|"
                          r"\binstead\b|\bbut\s+(?:didn'?t|did\s+not)\b|\bwe\s+won'?t\b|\bnot\s+going\s+to\b")


def set_aside_events(analysed: safety.Analysed, events: Sequence[Event]) -> frozenset[str]:
    """Events the conversation (analysed once, by `safety.analyse`) names only to say they
    did not or will not happen."""
    text = analysed.text
    out = set()
    for event in events:
        found = [m for c in event.in_message for m in cue_regex(c).finditer(text)]
        if found and all(analysed.negated(m.start(), window=4)
                         or _SET_ASIDE.search(text[max(0, m.start() - 40):m.start()])
                         or (_WEIGHED.search(text[max(0, m.start() - 40):m.start()])
                             and _DECIDED_NOT.search(text, m.end()))
                         for m in found):
            out.add(event.id)
    return frozenset(out)


def own_feelings(text: str, sets: Sequence[CueSet]) -> list[str]:
    """Ids of the cue sets the practitioner says about themselves, most named first.

    A cue just after a negation does not count ("not angry"), nor one said of someone else
    ("he was angry")."""
    analysed = safety.analyse(text)
    counts: list[tuple[int, int, str]] = []
    for order, cue_set in enumerate(sets):
        n = 0
        for cue in cue_set.cues:
            if cue.rstrip("*") not in analysed.text:  # a quick look first: most are absent
                continue
            for m in cue_regex(cue).finditer(analysed.text):
                if analysed.negated(m.start()):
                    continue
                if _FIRST_PERSON.search(cue) or analysed.owner(m.start()) == "self":
                    n += 1
        if n:
            counts.append((-n, order, cue_set.id))
    return [cid for _, _, cid in sorted(counts)]


class Understander:
    """Holds the labelled examples' vectors; `understand` is then a few cheap matrix sums."""

    def __init__(self, corpus: Corpus, prompts: Prompts, encode: Encode) -> None:
        self.prompts = prompts
        self.encode = encode
        examples = load_message_types(prompts.directory / "message_types.yaml")
        path = prompts.directory / "labelled_messages.yaml"
        labelled = load_labelled_messages(path if path.exists() else PROMPTS_DIR / path.name)
        typed = [(t, k) for k in MESSAGE_TYPES for t in examples[k]]
        typed += [(m.text, m.kind) for m in labelled]
        kinds = np.array([MESSAGE_TYPES.index(k) for _, k in typed])
        vectors = cached_vectors("message-types", [t for t, _ in typed], encode)
        # fitted once per set of examples and kept in the cache (0.3 s at every start)
        self.types = Softmax(cached_array(
            "type-classifier",
            [f"{TYPE_STEPS} {TYPE_L2} {STEP} {MOMENTUM}", *(f"{t}\x00{k}" for t, k in typed)],
            lambda: Softmax.fit(vectors, kinds, len(MESSAGE_TYPES)).weights,
            (vectors.shape[1] + 1, len(MESSAGE_TYPES)),
        ))
        texts: list[str] = []
        labels: list[str] = []
        for topic in corpus.topics.values():
            for text in (topic.title, topic.summary, *topic.stories):
                texts.append(text)
                labels.append(topic.id)
            for pid in topic.passage_ids:
                for ask in corpus.get(pid).asks:
                    texts.append(ask)
                    labels.append(topic.id)
        for m in labelled:  # a topic a user removed has no examples
            if m.topic in corpus.topics:
                texts.append(m.text)
                labels.append(m.topic)
        self.topic_ids = sorted(set(labels))
        index = {t: i for i, t in enumerate(self.topic_ids)}
        self.example_topic = np.array([index[t] for t in labels], dtype=np.int32)
        self.example_vectors = cached_vectors("topic-examples", texts, encode)
        # A linear classifier over the same examples plus every passage's title and key
        # points: it learns what tells the topics apart, where nearest neighbours only see
        # what is close. Its weights are kept in the cache with the vectors.
        train, train_labels = list(texts), list(labels)
        for p in corpus.passages:
            if p.topic_id in index:
                train += [p.title, *p.key_points]
                train_labels += [p.topic_id] * (1 + len(p.key_points))
        train_vectors = cached_vectors("topic-training", train, encode)
        y = np.array([index[t] for t in train_labels], dtype=np.int32)
        key = [f"{TOPIC_STEPS} {TOPIC_L2}", *(f"{t}\x00{label}" for t, label
                                              in zip(train, train_labels, strict=True))]
        weights = cached_array(
            "topic-classifier", key,
            lambda: Softmax.fit(train_vectors, y, len(self.topic_ids), TOPIC_STEPS,
                                TOPIC_L2).weights,
            (train_vectors.shape[1] + 1, len(self.topic_ids)),
        )
        self.topic_classifier = Softmax(weights)

    def understand(
        self,
        message: str,
        context: Sequence[str] = (),
        semantic: SemanticCheck | None = None,
    ) -> Understanding:
        sentences = split_sentences(message)
        units = [message.strip()] + [
            s for s in aspects(sentences) if len(s.split()) >= MIN_SENTENCE_WORDS
            and s != message.strip()
        ]
        vectors = self.encode(units)
        feelings = own_feelings(message, self.prompts.replies.feelings)
        reaction = tuple(
            s for s in sentences
            if own_feelings(s, self.prompts.replies.feelings) or _is_own_state(s)
        )
        topics = self._topics(vectors)
        probabilities = _softmax(np.hstack([vectors, np.ones((len(vectors), 1),
                                                             dtype=vectors.dtype)])
                                 @ self.topic_classifier.weights)
        if len(vectors) > 1:  # the whole message, and its closest sentence, count half each
            probabilities[0] = 0.5 * probabilities[0] + 0.5 * probabilities[1:].max(axis=0)
        classified = {t: float(probabilities[0][i]) for i, t in enumerate(self.topic_ids)}
        hard_moment = safety.hard_moment(message, self.prompts.safety)
        ruled_out = set()
        if max(topics.values(), default=0.0) >= ON_TOPIC:
            ruled_out.add("off-topic")
        # a death is never good news
        if hard_moment or set(feelings) - POSITIVE_FEELINGS - EITHER_WAY:
            ruled_out.add("good-news")
        conversation = safety.analyse(" \n".join([*context, message]))
        return Understanding(
            text=message,
            sentences=tuple(sentences),
            kind=self._kind(vectors[0], bool(context), message, ruled_out),
            topics=topics,
            classified=classified,
            feelings=tuple(feelings),
            reaction=reaction,
            hard_moment=hard_moment,
            check=safety.check(message, semantic),
            said=conversation.text,
            set_aside=set_aside_events(conversation, self.prompts.replies.events),
        )

    def _kind(
        self, vector: np.ndarray, has_context: bool, message: str, ruled_out: set[str]
    ) -> str:
        """The most likely kind that the message allows: follow-ups need a conversation,
        teaching or good news need words that say so (by_type.<kind>.requires) and none
        that contradict it (by_type.<kind>.excludes), and
        `ruled_out` names kinds the rest of the message contradicts."""
        probabilities = self.types.probabilities(vector)
        lowered = safety.analyse(message).text
        for i in np.argsort(-probabilities, kind="stable"):
            kind = MESSAGE_TYPES[i]
            if kind in ruled_out or (kind == "follow-up" and not has_context):
                continue
            wording = self.prompts.replies.by_type[kind]
            if wording.excludes and mentions(lowered, wording.excludes):
                continue
            requires = wording.requires
            if requires and not mentions(lowered, requires):
                continue
            return kind
        return "story"

    def topic_evidence(self, text: str) -> dict[str, float]:
        """Evidence per topic for one piece of text (the practitioner's reaction, say)."""
        return self._topics(self.encode([text]))

    def _topics(self, vectors: np.ndarray) -> dict[str, float]:
        sims = vectors @ self.example_vectors.T  # (units, examples)
        n_topics = len(self.topic_ids)
        scores = np.full((len(vectors), n_topics), -1.0, dtype=np.float32)
        for t in range(n_topics):
            cols = sims[:, self.example_topic == t]
            k = min(TOPIC_NEIGHBOURS, cols.shape[1])
            scores[:, t] = np.sort(cols, axis=1)[:, -k:].mean(axis=1)
        best = scores[0].copy()
        if len(vectors) > 1:
            best = np.maximum(best, SENTENCE_WEIGHT * scores[1:].max(axis=0))
        return {self.topic_ids[t]: float(best[t]) for t in range(n_topics)}


_OWN_STATE = re.compile(
    r"(?<![\w'])(?:i\s+(?:felt|feel|was|am|froze|panicked|cried|shook|couldn't|can't|keep|"
    r"kept|didn't\s+know|don't\s+know)|i'm|i've\s+been|my\s+(?:own|hands|heart|head|stomach|"
    r"childhood|dad|mum|past))(?![\w'])"
)


def _is_own_state(sentence: str) -> bool:
    return bool(_OWN_STATE.search(safety.analyse(sentence).text))
