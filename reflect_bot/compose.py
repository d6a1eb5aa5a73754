"""A reply to a practitioner: acknowledgement, cited guidance, reflective questions, sources.

The shape of every reply, in order:

1. an acknowledgement that fits what they said (prompts/replies.yaml, picked by the
   feelings and situations named in their words; never a diagnosis, never blame);
2. "From the guidance": 2-3 short points, each one or two sentences copied exactly from a
   retrieved passage and followed by its citation marker [1], [2] (chosen with MMR so the
   points do not repeat each other);
3. 1-3 reflective questions from the question bank of the best passages' topics;
4. the sources behind each marker.

When nothing in the corpus fits (the best similarity is below `NO_FIT_THRESHOLD`), the reply
says so and offers questions alone: unrelated guidance is never dressed up as an answer.
When the safety check finds crisis language, the crisis routes lead the reply.

`Composer` is the interface the CLI, the guided reflection and the app use, so a local
generative model could be put behind it later; `RetrievalComposer` is the one there is.
`Conversation` keeps the turns in memory only: nothing here is ever written to disk.
Everything is deterministic: the same conversation always gets the same reply.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from reflect_bot import safety
from reflect_bot.corpus import Passage, passage_json
from reflect_bot.prompts import CueSet, Prompts, Stage, default_prompts

if TYPE_CHECKING:
    from reflect_bot.retrieval import Hit, Retriever

# When does nothing in the corpus fit? Two numbers, calibrated with
# `python bench/calibrate.py`: the best cosine similarity between the message and the
# passages found (their text or their asks) must reach NO_FIT_THRESHOLD, and must beat the
# message's similarity to the everyday subjects in prompts/offtopic.yaml by NO_FIT_MARGIN
# (so "what's for lunch", close to a passage about lunch breaks, is still not an answer).
#
# Calibration (shipped corpus of 381 passages). First, 392 on-topic messages (the 362
# evaluation queries in tests/retrieval_cases.yaml plus 30 short ones) against 60
# off-topic and nonsense messages (both in tests/offtopic_cases.yaml):
#   threshold margin  on-topic judged no-fit  off-topic judged fit
#   0.38      0.00     0.8%                    8.3%   (similarity alone)
#   0.36      0.15     1.3%                    6.7%
#   0.38      0.15     1.5%                    3.3%   <- chosen
#   0.42      0.15     3.3%                    3.3%
#   0.38      0.20     3.8%                    1.7%
# Then, with the numbers fixed, on messages written afterwards (held out): 4 of 30
# off-topic judged fit (13%), 1 of 20 on-topic judged no-fit (5%). All 412 on-topic and
# 90 off-topic together at 0.38/0.15: 1.5% and 6.7% (similarity alone: 0.7% and 14.4%).
# Missing real guidance costs a practitioner more than one stray point on an off-topic
# message, which still carries its source, so the threshold leans low.
NO_FIT_THRESHOLD = 0.38
NO_FIT_MARGIN = 0.15
# In a conversation a short follow-up ("what should I have done?") may lean on what came
# before: on its own it must reach this floor, and with the conversation the threshold.
FOLLOW_UP_FLOOR = 0.30
# A passage cited earlier in the conversation is cited again only if it is the best match
# and beats the best new passage by this much cosine similarity.
REPEAT_MARGIN = 0.08
SEARCH_K = 8
CANDIDATE_PASSAGES = 4  # the best-ranked passages whose sentences may become points
SCORE_SPREAD = 0.8  # a candidate's fused search score must be at least this share of the best's
SPAN_SPREAD = 0.12  # a point must be nearly as close to the message as the best sentence
MAX_POINTS = 3
MMR_LAMBDA = 0.7  # points: 1.0 = most relevant sentences only; lower = more varied
QUESTION_LAMBDA = 0.85  # questions: mostly relevance, just enough to avoid near-repeats
CONTEXT_WEIGHTS = (0.5, 0.25)  # earlier messages, most recent first (the latest counts 1.0)
SHORT_SENTENCE = 10  # words: a sentence this short takes the next one with it
MIN_SENTENCE = 6  # words: shorter fragments are never a point on their own
MAX_PAIR = 45  # words: two sentences together stay a short point
QUESTIONS_GROUNDED = 2
QUESTIONS_ALONE = 3
FIRST_TOPIC_BONUS = 0.1  # questions from the best passage's topic are preferred


# --- the reply ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One piece of guidance: `text` is copied exactly from passage `passage_id`."""

    text: str
    passage_id: str
    marker: int


@dataclass(frozen=True)
class Cited:
    """A passage behind a citation marker, with the search score it was found with."""

    marker: int
    passage: Passage
    score: float | None = None

    def source_line(self) -> str:
        sources = "; ".join(f"{s.author_or_publisher} ({s.year})" for s in self.passage.sources)
        return f"[{self.marker}] {self.passage.title} ({self.passage.topic}). {sources}."


@dataclass(frozen=True)
class Reply:
    """One reply, as plain data. Render with `to_text()`, `to_markdown()` or `to_json()`.

    `crisis` is True when the crisis routes lead the reply (`banner_text`/`banner_markdown`).
    `grounded` is False when nothing in the guidance fitted and `note` says so.
    """

    acknowledgement: str
    points: tuple[Point, ...] = ()
    questions: tuple[str, ...] = ()
    cited: tuple[Cited, ...] = ()
    crisis: bool = False
    crisis_kind: str | None = None
    banner_text: str = ""
    banner_markdown: str = ""
    grounded: bool = True
    note: str = ""
    sign_off: str = ""
    # guidance, questions, sources: from prompts/replies.yaml (filled in by the composer)
    headings: tuple[str, str, str] = ("", "", "")

    @property
    def passage_ids(self) -> tuple[str, ...]:
        return tuple(c.passage.id for c in self.cited)

    def to_text(self, *, banner: bool = True) -> str:
        """Plain text for the terminal (no Markdown markup). `banner` False leaves out the
        crisis routes, for a caller that has already shown them (before the model loaded)."""
        return self._render(markdown=False, banner=banner)

    def to_markdown(self, *, banner: bool = True) -> str:
        """Markdown for the app, which renders it."""
        return self._render(markdown=True, banner=banner)

    def to_json(self) -> dict:
        """The object `reflect-bot ask --json` prints."""
        return {
            "reply": self.to_text(),
            "acknowledgement": self.acknowledgement,
            "points": [{"text": p.text, "passage_id": p.passage_id} for p in self.points],
            "questions": list(self.questions),
            "passages": [passage_json(c.passage, c.score) for c in self.cited],
            "crisis": self.crisis,
            "grounded": self.grounded,
        }

    def _render(self, *, markdown: bool, banner: bool) -> str:
        guidance, questions, sources = self.headings
        head = (lambda s: f"**{s}**") if markdown else (lambda s: s)
        blocks: list[str] = []
        crisis = self.banner_markdown if markdown else self.banner_text
        if crisis and banner:
            blocks.append(crisis)
        if self.acknowledgement:
            blocks.append(self.acknowledgement)
        if self.note:
            blocks.append(self.note)
        if self.points:
            lines = [head(guidance)]
            lines += [f"- {p.text} [{p.marker}]" for p in self.points]
            blocks.append("\n".join(lines))
        if self.questions:
            blocks.append("\n".join([head(questions), *(f"- {q}" for q in self.questions)]))
        if self.cited:
            lines = [head(sources)]
            lines += [c.source_line() for c in self.cited]
            blocks.append(("  \n" if markdown else "\n").join(lines))
        if self.sign_off:
            blocks.append(self.sign_off)
        return "\n\n".join(blocks) + "\n"


@dataclass(frozen=True)
class Turn:
    """A practitioner's message and the reply it got."""

    message: str
    reply: Reply


@dataclass(frozen=True)
class Focus:
    """Steers a reply inside a guided reflection.

    `stage` is the current stage; `context` is what was said at earlier stages (searched
    with the answer when the stage looks at everything so far); `guidance` False means the
    stage only listens; `questions` False leaves questions to the next stage's prompt.
    """

    stage: Stage | None = None
    context: tuple[str, ...] = ()
    guidance: bool = True
    questions: bool = True


class Composer(Protocol):
    """Anything that can answer a practitioner. The app, the CLI and guided reflection use
    only this, so another implementation (a local generative model, say) can replace
    `RetrievalComposer` without touching them."""

    prompts: Prompts

    def compose(
        self, message: str, history: Sequence[Turn] = (), *, focus: Focus | None = None
    ) -> Reply:
        """The reply to `message`, given the conversation so far. Deterministic."""
        ...

    def stage_questions(
        self, stage: Stage, said: Sequence[str] = (), k: int = 3
    ) -> tuple[str, ...]:
        """Up to `k` of a stage's questions that best fit what has been said so far."""
        ...


class Conversation:
    """The turns of one conversation, in memory only (nothing is ever written to disk)."""

    def __init__(self, composer: Composer) -> None:
        self.composer = composer
        self.turns: list[Turn] = []

    def send(self, message: str, *, focus: Focus | None = None) -> Reply:
        """Reply to `message` and remember the turn."""
        reply = self.composer.compose(message, tuple(self.turns), focus=focus)
        self.turns.append(Turn(message, reply))
        return reply

    @property
    def messages(self) -> list[str]:
        return [t.message for t in self.turns]

    def clear(self) -> None:
        self.turns.clear()


# --- sentences ------------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    "e.g i.e etc dr mr mrs ms st no vs cf p pp ch vol ed eds approx fig al".split()
)
_BOUNDARY = re.compile(r"[.!?]+[\"')\u201d\u2019\]]*(?=\s+[\"'(\[\u201c\u2018]?[A-Z0-9])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, so a point is an exact slice of its passage."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        word = re.search(r"([\w.]+)$", text[start : m.start()])
        if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS and m.group()[0] == ".":
            continue
        end = m.end()
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = end
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    # a paragraph break inside a span (local Markdown guidance) ends a sentence too
    out: list[tuple[int, int]] = []
    for s, e in spans:
        pieces = [m.span() for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text[s:e])]
        out += [_trim(text, s + a, s + b) for a, b in pieces if text[s + a : s + b].strip()]
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _words(text: str) -> int:
    return len(text.split())


# A sentence opening with one of these leans on the one before ("This means...", "The
# first is..."), so on its own it would read oddly: it is offered together with that one.
_LEANS_BACK = re.compile(
    r"^(?:this|that|these|those|it|its|they|them|their|such|both|also|so|but|and|or|then|"
    r"here|there|instead|otherwise|however|again|yet|he|she|his|her|the\s+(?:first|second|"
    r"third|fourth|last|other|same|latter|former)|another|each|neither|either|in\s+other\s+words|"
    r"of\s+(?:these|those|them)|as\s+a\s+result|for\s+this\s+reason|even\s+so)\b",
    re.IGNORECASE,
)


def candidate_spans(text: str) -> list[tuple[int, int]]:
    """Spans that could be a point: one sentence that stands on its own, or two together
    (a very short one with the next; one that leans on the one before, with that one)."""
    sentences = sentence_spans(text)
    spans: set[tuple[int, int]] = set()

    def joinable(i: int) -> bool:
        (s1, e1), (s2, e2) = sentences[i], sentences[i + 1]
        return "\n\n" not in text[e1:s2] and _words(text[s1:e2]) <= MAX_PAIR

    for i, (s, e) in enumerate(sentences):
        n = _words(text[s:e])
        if text[s:e].rstrip("\"')\u201d\u2019").endswith("?"):
            continue  # a question in the guidance is not guidance on its own
        leans = bool(_LEANS_BACK.match(text[s:e]))
        if leans:
            if i > 0 and joinable(i - 1) and not _LEANS_BACK.match(text[slice(*sentences[i - 1])]):
                spans.add((sentences[i - 1][0], e))
            continue
        if n < SHORT_SENTENCE:
            if i + 1 < len(sentences) and joinable(i):
                spans.add((s, sentences[i + 1][1]))
            continue
        spans.add((s, e))
    return sorted(spans)


# --- acknowledgement ------------------------------------------------------------------------


def _cue_regex(cue: str) -> re.Pattern[str]:
    if cue.endswith("*"):
        return re.compile(r"(?<![\w'])" + re.escape(cue[:-1]) + r"[\w'-]*")
    return re.compile(r"(?<![\w'])" + re.escape(cue) + r"(?![\w'])")


_FIRST_PERSON_CUE = re.compile(r"(?<![\w'])(?:i|i'm|i've|me|my|myself)(?![\w'])")


def detect(analysed: safety.Analysed, sets: Sequence[CueSet], *, own: bool) -> list[str]:
    """Ids of the cue sets named in the text, most mentioned first (ties: file order).

    A cue just after a negation does not count ("not angry"), and with `own` a cue that is
    about someone else does not either ("he was angry" is not the practitioner's anger).
    """
    counts: list[tuple[int, int, str]] = []
    for order, cue_set in enumerate(sets):
        n = 0
        for cue in cue_set.cues:
            for m in _cue_regex(cue).finditer(analysed.text):
                if analysed.negated(m.start()):
                    continue
                mine = _FIRST_PERSON_CUE.search(cue) or analysed.owner(m.start()) == "self"
                if own and not mine:
                    continue
                n += 1
        if n:
            counts.append((-n, order, cue_set.id))
    return [cid for _, _, cid in sorted(counts)]


def _pick(options: Sequence[str], seed: str, used: set[str] | frozenset[str] = frozenset()) -> str:
    """A deterministic choice that varies with the message and avoids lines already used."""
    fresh = [o for o in options if o not in used] or list(options)
    return fresh[zlib.crc32(seed.encode("utf-8")) % len(fresh)]


def acknowledge(
    message: str,
    prompts: Prompts,
    *,
    check: safety.SafetyCheck | None = None,
    turn: int = 0,
    used: set[str] | frozenset[str] = frozenset(),
    generic: bool = True,
) -> str:
    """The acknowledgement line for `message` (model-free, so instant).

    `generic` False returns "" when nothing specific was recognised (used when nothing in
    the guidance fits either: a warm opener would read oddly after "what's for lunch").
    """
    wording = prompts.replies
    check = check or safety.check(message)
    if check.crisis and check.kind:
        return _pick(prompts.safety.acknowledgements[check.kind], message, used)
    analysed = safety.analyse(message)
    by_id = {s.id: s for s in (*wording.feelings, *wording.situations)}
    found = detect(analysed, wording.feelings, own=True) or detect(
        analysed, wording.situations, own=False
    )
    if found:
        return _pick(by_id[found[0]].lines, message, used)
    if not generic:
        return ""
    return _pick(wording.openers if turn == 0 else wording.follow_ups, message, used)


# --- the retrieval composer -----------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """`best`: the best similarity between a message and the corpus; `everyday`: its best
    similarity to the everyday subjects in prompts/offtopic.yaml."""

    best: float
    everyday: float

    def fits(self, threshold: float = NO_FIT_THRESHOLD, margin: float = NO_FIT_MARGIN) -> bool:
        return self.best >= threshold and self.best - self.everyday >= margin


@dataclass(eq=False)  # compared by identity: it holds a vector
class _Span:
    passage: Passage
    start: int
    end: int
    vector: np.ndarray
    rank: int

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]


@dataclass
class RetrievalComposer:
    """Replies built from retrieved passages and the wording in prompts/.

    Needs an open `Retriever` (the model is loaded once, by whoever opens it). Sentence
    and question vectors are cached in memory for the life of the composer.
    """

    retriever: Retriever
    prompts: Prompts = field(default_factory=default_prompts)
    threshold: float = NO_FIT_THRESHOLD
    _span_cache: dict[str, tuple[list[tuple[int, int]], np.ndarray]] = field(
        default_factory=dict, repr=False
    )
    _question_cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _everyday_vectors: np.ndarray | None = field(default=None, repr=False)

    # -- public ---------------------------------------------------------------------------

    def compose(
        self, message: str, history: Sequence[Turn] = (), *, focus: Focus | None = None
    ) -> Reply:
        focus = focus or Focus()
        wording = self.prompts.replies
        check = safety.check(message)
        used_lines = {line for t in history for line in (t.reply.acknowledgement, t.reply.sign_off)}
        base = self._base(check)
        if not message.strip():
            return Reply(
                acknowledgement="",
                questions=self._unused(self.prompts.questions_for("default"), history)[
                    :QUESTIONS_GROUNDED
                ] if focus.questions else (),
                grounded=False,
                note=wording.empty,
                sign_off="",
                **base,
            )

        earlier = [t.message for t in history if t.message.strip()]
        if focus.stage is not None:  # a guided reflection says exactly what to search with
            context = [focus.stage.look_for, *focus.context][-len(CONTEXT_WEIGHTS) :]
        else:
            context = [*focus.context, *earlier][-len(CONTEXT_WEIGHTS) :]
        needs_model = focus.guidance or focus.questions
        qvec = self.retriever.query_vector(message, context) if needs_model else None
        fits = False
        hits: list[Hit] = []
        if focus.guidance:
            alone = self.retriever.search(message, SEARCH_K)
            hits = self.retriever.search(message, SEARCH_K, context=context) if context else alone
            fits = self._fits(message, alone, hits, bool(earlier or focus.context))

        points: tuple[Point, ...] = ()
        cited: tuple[Cited, ...] = ()
        if fits and check.crisis:  # only guidance written for the practitioner's own support
            hits = [h for h in hits if h.passage.area in self.prompts.safety.crisis_areas]
            fits = bool(hits)
        if fits:
            chosen = self._choose_passages(hits, history, check, qvec)
            topic = self.prompts.safety.client_risk_topic
            must = next(
                (p.id for p, _ in chosen if p.topic_id == topic and check.client_risk), None
            )
            limit = 2 if check.crisis else MAX_POINTS
            points, cited = self._points(chosen, qvec, limit, must)
            fits = bool(points)

        questions: tuple[str, ...] = ()
        if focus.questions and not check.crisis:
            topics = [c.passage.topic_id for c in cited] if fits else []
            k = QUESTIONS_GROUNDED if fits else QUESTIONS_ALONE
            questions = self._questions(topics, qvec, history, k)

        ack = acknowledge(
            message, self.prompts, check=check, turn=len(history), used=used_lines,
            generic=fits or check.crisis or bool(earlier),
        )
        if check.crisis:
            sign_off = self.prompts.safety.continue_offer
        elif focus.stage is not None:
            sign_off = ""  # the next stage's prompt follows
        else:
            sign_off = _pick(wording.sign_off, message, used_lines)
        note = wording.no_fit if not fits and focus.guidance and not check.crisis else ""
        return Reply(
            acknowledgement=ack,
            points=points,
            questions=questions,
            cited=cited,
            grounded=fits,
            note=note,
            sign_off=sign_off,
            **base,
        )

    def stage_questions(
        self, stage: Stage, said: Sequence[str] = (), k: int = 3
    ) -> tuple[str, ...]:
        """The stage's first question, then those closest to what has been said (MMR)."""
        questions = stage.questions
        if len(questions) <= k or not any(s.strip() for s in said):
            return questions[:k]
        qvec = self.retriever.query_vector(said[-1], list(said[:-1])[-len(CONTEXT_WEIGHTS) :])
        vectors = self._question_vectors(questions)
        chosen = [0]
        rel = vectors @ qvec
        while len(chosen) < k:
            best, best_score = -1, -np.inf
            for i in range(len(questions)):
                if i in chosen:
                    continue
                redundancy = max(float(vectors[i] @ vectors[j]) for j in chosen)
                score = MMR_LAMBDA * float(rel[i]) - (1 - MMR_LAMBDA) * redundancy
                if score > best_score:
                    best, best_score = i, score
            chosen.append(best)
        return tuple(questions[i] for i in sorted(chosen))

    # -- steps ----------------------------------------------------------------------------

    def _base(self, check: safety.SafetyCheck) -> dict:
        headings = self.prompts.replies.headings
        base: dict = {
            "headings": (headings["guidance"], headings["questions"], headings["sources"]),
            "crisis": check.crisis,
            "crisis_kind": check.kind,
        }
        if check.crisis and check.kind:
            base["banner_text"] = safety.crisis_banner(check.kind, self.prompts.safety,
                                                       markdown=False)
            base["banner_markdown"] = safety.crisis_banner(check.kind, self.prompts.safety)
        return base

    def fit(self, message: str, hits: Sequence[Hit] | None = None) -> Fit:
        """How well the corpus fits `message` on its own (see NO_FIT_THRESHOLD)."""
        hits = hits if hits is not None else self.retriever.search(message, SEARCH_K)
        best = max((h.similarity for h in hits), default=-1.0)
        if self._everyday_vectors is None:
            self._everyday_vectors = self.retriever.encode(self.prompts.everyday_topics)
        vector = self.retriever.encode([message])[0]
        everyday = float((self._everyday_vectors @ vector).max())
        return Fit(best=best, everyday=everyday)

    def _fits(
        self, message: str, alone: list[Hit], hits: list[Hit], has_context: bool
    ) -> bool:
        """Does anything in the corpus fit what they said? Judged on the message alone, so
        a conversation cannot make "what's for lunch" look relevant; a follow-up may lean
        on the conversation if it is not far off on its own."""
        fit = self.fit(message, alone)
        if fit.best - fit.everyday < NO_FIT_MARGIN:
            return False
        if fit.fits(self.threshold):
            return True
        if has_context and fit.best >= FOLLOW_UP_FLOOR:
            return max(h.similarity for h in hits) >= self.threshold
        return False

    def _choose_passages(
        self,
        hits: list[Hit],
        history: Sequence[Turn],
        check: safety.SafetyCheck,
        qvec: np.ndarray,
    ) -> list[tuple[Passage, float | None]]:
        """The passages to cite: close to the best, new to this conversation unless the
        repeat is clearly the best again, and safeguarding guidance when a person on
        probation's risk was mentioned."""
        given = {c.passage.id for t in history for c in t.reply.cited}
        top = hits[0]
        good = [h for h in hits if h.score >= SCORE_SPREAD * top.score]
        fresh = [h for h in good if h.passage.id not in given]
        chosen: list[Hit] = []
        if top.passage.id in given and (
            not fresh or top.similarity - fresh[0].similarity >= REPEAT_MARGIN
        ):
            chosen.append(top)
        chosen += fresh
        if len(chosen) < 2:  # a second passage, so there can be two points
            chosen += [h for h in hits if h.passage.id not in given and h not in chosen][:1]
        picked: list[tuple[Passage, float | None]] = [
            (h.passage, h.score) for h in chosen[:CANDIDATE_PASSAGES]
        ]
        topic = self.prompts.safety.client_risk_topic
        if check.client_risk and not check.crisis and all(p.topic_id != topic for p, _ in picked):
            extra = self._best_in_topic(topic, qvec, given)
            if extra is not None:
                picked = [*picked[: CANDIDATE_PASSAGES - 1], (extra, None)]
        return picked

    def _best_in_topic(self, topic_id: str, qvec: np.ndarray, given: set[str]) -> Passage | None:
        corpus = self.retriever.corpus
        topic = corpus.topics.get(topic_id)
        if topic is None:
            return None
        passages = [corpus.get(pid) for pid in topic.passage_ids]
        passages = [p for p in passages if p.id not in given] or passages
        best, best_sim = None, -np.inf
        for p in passages:
            _, vectors = self._spans(p)
            sim = float((vectors @ qvec).max()) if len(vectors) else -1.0
            if sim > best_sim:
                best, best_sim = p, sim
        return best

    def _spans(self, passage: Passage) -> tuple[list[tuple[int, int]], np.ndarray]:
        cached = self._span_cache.get(passage.id)
        if cached is None:
            spans = candidate_spans(passage.text)
            vectors = self.retriever.encode([passage.text[s:e] for s, e in spans])
            cached = (spans, vectors)
            self._span_cache[passage.id] = cached
        return cached

    def _points(
        self,
        chosen: list[tuple[Passage, float | None]],
        qvec: np.ndarray,
        limit: int = MAX_POINTS,
        must: str | None = None,
    ) -> tuple[tuple[Point, ...], tuple[Cited, ...]]:
        """Pick 2-3 spans with MMR: close to the message (within SPAN_SPREAD of the best
        sentence), unlike each other, one per passage while there are passages to go round.
        `must` names a passage that must give a point (safeguarding guidance)."""
        candidates: list[_Span] = []
        for rank, (passage, _) in enumerate(chosen):
            spans, vectors = self._spans(passage)
            candidates += [
                _Span(passage, s, e, vectors[i], rank) for i, (s, e) in enumerate(spans)
            ]
        if not candidates:
            return (), ()
        rel = {id(c): float(c.vector @ qvec) for c in candidates}
        best_rel = max(rel.values())
        eligible = [
            c for c in candidates
            if rel[id(c)] >= best_rel - SPAN_SPREAD or c.passage.id == must
        ]
        passages = {c.passage.id for c in eligible}
        want = min(limit, max(2, len(passages)))
        picked: list[_Span] = []
        while len(picked) < want:
            used = {c.passage.id for c in picked}
            one_each = bool(passages - used)
            pool = [c for c in eligible if not any(_overlap(c, p) for p in picked)]
            if one_each:
                pool = [c for c in pool if c.passage.id not in used]
            if not pool and len(picked) < 2:  # two points at least, if the passages allow
                pool = [c for c in candidates if not any(_overlap(c, p) for p in picked)]
            if must and must not in used and must in {c.passage.id for c in pool}:
                pool = [c for c in pool if c.passage.id == must]
            best, best_score = None, -np.inf
            for c in pool:
                redundancy = max((float(c.vector @ p.vector) for p in picked), default=0.0)
                score = MMR_LAMBDA * rel[id(c)] - (1 - MMR_LAMBDA) * redundancy
                if score > best_score:
                    best, best_score = c, score
            if best is None:
                break
            picked.append(best)
        # markers follow the passages' rank; points follow their markers, then their place
        ranks = sorted({c.rank for c in picked})
        marker = {rank: i + 1 for i, rank in enumerate(ranks)}
        picked.sort(key=lambda c: (c.rank, c.start))
        points = tuple(Point(c.text, c.passage.id, marker[c.rank]) for c in picked)
        cited = tuple(
            Cited(marker[rank], chosen[rank][0], chosen[rank][1]) for rank in ranks
        )
        return points, cited

    def _question_vectors(self, questions: Sequence[str]) -> np.ndarray:
        missing = [q for q in questions if q not in self._question_cache]
        if missing:
            for q, v in zip(missing, self.retriever.encode(missing), strict=True):
                self._question_cache[q] = v
        return np.vstack([self._question_cache[q] for q in questions])

    def _unused(self, questions: Sequence[str], history: Sequence[Turn]) -> tuple[str, ...]:
        asked = {q for t in history for q in t.reply.questions}
        return tuple(q for q in questions if q not in asked)

    def _questions(
        self, topics: Sequence[str], qvec: np.ndarray, history: Sequence[Turn], k: int
    ) -> tuple[str, ...]:
        """Questions from the best passages' topics (the first preferred), closest to what
        was said and unlike each other; not ones already asked in this conversation."""
        pool: list[tuple[str, float]] = []
        seen: set[str] = set()
        for i, topic in enumerate(dict.fromkeys(topics)):
            if i >= 2:
                break
            for q in self._unused(self.prompts.questions_for(topic), history):
                if q not in seen:
                    seen.add(q)
                    pool.append((q, FIRST_TOPIC_BONUS if i == 0 else 0.0))
        if len(pool) < k:
            for q in self._unused(self.prompts.questions_for("default"), history):
                if q not in seen:
                    seen.add(q)
                    pool.append((q, -FIRST_TOPIC_BONUS))
        if not pool:  # every question has been asked: the best may be asked again
            bank = self.prompts.questions_for(topics[0] if topics else "default")
            pool = [(q, 0.0) for q in bank]
        texts = [q for q, _ in pool]
        vectors = self._question_vectors(texts)
        rel = vectors @ qvec + np.array([b for _, b in pool])
        chosen: list[int] = []
        while len(chosen) < min(k, len(texts)):
            best, best_score = -1, -np.inf
            for i in range(len(texts)):
                if i in chosen:
                    continue
                redundancy = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
                score = QUESTION_LAMBDA * float(rel[i]) - (1 - QUESTION_LAMBDA) * redundancy
                if score > best_score:
                    best, best_score = i, score
            chosen.append(best)
        return tuple(texts[i] for i in chosen)


def _overlap(a: _Span, b: _Span) -> bool:
    return a.passage.id == b.passage.id and a.start < b.end and b.start < a.end
