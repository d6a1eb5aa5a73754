"""Guided reflection: each model's stages in order, back and skip, the summary, guidance."""

from __future__ import annotations

import datetime as dt

import pytest

from reflect_bot.guided import GuidedReflection
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
        reflection.respond(f"My answer to {prompt.stage.name}, in my own words.")
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
    assert reflection.respond("back") is None and reflection.index == 0  # nothing before
    reflection.respond("He walked out of the session.")
    reflection.respond("I felt frightened.")
    assert reflection.stage.name == "Evaluation"
    reflection.respond("back")
    prompt = reflection.prompt()
    assert prompt.stage.name == "Feelings" and prompt.previous_answer == "I felt frightened."
    reflection.respond("Frightened, then angry with myself.")
    assert reflection.stage.name == "Evaluation"
    summary = reflection.summary_markdown(DATE)
    assert "> Frightened, then angry with myself." in summary
    assert "I felt frightened." not in summary


def test_back_then_skip_clears_the_earlier_answer():
    """Issue 14: "Skipped" after going back must not keep the words skipped over."""
    reflection = GuidedReflection("driscoll")
    reflection.respond("What happened was a hard conversation about recall.")
    reflection.respond("skip")
    assert reflection.stage.name == "Now what?"
    reflection.respond("back")
    reflection.respond("back")
    assert reflection.prompt().previous_answer is not None
    reflection.respond("skip")  # the What? answer goes
    assert reflection.stage.name == "So what?"
    reflection.respond("I'll ask for supervision this week.")
    summary = reflection.summary_markdown(DATE)
    assert "hard conversation about recall" not in summary
    assert summary.split("## 2.")[0].count("_(skipped)_") == 1
    assert "> I'll ask for supervision this week." in summary
    assert reflection.journal_turns() == [("So what?", "I'll ask for supervision this week.")]


def test_a_skipped_stage_and_an_unreached_one_are_marked():
    reflection = GuidedReflection("kolb")
    reflection.respond("A home visit that went wrong.")
    reflection.respond("skip")
    reflection.respond("finish")
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
    reflection.respond("I changed course when he went quiet.")
    reflection.respond("Looking back, he was overwhelmed.")
    reflection.respond("Offer a break earlier and take this to supervision.")
    summary = reflection.summary_markdown(DATE)
    plan = summary.split("## Action plan", 1)[1]
    assert "> Offer a break earlier and take this to supervision." in plan


def test_command_words_come_from_the_prompts():
    reflection = GuidedReflection("gibbs")
    assert reflection.command("  Back ") == "back"
    assert reflection.command("skip.") == "skip"
    assert reflection.command("done") == "finish"
    assert reflection.command("I went back to the office") is None


def test_a_crisis_answer_shows_the_routes_even_without_the_model():
    reflection = GuidedReflection("gibbs")
    reply = reflection.respond("Honestly I don't want to be here anymore.")
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
    replies = [reflection.respond(a) for a in answers]
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
    later.respond(answers[0])
    prompt = later.prompt()
    assert prompt.questions[0] == prompt.stage.questions[0] and len(prompt.questions) == 3
