"""Replies: faithful citations, shape, determinism, no repeats across turns, honesty when
nothing fits, crisis first, safeguarding for a person on probation's risk."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from reflect_bot.compose import (
    NO_FIT_MARGIN,
    NO_FIT_THRESHOLD,
    Conversation,
    RetrievalComposer,
    acknowledge,
    candidate_spans,
    sentence_spans,
)
from reflect_bot.corpus import passage_json
from reflect_bot.prompts import default_prompts

TESTS_DIR = Path(__file__).resolve().parent
OFFTOPIC = yaml.safe_load((TESTS_DIR / "offtopic_cases.yaml").read_text(encoding="utf-8"))


def _retrieval_queries() -> list[str]:
    path = TESTS_DIR / "retrieval_cases.yaml"
    return [str(c["query"]) for c in yaml.safe_load(path.read_text(encoding="utf-8"))]


QUERIES = _retrieval_queries()


@pytest.fixture(scope="module")
def composer(retriever):
    return RetrievalComposer(retriever)


# --- model-free pieces ------------------------------------------------------------------------


def test_sentences_are_exact_slices_and_respect_abbreviations():
    text = (
        "Ask about sleep, e.g. how many hours. Dr. Smith agrees! Is it safe? "
        "Then plan the next step."
    )
    spans = sentence_spans(text)
    pieces = [text[s:e] for s, e in spans]
    assert pieces == [
        "Ask about sleep, e.g. how many hours.",
        "Dr. Smith agrees!",
        "Is it safe?",
        "Then plan the next step.",
    ]


def test_a_sentence_that_leans_back_comes_with_the_one_before():
    text = (
        "Burnout has three parts that researchers measure in staff surveys. "
        "The first is exhaustion, the feeling of having nothing left to give."
    )
    spans = [text[s:e] for s, e in candidate_spans(text)]
    assert text in spans  # the pair
    assert "The first is exhaustion, the feeling of having nothing left to give." not in spans


@pytest.mark.parametrize(
    ("message", "feeling"),
    [
        ("I felt really scared when he stood up", "scared"),
        ("honestly furious about how that went", "angry"),
        ("I keep thinking it was my fault", "guilty"),
        ("I'm not angry, just so tired", "tired"),
        ("I was proud of how I handled it", "proud"),
    ],
)
def test_acknowledgement_fits_the_feeling_named(message, feeling):
    prompts = default_prompts()
    lines = {s.id: s.lines for s in prompts.replies.feelings}
    assert acknowledge(message, prompts) in lines[feeling]


def test_someone_elses_feeling_is_not_put_on_the_practitioner():
    prompts = default_prompts()
    angry = {line for s in prompts.replies.feelings if s.id == "angry" for line in s.lines}
    aggression = {line for s in prompts.replies.situations if s.id == "aggression"
                  for line in s.lines}
    ack = acknowledge("He was really angry with me in the session", prompts)
    assert ack not in angry and ack in aggression


# --- faithfulness -----------------------------------------------------------------------------


def _check_reply_shape(reply, corpus) -> None:
    markers = [c.marker for c in reply.cited]
    assert markers == list(range(1, len(markers) + 1))
    by_marker = {c.marker: c.passage for c in reply.cited}
    for point in reply.points:
        passage = by_marker[point.marker]
        assert point.passage_id == passage.id
        assert point.text in corpus.get(point.passage_id).text  # faithful, word for word
        assert 1 <= len(sentence_spans(point.text)) <= 2
    assert {p.marker for p in reply.points} == set(markers)  # every source is used


@pytest.mark.slow
def test_every_point_is_inside_the_passage_it_cites(composer, corpus):
    """Many inputs: every fourth evaluation query, the short practitioner messages, and
    one ask from every tenth passage (the asks are how practitioners voice a need)."""
    messages = QUERIES[::4] + OFFTOPIC["short_on_topic"]
    messages += [p.asks[0] for p in corpus.passages[::10] if p.asks]
    grounded = 0
    for message in messages:
        reply = composer.compose(message)
        _check_reply_shape(reply, corpus)
        if reply.grounded:
            grounded += 1
            assert 2 <= len(reply.points) <= 3, message
            assert 1 <= len(reply.questions) <= 3
    assert grounded >= 0.9 * len(messages)


@pytest.mark.slow
def test_reply_reads_in_order_and_renders_as_text_markdown_and_json(composer):
    reply = composer.compose(
        "He kicked off in the session, shouting and slamming the desk, and I felt shaken."
    )
    assert reply.grounded and not reply.crisis
    text = reply.to_text()
    order = [text.index(reply.acknowledgement), text.index("From the guidance"),
             text.index("Questions to reflect on"), text.index("Sources"),
             text.index(reply.sign_off)]
    assert order == sorted(order)
    for c in reply.cited:
        assert f"[{c.marker}] {c.passage.title} ({c.passage.topic})" in text
        for s in c.passage.sources:
            assert f"{s.author_or_publisher} ({s.year})" in text
    assert "**From the guidance**" in reply.to_markdown()
    data = reply.to_json()
    assert set(data) >= {"reply", "acknowledgement", "points", "questions", "passages", "crisis"}
    assert data["reply"] == text and data["crisis"] is False
    assert data["points"] == [{"text": p.text, "passage_id": p.passage_id} for p in reply.points]
    assert data["passages"] == [passage_json(c.passage, c.score) for c in reply.cited]


# --- determinism and conversations -------------------------------------------------------------


@pytest.mark.slow
def test_same_input_same_reply(retriever):
    message = "I keep replaying what she told me about her childhood and I can't sleep"
    first = RetrievalComposer(retriever).compose(message).to_json()
    second = RetrievalComposer(retriever).compose(message).to_json()
    assert first == second
    a, b = Conversation(RetrievalComposer(retriever)), Conversation(RetrievalComposer(retriever))
    for turn in ("he missed his appointment again", "I'm frustrated and worried about him"):
        assert a.send(turn).to_json() == b.send(turn).to_json()


@pytest.mark.slow
def test_a_conversation_does_not_repeat_itself(composer):
    conversation = Conversation(composer)
    message = "He shouted at me and stormed out, and I felt shaken for the rest of the day."
    first = conversation.send(message)
    second = conversation.send(message)
    third = conversation.send("I'm still thinking about how angry he was")
    assert first.grounded and second.grounded and third.grounded
    asked = [q for r in (first, second, third) for q in r.questions]
    assert len(asked) == len(set(asked)), "a question was asked twice"
    # a passage comes back only as the clear best, in first place
    for earlier, later in ((first, second), (first, third), (second, third)):
        repeated = set(earlier.passage_ids) & set(later.passage_ids)
        assert repeated <= {later.passage_ids[0]}
    assert set(second.passage_ids) != set(first.passage_ids)


@pytest.mark.slow
def test_a_vague_follow_up_leans_on_the_conversation(composer):
    conversation = Conversation(composer)
    conversation.send("she disclosed that her stepfather abused her for years")
    reply = conversation.send("what should I have said?")
    assert reply.grounded
    assert any(c.passage.topic_id == "disclosure-of-abuse" for c in reply.cited)


# --- when nothing fits --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "message", ["what's for lunch", "asdfghjkl", "what is the capital of Peru"]
)
def test_nothing_fits_says_so_and_offers_questions_alone(composer, message):
    reply = composer.compose(message)
    assert not reply.grounded
    assert reply.points == () and reply.cited == ()
    assert reply.note == composer.prompts.replies.no_fit
    assert 1 <= len(reply.questions) <= 3
    assert set(reply.questions) <= set(composer.prompts.questions["default"])
    assert "From the guidance" not in reply.to_text()


def test_an_empty_message_needs_no_model():
    class NoModel:
        def __getattr__(self, name):
            raise AssertionError("the model was used for an empty message")

    composer = RetrievalComposer(NoModel())  # type: ignore[arg-type]
    reply = composer.compose("   ")
    assert not reply.grounded and reply.note == composer.prompts.replies.empty
    assert reply.questions


@pytest.mark.slow
def test_off_topic_and_on_topic_rates_hold(composer, capsys):
    """The calibration numbers by NO_FIT_THRESHOLD, re-measured on the shipped corpus."""
    off = [composer.fit(m).fits() for m in OFFTOPIC["off_topic"]]
    short = [composer.fit(m).fits() for m in OFFTOPIC["short_on_topic"]]
    long = [composer.fit(m).fits() for m in QUERIES[1::3]]
    wrong, missed_short, missed_long = (
        sum(off) / len(off), 1 - sum(short) / len(short), 1 - sum(long) / len(long)
    )
    with capsys.disabled():
        print(
            f"\nno-fit at {NO_FIT_THRESHOLD}/{NO_FIT_MARGIN}: off-topic judged fit {wrong:.1%}, "
            f"short on-topic judged no-fit {missed_short:.1%}, evaluation queries judged "
            f"no-fit {missed_long:.1%}"
        )
    assert wrong <= 0.10
    assert missed_short <= 0.05
    assert missed_long <= 0.03


# --- safety in replies ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "message",
    ["I can't go on like this, I just want to disappear", "I took an overdose last night"],
)
def test_a_crisis_reply_leads_with_the_routes_and_offers_to_continue(composer, message):
    reply = composer.compose(message)
    assert reply.crisis
    text = reply.to_text()
    assert text.startswith(composer.prompts.safety.banners["self"].heading)
    for needed in ("999", "116 123", "85258", "111", "Employee Assistance Programme"):
        assert text.index(needed) < text.index(reply.acknowledgement)
    assert text.rstrip().endswith(composer.prompts.safety.continue_offer)
    assert reply.questions == ()
    assert reply.to_json()["crisis"] is True
    areas = composer.prompts.safety.crisis_areas
    assert all(c.passage.area in areas for c in reply.cited)  # support for them, not clients


@pytest.mark.slow
def test_someone_elses_risk_gets_safeguarding_guidance_not_the_banner(composer, corpus):
    reply = composer.compose("He told me he wants to kill himself and I didn't know what to say")
    assert not reply.crisis and reply.banner_text == ""
    assert reply.grounded
    topic = composer.prompts.safety.client_risk_topic
    assert any(p.passage_id in corpus.topics[topic].passage_ids for p in reply.points)


@pytest.mark.slow
def test_no_guidance_sentence_is_made_up_in_any_reply_text(composer, corpus):
    """Belt and braces on the rendered text: every bullet under the guidance heading ends
    with a marker and is found, without it, in the cited passage."""
    for message in QUERIES[2::25]:
        reply = composer.compose(message)
        text = reply.to_text()
        if not reply.grounded:
            continue
        block = text.split("From the guidance\n", 1)[1].split("\n\n", 1)[0]
        cited = {c.marker: c.passage for c in reply.cited}
        for line in block.splitlines():
            m = re.fullmatch(r"- (.*) \[(\d+)\]", line)
            assert m, line
            assert m.group(1) in cited[int(m.group(2))].text
