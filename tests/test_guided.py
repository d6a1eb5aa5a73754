"""Guided reflection: each model's stages in order, back and skip, the summary, guidance."""

from __future__ import annotations

import datetime as dt

import pytest

from reflect_bot.guided import GuidedReflection, Step
from reflect_bot.prompts import default_prompts
from reflect_bot.reply import RetrievalComposer

DATE = dt.date(2025, 3, 14)


@pytest.mark.parametrize("model_id", ["gibbs", "driscoll", "kolb", "schon"])
def test_stages_come_in_order_and_the_summary_has_every_answer(model_id):
    reflection = GuidedReflection(model_id)
    model = reflection.model
    seen = []
    while not reflection.done:
        prompt = reflection.prompt()
        seen.append(prompt.stage.name)
        assert prompt.number == len(seen) and prompt.total == len(model.stages)
        assert prompt.heading == f"Stage {prompt.number} of {prompt.total}: {prompt.stage.name}"
        assert 1 <= len(prompt.questions) <= 3
        assert set(prompt.questions) <= set(prompt.stage.questions)
        reflection.step("answer", f"My answer to {prompt.stage.name}, in my own words.")
    assert seen == [s.name for s in model.stages]
    summary = reflection.summary_markdown(DATE)
    assert summary.startswith(f"# Reflection using {model.name}")
    assert "2025-03-14" in summary and model.reference in summary
    positions = [summary.index(f"> My answer to {name}, in my own words.") for name in seen]
    assert positions == sorted(positions)
    headings = [summary.index(f"## {i}. {name}") for i, name in enumerate(seen, 1)]
    assert headings == sorted(headings)


def test_back_returns_to_the_previous_stage_and_a_new_answer_replaces_the_old():
    reflection = GuidedReflection("gibbs")
    # nothing before the first stage
    assert reflection.step("answer", "back").reply is None and reflection.index == 0
    reflection.step("answer", "He walked out of the session.")
    reflection.step("answer", "I felt frightened.")
    assert reflection.stage.name == "Evaluation"
    reflection.step("answer", "back")
    prompt = reflection.prompt()
    assert prompt.stage.name == "Feelings" and prompt.previous_answer == "I felt frightened."
    reflection.step("answer", "Frightened, then angry with myself.")
    assert reflection.stage.name == "Evaluation"
    summary = reflection.summary_markdown(DATE)
    assert "> Frightened, then angry with myself." in summary
    assert "I felt frightened." not in summary


def test_back_then_skip_clears_the_earlier_answer():
    """Issue 14: "Skipped" after going back must not keep the words skipped over."""
    reflection = GuidedReflection("driscoll")
    reflection.step("answer", "What happened was a hard conversation about recall.")
    reflection.step("answer", "skip")
    assert reflection.stage.name == "Now what?"
    reflection.step("answer", "back")
    reflection.step("answer", "back")
    assert reflection.prompt().previous_answer is not None
    reflection.step("answer", "skip")  # the What? answer goes
    assert reflection.stage.name == "So what?"
    reflection.step("answer", "I'll ask for supervision this week.")
    summary = reflection.summary_markdown(DATE)
    assert "hard conversation about recall" not in summary
    assert summary.split("## 2.")[0].count("_(skipped)_") == 1
    assert "> I'll ask for supervision this week." in summary
    assert reflection.journal_turns() == [("So what?", "I'll ask for supervision this week.")]


def test_a_skipped_stage_and_an_unreached_one_are_marked():
    reflection = GuidedReflection("kolb")
    reflection.step("answer", "A home visit that went wrong.")
    reflection.step("answer", "skip")
    reflection.step("answer", "finish")
    assert reflection.done
    summary = reflection.summary_markdown(DATE)
    wording = default_prompts().replies.guided.summary
    after_two = summary.split("## 2. Reflective observation", 1)[1]
    assert after_two.lstrip().startswith(f"_{wording['skipped']}_")
    after_three = summary.split("## 3. Abstract conceptualisation", 1)[1]
    assert after_three.lstrip().startswith(f"_{wording['not_reached']}_")
    # Kolb's action-plan stage is not called "Action plan", so the summary adds one
    assert "## Action plan" in summary and wording["no_action_plan"] in summary


def test_the_action_plan_has_its_own_section():
    reflection = GuidedReflection("schon")
    reflection.step("answer", "I changed course when he went quiet.")
    reflection.step("answer", "Looking back, he was overwhelmed.")
    reflection.step("answer", "Offer a break earlier and take this to supervision.")
    summary = reflection.summary_markdown(DATE)
    plan = summary.split("## Action plan", 1)[1]
    assert "> Offer a break earlier and take this to supervision." in plan


def test_each_step_says_where_it_went():
    """One place says what back, skip and finish did; the terminal and the app show it."""
    reflection = GuidedReflection("gibbs")
    wording = reflection.prompts.replies.guided
    assert reflection.step("back") == Step(note=wording.nothing_to_go_back_to)
    answered = reflection.step("answer", "He walked out of the session.")
    assert answered.reply is not None and not answered.note
    assert reflection.step("answer", "Back.") == Step(
        note=wording.went_back.format(name="Description"))
    assert reflection.stage.name == "Description"
    assert reflection.step("skip") == Step(note=wording.skipped.format(name="Description"))
    assert reflection.stage.name == "Feelings"
    assert reflection.answers[0].skipped and reflection.answers[0].text is None


def test_finishing_takes_what_was_typed_as_the_answer():
    """Issue 14: ctrl+f with words in the box must not lose them ("not reached")."""
    reflection = GuidedReflection("gibbs")
    reflection.step("answer", "He walked out of the session.")
    step = reflection.step("finish", "I felt frightened, then relieved.")
    assert reflection.done and step.reply is not None
    summary = reflection.summary_markdown(DATE)
    assert "> I felt frightened, then relieved." in summary
    finished = GuidedReflection("gibbs")
    assert finished.step("answer", "finish") == Step() and finished.done  # a word: no answer
    assert "> finish" not in finished.summary_markdown(DATE)


def test_command_words_come_from_the_prompts():
    reflection = GuidedReflection("gibbs")
    assert reflection.command("  Back ") == "back"
    assert reflection.command("skip.") == "skip"
    assert reflection.command("done") == "finish"
    assert reflection.command("I went back to the office") is None


def test_a_crisis_answer_shows_the_routes_even_without_the_model():
    reflection = GuidedReflection("gibbs")
    reply = reflection.step("answer", "Honestly I don't want to be here anymore.").reply
    assert reply.crisis and "116 123" in reply.to_text()
    assert reflection.stage.name == "Feelings"  # and the reflection carries on


@pytest.mark.slow
def test_guidance_at_analysis_draws_on_everything_said(retriever, corpus):
    composer = RetrievalComposer(retriever)
    reflection = GuidedReflection("gibbs", composer)
    answers = [
        "He arrived late and when I mentioned the breach he started shouting and walked out.",
        "I felt scared and then angry, my heart was pounding.",
        "I stayed calm at first but I think I pushed the breach too quickly.",
        "Maybe it was the room, he had his back to the door.",  # the analysis stage
        "I learned to slow down when he gets agitated.",
        "Next time I'll meet him in the ground-floor room and explain the breach process first.",
    ]
    replies = [reflection.step("answer", a).reply for a in answers]
    assert reflection.done
    description, analysis = replies[0], replies[3]
    assert description.points == ()  # Gibbs' description stage just listens
    assert analysis.grounded and analysis.points
    for reply in replies:
        assert reply.questions == ()  # the next stage's prompt brings the questions
        for point in reply.points:
            assert point.text in corpus.get(point.passage_id).key_points  # verbatim
    cited = [c.passage.id for c in reflection.cited()]
    assert len(cited) == len(set(cited))
    summary = reflection.summary_markdown(DATE)
    assert "Guidance cited:" in summary and "## Sources" in summary
    for c in reflection.cited():
        assert c.passage.title in summary
    assert summary == reflection.summary_markdown(DATE)  # the same summary every time
    # stage questions later on are chosen for what was said, and always include the first
    later = GuidedReflection("gibbs", composer)
    later.step("answer", answers[0])
    prompt = later.prompt()
    assert prompt.questions[0] == prompt.stage.questions[0] and len(prompt.questions) == 3
