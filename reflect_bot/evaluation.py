"""Retrieval quality on practitioner-worded queries: hit@1, hit@5 and MRR.

Used by `make eval` (bench/eval.py) and by the test that holds the shipped hybrid to
hit@5 >= 0.90.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from reflect_bot.errors import UsageError

if TYPE_CHECKING:
    from reflect_bot.reply import Reply, RetrievalComposer
    from reflect_bot.retrieval import Retriever


@dataclass(frozen=True)
class Case:
    query: str
    expect: tuple[str, ...]


@dataclass(frozen=True)
class Metrics:
    cases: int
    hit_at_1: float
    hit_at_5: float
    mrr: float
    misses: tuple[Case, ...]


def _read_list(path: Path, what: str) -> list[Any]:
    """A YAML file holding a list, or a one-line UsageError naming the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"{path}: cannot read {what} ({exc})") from None
    if not isinstance(data, list):
        raise UsageError(f"{path}: expected a list of {what}")
    return data


def load_cases(path: Path) -> list[Case]:
    data = _read_list(path, "evaluation cases {query, expect}")
    cases = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict) or not item.get("query") or not item.get("expect"):
            raise UsageError(f"{path}: case {i}: needs 'query' and 'expect'")
        cases.append(Case(str(item["query"]), tuple(item["expect"])))
    return cases


def evaluate(retriever: Retriever, cases: list[Case], k: int = 5,
             **search_kwargs: Any) -> Metrics:
    hits1 = hits5 = 0
    reciprocal = 0.0
    misses = []
    for case in cases:
        ranked = [h.passage.id for h in retriever.search(case.query, k, **search_kwargs)]
        ranks = [ranked.index(e) + 1 for e in case.expect if e in ranked]
        best = min(ranks) if ranks else None
        hits1 += best == 1
        hits5 += best is not None and best <= 5
        reciprocal += 1 / best if best else 0.0
        if best is None:
            misses.append(case)
    n = len(cases) or 1
    return Metrics(len(cases), hits1 / n, hits5 / n, reciprocal / n, tuple(misses))


# --- practitioner stories: the evaluation that counts for replies ----------------------------


@dataclass(frozen=True)
class Story:
    """A labelled message (tests/stories/*.yaml): what a practitioner wrote, the topics
    whose guidance genuinely fits it (first = best), and the kind of message it is."""

    id: str
    message: str
    context: tuple[str, ...]
    topics: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class StoryMetrics:
    cases: int  # labelled with at least one topic
    top1: float  # the reply's first point comes from a fitting topic
    hit5: float  # a fitting topic among the five the reply weighed most
    points: int
    fitting_points: float  # share of quoted points from fitting topics
    with_fitting_point: float  # share of cases with at least one fitting point
    told_nothing_fits: int  # labelled cases that got "nothing fits"
    standalone: float  # share of quoted points that pass the key-point check
    kind: float  # share of all messages whose kind was read as labelled
    misses: tuple[tuple[str, str, tuple[str, ...]], ...]  # (id, topic cited first, labels)
    replies: tuple[tuple[Story, object], ...] = ()  # each story with the Reply it got


def load_stories(path: Path) -> list[Story]:
    data = _read_list(path, "labelled messages")
    stories = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict) or not item.get("message") or "topics" not in item:
            raise UsageError(f"{path}: item {i}: needs 'message' and 'topics'")
        stories.append(
            Story(
                id=str(item.get("id", i)),
                message=str(item["message"]),
                context=tuple(item.get("context") or ()),
                topics=tuple(item["topics"] or ()),
                kind=str(item.get("type", "")),
            )
        )
    return stories


def evaluate_stories(composer: RetrievalComposer, stories: list[Story]) -> StoryMetrics:
    """Run each story through the composer as a user would (earlier messages first)."""
    from reflect_bot.corpus import key_point_problem
    from reflect_bot.reply import Turn

    corpus = composer.retriever.corpus
    n = top1 = hit5 = fitting = points = with_fit = nothing = alone = kinds = quoted_all = 0
    misses = []
    replies: list[tuple[Story, Reply]] = []
    for story in stories:
        history: list[Turn] = []
        for earlier in story.context:
            history.append(Turn(earlier, composer.compose(earlier, tuple(history))))
        reply = composer.compose(story.message, tuple(history))
        replies.append((story, reply))
        kinds += reply.kind == story.kind
        for p in reply.points:
            quoted_all += 1
            passage = corpus.get(p.passage_id)
            alone += p.text in passage.key_points or key_point_problem(p.text, passage.text) is None
        if not story.topics:
            continue
        n += 1
        labels = set(story.topics)
        cited = [corpus.get(p.passage_id).topic_id for p in reply.points]
        top1 += bool(cited) and cited[0] in labels
        weighed = composer.weighed_topics(story.message, [t.message for t in history])
        hit5 += any(t in labels for t in weighed[:5])
        points += len(cited)
        fitting += sum(t in labels for t in cited)
        with_fit += any(t in labels for t in cited)
        nothing += not reply.grounded and not reply.crisis
        if not cited or cited[0] not in labels:
            misses.append((story.id, cited[0] if cited else "(none)", story.topics))
    quoted = points or 1
    cases = n or 1
    return StoryMetrics(
        cases=n,
        top1=top1 / cases,
        hit5=hit5 / cases,
        points=points,
        fitting_points=fitting / quoted,
        with_fitting_point=with_fit / cases,
        told_nothing_fits=nothing,
        standalone=alone / (quoted_all or 1),
        kind=kinds / (len(stories) or 1),
        misses=tuple(misses),
        replies=tuple(replies),
    )


def composer_without(retriever: Retriever, stories: list[Story]) -> tuple[RetrievalComposer, int]:
    """A composer that has not learnt from `stories`: their messages taken out of
    prompts/labelled_messages.yaml (a folded round measured as if new). Also returns how
    many labelled messages were left out."""
    import shutil
    import tempfile

    from reflect_bot.config import PROMPTS_DIR
    from reflect_bot.prompts import load_prompts
    from reflect_bot.reply import RetrievalComposer

    labelled = yaml.safe_load((PROMPTS_DIR / "labelled_messages.yaml").read_text("utf-8"))
    own = {" ".join(s.message.split()) for s in stories}
    kept = [m for m in labelled["messages"] if " ".join(m["text"].split()) not in own]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "prompts"
        shutil.copytree(PROMPTS_DIR, folder)
        (folder / "labelled_messages.yaml").write_text(
            yaml.safe_dump({"messages": kept}, allow_unicode=True), encoding="utf-8")
        composer = RetrievalComposer(retriever, prompts=load_prompts(folder))
        composer.warm()  # everything read from the folder before it goes
    return composer, len(labelled["messages"]) - len(kept)
