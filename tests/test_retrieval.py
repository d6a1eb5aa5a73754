"""Retrieval behaviour on the shipped corpus, with the model loaded once per session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reflect_bot.errors import UsageError
from reflect_bot.evaluation import evaluate, load_cases

TESTS_DIR = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def cases():
    return load_cases(TESTS_DIR / "retrieval_cases.yaml")


def test_hits_are_ranked_unique_and_sourced(retriever) -> None:
    hits = retriever.search("she cried all through the appointment and I froze", 8)
    assert [h.rank for h in hits] == list(range(1, 9))
    assert len({h.passage.id for h in hits}) == 8
    assert all(h.passage.sources for h in hits)
    assert all(-1.0 <= h.similarity <= 1.0 for h in hits)


def test_empty_query_is_refused(retriever) -> None:
    with pytest.raises(UsageError, match="empty"):
        retriever.search("   \n")


def test_search_is_deterministic(retriever) -> None:
    query = "I keep replaying what he told me about his childhood"
    first = [(h.passage.id, h.score) for h in retriever.search(query, 5)]
    assert first == [(h.passage.id, h.score) for h in retriever.search(query, 5)]


def test_colloquial_safeguarding_example(retriever) -> None:
    hits = retriever.search("his kids were in the room and I didn't know whether to carry on", 5)
    assert any(h.passage.topic_id == "safeguarding-children" for h in hits)


def test_context_steers_a_vague_follow_up(retriever) -> None:
    follow_up = "what should I have done differently?"
    alone = retriever.search(follow_up, 5)
    with_context = retriever.search(
        follow_up, 5, context=["he started shouting and slammed his fist on the desk"]
    )
    assert [h.passage.id for h in alone] != [h.passage.id for h in with_context]
    assert any(
        h.passage.topic_id in {"de-escalation", "hostility-and-anger", "threat-responses"}
        for h in with_context[:3]
    )


def test_relevant_passages_are_more_similar_than_nonsense(retriever) -> None:
    good = retriever.search("I feel exhausted and numb after months of hearing about abuse", 1)
    bad = retriever.search("what is the capital of Peru", 1)
    assert good[0].similarity > bad[0].similarity + 0.1


def test_the_first_results_do_not_depend_on_how_many_are_asked_for(retriever, cases) -> None:
    """`search -k 30` starts with the same five passages as `search -k 5` (it did not: BM25's
    share and MMR's scaling both grew with k, so asking for more reordered the top)."""
    differ = [
        c.query for c in cases[:60]
        if [h.passage.id for h in retriever.search(c.query, 5)]
        != [h.passage.id for h in retriever.search(c.query, 30)][:5]
    ]
    assert differ == []


def test_shipped_hybrid_hit_at_5(retriever, cases) -> None:
    """A floor just under today's 0.894 (425 queries, 508 passages), so a regression fails.
    The product's target is 0.90: with 382 passages and 362 queries it was 0.901; 21 new
    topics crowded the top five (see the README and issue 10's note)."""
    assert len(cases) >= 100
    metrics = evaluate(retriever, cases)
    assert metrics.hit_at_5 >= 0.89, [c.query for c in metrics.misses]


def test_hybrid_is_not_worse_than_either_side(retriever, cases) -> None:
    hybrid = evaluate(retriever, cases)
    dense = evaluate(retriever, cases, mode="dense")
    lexical = evaluate(retriever, cases, mode="lexical")
    assert hybrid.mrr >= max(dense.mrr, lexical.mrr) - 0.02


def test_search_with_network_blocked(retriever, no_network) -> None:
    hits = retriever.search("I dread Monday's appointment with him", 3)
    assert len(hits) == 3 and no_network == []


def test_import_reflect_bot_does_not_import_torch() -> None:
    code = (
        "import sys, reflect_bot, reflect_bot.corpus, reflect_bot.cli, reflect_bot.retrieval;"
        "heavy = {'torch', 'sentence_transformers', 'faiss', 'transformers', 'textual'};"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
