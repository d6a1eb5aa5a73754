"""Replies: faithful, standalone points; openers, questions and closings that claim nothing
the message does not say; determinism; honesty when nothing fits; crisis first; the story
evaluation held to its numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from reflect_bot import safety
from reflect_bot.corpus import key_point_problem, passage_json
from reflect_bot.evaluation import evaluate_stories, load_stories
from reflect_bot.prompts import default_prompts
from reflect_bot.reply import (
    NO_FIT_MARGIN,
    NO_FIT_THRESHOLD,
    Conversation,
    RetrievalComposer,
    listening_reply,
)
from reflect_bot.reply.questions import presupposes
from reflect_bot.reply.sentences import candidate_spans, sentence_spans

TESTS_DIR = Path(__file__).resolve().parent
OFFTOPIC = yaml.safe_load((TESTS_DIR / "offtopic_cases.yaml").read_text(encoding="utf-8"))
QUERIES = [str(c["query"]) for c in yaml.safe_load(
    (TESTS_DIR / "retrieval_cases.yaml").read_text(encoding="utf-8"))]
STORY_FILES = sorted((TESTS_DIR / "stories").glob("*.yaml"))
NOBODY = safety.Organisation()


# --- model-free pieces ------------------------------------------------------------------------


def test_sentences_are_exact_slices_and_respect_abbreviations():
    text = (
        "Ask about sleep, e.g. how many hours. Dr. Smith agrees! Is it safe? "
        "Then plan the next step."
    )
    pieces = [text[s:e] for s, e in sentence_spans(text)]
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
    assert listening_reply(message, prompts, NOBODY).acknowledgement in lines[feeling]


def test_someone_elses_feeling_is_not_put_on_the_practitioner():
    prompts = default_prompts()
    feeling_lines = {line for s in prompts.replies.feelings for line in s.lines}
    ack = listening_reply("He was really angry with me in the session", prompts,
                          NOBODY).acknowledgement
    assert ack not in feeling_lines
    assert ack in prompts.replies.by_type["story"].openers


def test_an_empty_message_needs_no_model():
    class NoModel:
        def __getattr__(self, name):
            raise AssertionError("the model was used for an empty message")

    composer = RetrievalComposer(NoModel())  # type: ignore[arg-type]
    reply = composer.compose("   ")
    assert not reply.grounded and reply.note == composer.prompts.replies.empty
    assert reply.questions


@pytest.mark.parametrize(
    ("organisation", "present", "absent"),
    [
        (NOBODY, ["in England choose the mental health option, in Wales press 2",
                  "Your Employee Assistance Programme"], []),
        (safety.Organisation(nation="wales"),
         ["call 111 and press 2", "Samaritans in Welsh", "0808 80 10 800"],
         ["mental health option"]),
        (safety.Organisation(nation="england", eap_name="Care First", eap_phone="0800 174319"),
         ["call 111 and choose the mental health option", "Care First", "0800 174319"],
         ["press 2", "intranet", "Samaritans in Welsh", "0808 80 10 800"]),
    ],
)
def test_the_routes_follow_the_organisation_settings(organisation, present, absent):
    prompts = default_prompts()
    for text in (
        listening_reply("I want to die", prompts, organisation).to_text(),
        safety.routes_markdown(prompts.safety, organisation),
    ):
        for words in present:
            assert words in text, words
        for words in absent:
            assert words not in text, words


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("A man I supervised died of an overdose at the weekend and I keep going over our "
         "last appointment.", "death-or-sfo"),
        ("One of mine has been charged with murder. I only saw him on Tuesday.", "death-or-sfo"),
        ("He called me a racist name in reception and my SPO just laughed it off.",
         "abuse-at-staff"),
        ("He threatened me on the home visit, said he knew where I lived.", "abuse-at-staff"),
        ("He told me his dad used to threaten him when he was little.", None),
        ("He was charged with theft years ago.", None),
        ("She's been low since her mum died in the spring and keeps missing appointments.",
         None),
        ("He cried talking about his brother's funeral.", None),
        ("Found out this morning that the lad I supervised died in the hostel.",
         "death-or-sfo"),
    ],
)
def test_hard_moments_get_their_own_routes_not_the_banner(message, kind):
    prompts = default_prompts()
    assert safety.hard_moment(message, prompts.safety) == kind
    reply = listening_reply(message, prompts, NOBODY)
    assert not reply.crisis and reply.banner_text == ""
    if kind:
        assert reply.support_text.startswith(prompts.safety.support[kind].heading)
    else:
        assert reply.support_text == ""


# --- faithfulness -----------------------------------------------------------------------------


def _check_reply_shape(reply, corpus) -> None:
    markers = [c.marker for c in reply.cited]
    assert markers == list(range(1, len(markers) + 1))
    by_marker = {c.marker: c.passage for c in reply.cited}
    for point in reply.points:
        passage = by_marker[point.marker]
        assert point.passage_id == passage.id
        assert point.text in passage.key_points or (  # verbatim, and reads on its own
            point.text in passage.text and key_point_problem(point.text, passage.text) is None
        )
    assert {p.marker for p in reply.points} == set(markers)  # every source is used


def _words_before_sources(reply) -> int:
    text = reply.to_text()
    if reply.cited:
        text = text.split("\n" + reply.headings[2] + "\n", 1)[0]
    if reply.crisis:  # the routes lead a crisis reply and are never cut
        text = text.replace(reply.banner_text, "")
    return len(text.split())


@pytest.fixture(scope="module")
def story_results(composer):
    """Every labelled story through the composer once (as a user would, earlier messages
    first); the tests below read the replies."""
    return {f.name: evaluate_stories(composer, load_stories(f)) for f in STORY_FILES}


@pytest.mark.slow
def test_every_point_is_a_standalone_quote_from_the_passage_it_cites(
    composer, corpus, story_results
):
    """Many inputs: every fourth evaluation query, the short practitioner messages, one ask
    from every tenth passage, and the replies to the labelled stories."""
    messages = QUERIES[::4] + OFFTOPIC["short_on_topic"]
    messages += [p.asks[0] for p in corpus.passages[::10] if p.asks]
    replies = [(m, composer.compose(m)) for m in messages]
    replies += [(s.message, r) for m in story_results.values() for s, r in m.replies]
    grounded = 0
    for message, reply in replies:
        _check_reply_shape(reply, corpus)
        assert _words_before_sources(reply) <= 250, message
        if reply.grounded and not reply.crisis:  # a crisis reply asks nothing
            grounded += 1
            assert 1 <= len(reply.points) <= 3, message
            assert 1 <= len(reply.questions) <= 3
    assert grounded >= 0.9 * len(replies)


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
    assert data["reply"] == text and data["crisis"] is False and data["kind"] == "story"
    assert data["points"] == [{"text": p.text, "passage_id": p.passage_id} for p in reply.points]
    assert data["passages"] == [passage_json(c.passage, c.score) for c in reply.cited]
    key_points = {k for passage in data["passages"] for k in passage["key_points"]}
    assert all(p["text"] in key_points for p in data["points"])  # checkable from the JSON


# --- what the reply claims -------------------------------------------------------------------


@pytest.mark.slow
def test_no_question_assumes_an_event_the_conversation_never_mentioned(composer, story_results):
    prompts = composer.prompts
    for story, reply in (run for m in story_results.values() for run in m.replies):
        understood = composer.understander.understand(story.message, list(story.context))
        for question in reply.questions:
            assert presupposes(question, understood, prompts) is None, (story.id, question)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("message", "never"),
    [
        ("The interpreter didn't turn up so we had to rebook. He looked gutted and I felt "
         "I'd let him down.", r"\b(breach|recall|missed appointments?|keeps? missing)\b"),
        ("She told me about her stepdad hurting her when she was small, then I went on to "
         "her licence conditions.", r"\brecall"),
        ("He tested positive again. I decided not to recall him and gave a final warning "
         "instead, and now my SPO thinks I got it wrong.", r"\brecall"),
        ("how do I explain the window of tolerance to someone on probation?",
         r"hard day|what happened next"),
        ("Really good session today, he opened up for the first time and we made a plan "
         "together.", r"hard day|difficult|what went wrong"),
        ("Last appointment today, she thanked me for believing in her and I cried a bit in "
         "the car, happy tears.", r"\bsad|hard day|what went wrong"),
        ("How do I explain the window of tolerance to a new starter?",
         r"this session|the session|the appointment"),
    ],
)
def test_openers_questions_and_closings_claim_nothing_unsaid(composer, message, never):
    reply = composer.compose(message)
    said = " ".join((reply.acknowledgement, *reply.questions, reply.sign_off))
    assert not re.search(never, said, re.IGNORECASE), said


@pytest.mark.slow
def test_a_how_to_question_gets_a_how_to_opener_and_closing(composer):
    reply = composer.compose("What are the six principles of trauma-informed practice?")
    wording = composer.prompts.replies.by_type[reply.kind]
    assert reply.kind in {"how-to", "teaching"}
    assert reply.acknowledgement in wording.openers
    assert reply.sign_off in wording.closings
    assert any(c.passage.topic_id == "tip-principles" for c in reply.cited)


@pytest.mark.slow
def test_the_story_evaluation_holds(story_results, capsys):
    """The labelled stories (tests/stories/): the reply's guidance must come from topics
    that fit. Thresholds sit a little below today's numbers, so a regression fails."""
    results = story_results
    with capsys.disabled():
        for name, m in results.items():
            print(f"\nstories {name}: first point fitting {m.top1:.1%}, points fitting "
                  f"{m.fitting_points:.1%}, with a fitting point {m.with_fitting_point:.1%}, "
                  f"'nothing fits' {m.told_nothing_fits}, standalone {m.standalone:.1%}, "
                  f"kind {m.kind:.1%}")
    for name, m in results.items():
        assert m.standalone == 1.0, name
        assert m.top1 >= 0.70, name
        assert m.fitting_points >= 0.65, name
        assert m.with_fitting_point >= 0.72, name
        assert m.told_nothing_fits <= 2, name


# --- determinism and conversations -------------------------------------------------------------


@pytest.mark.slow
def test_same_input_same_reply(retriever, composer):
    message = "I keep replaying what she told me about her childhood and I can't sleep"
    assert RetrievalComposer(retriever).compose(message).to_json() == \
        composer.compose(message).to_json()
    a, b = Conversation(RetrievalComposer(retriever)), Conversation(composer)
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
    quoted = [p.text for r in (first, second, third) for p in r.points]
    assert len(quoted) == len(set(quoted)), "a point was quoted twice"
    assert first.acknowledgement != second.acknowledgement


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
    assert "From the guidance" not in reply.to_text()


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
    [
        "I can't go on like this, I just want to disappear",
        "I took an overdose last night",
        "been saving up my sleeping tablets, just in case",  # only the bank knows this one
    ],
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
    crisis_topics = set(composer.prompts.safety.crisis_topics)
    assert all(c.passage.topic_id in crisis_topics for c in reply.cited)  # for them, not clients


@pytest.mark.slow
def test_someone_elses_risk_gets_safeguarding_guidance_not_the_banner(composer, corpus):
    reply = composer.compose("He told me he wants to kill himself and I didn't know what to say")
    assert not reply.crisis and reply.banner_text == ""
    assert reply.grounded
    topic = composer.prompts.safety.client_risk_topic
    assert any(p.passage_id in corpus.topics[topic].passage_ids for p in reply.points)


# --- understanding without the model -----------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "aside"),
    [
        ("i did think about recall, talked it thru with SPO and we agreed not to - hes housed",
         {"recall"}),
        ("honestly thought id be recalling him by friday. instead he rang me to say hed used",
         {"recall"}),
        ("decided against recall, SPO agreed, still lying awake", {"recall"}),
        ("we considered a breach but didn't in the end", {"breach"}),
        ("had to recall a 19 yr old today and he cried", set()),
        ("i was thinking about recall and i think it's needed now, he's not engaging", set()),
        ("we considered a breach. he didn't turn up again", set()),
    ],
)
def test_an_event_weighed_up_and_not_done_is_set_aside(message, aside):
    from reflect_bot.reply.understand import set_aside_events

    events = default_prompts().replies.events
    assert set(set_aside_events(safety.analyse(message), events)) == aside


def test_a_short_message_is_never_told_it_said_a_lot():
    from reflect_bot.reply.composer import listening_reply
    from reflect_bot.reply.opening import LONG_MESSAGE_WORDS

    prompts = default_prompts()
    long_only = {line for w in prompts.replies.by_type.values() for line in w.long_openers}
    assert long_only, "prompts/replies.yaml has no long_openers left to test"
    short = [f"he {verb} in the session today" for verb in
             ("shouted", "cried", "left", "laughed", "swore", "lied", "sighed", "stared")]
    openers = {listening_reply(m, prompts, safety.Organisation()).acknowledgement for m in short}
    assert not openers & long_only
    words = " ".join(["he talked about his childhood and his dad and the care home"] * 5)
    assert len(words.split()) >= LONG_MESSAGE_WORDS
    seen = {listening_reply(f"{words} {i}", prompts, safety.Organisation()).acknowledgement
            for i in range(40)}
    assert seen & long_only, "a long message can be told it said a lot"


@pytest.mark.parametrize(
    ("message", "froze"),
    [("froze when he raised his voice", True), ("I just stood there like a lemon", True),
     ("he froze when I asked about his dad", False), ("I didn't freeze, I kept talking", False)],
)
def test_freezing_is_read_as_the_practitioners_own_reaction(message, froze):
    from reflect_bot.reply.understand import own_feelings

    assert ("froze" in own_feelings(message, default_prompts().replies.feelings)) is froze


def test_hard_moment_topics_are_real_topics():
    from reflect_bot.corpus import load_corpus

    topics = load_corpus().topics
    named = [t for note in default_prompts().safety.support.values() for t in note.topics]
    assert named and all(t in topics for t in named), named


@pytest.mark.slow
def test_a_freeze_alone_brings_no_guidance_about_assaults(composer):
    """'I froze' is the practitioner's reaction, not an assault: the staff guidance written
    for assaults and abuse (the only staff guidance that speaks of freezing) stays out."""
    reply = composer.compose("he told me his stepdad used to lock him in the shed and I froze, "
                             "then moved on to his licence conditions. did I shut him down?")
    assert reply.points
    assert not any(re.search(r"assault|abuse[sd]? (?:aimed|at you)|when abused", p.text, re.I)
                   for p in reply.points), [p.text for p in reply.points]
