"""Guided reflection screen: choose a model, step through (answer, back, skip), reach the
summary, save it to the journal, export it; the default model comes from the settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import ContentSwitcher, Input, Markdown, OptionList, Static

from reflect_bot.journal import Journal
from reflect_bot.settings import Settings
from reflect_bot.tui.screens.guided import GuidedScreen
from reflect_bot.tui.widgets.message_input import MessageInput

from .helpers import SIZE, answer_stage, start_guided, wait_for

pytestmark = pytest.mark.anyio

GIBBS_ANSWERS = [
    "Daniel Price arrived late and shouted at me when I mentioned the breach letter.",
    "I felt scared and then guilty that I had not seen it coming.",
    "It went badly at first but I kept my voice low and he calmed down.",
    "He may have been in a threat response; the letter felt like a threat to him.",
    "I could have prepared him for the letter and offered a break.",
    "Next time I will explain letters in advance and plan a debrief with my manager.",
]


def current(screen: GuidedScreen) -> str:
    return screen.query_one(ContentSwitcher).current


def heading(screen: GuidedScreen) -> str:
    return str(screen.query_one("#stage-heading", Static).render())


def stepper(screen: GuidedScreen) -> str:
    return str(screen.query_one("#stepper", Static).render())


async def test_default_model_comes_from_settings(make_app):
    app = make_app(Settings(reflective_model="kolb"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, GuidedScreen))
        screen = app.screen
        picker = screen.query_one("#model-picker", OptionList)
        assert [picker.get_option_at_index(i).id for i in range(picker.option_count)] == [
            "gibbs", "driscoll", "kolb", "schon"]
        assert picker.get_option_at_index(picker.highlighted).id == "kolb"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.reflection.model.id == "kolb"


async def test_gibbs_to_summary_then_save(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_guided(pilot)  # Gibbs is the default model
        assert current(screen) == "guided-stage"
        assert heading(screen) == "Stage 1 of 6: Description"
        assert "▶ 1. Description" in stepper(screen) and "you are here" in stepper(screen)
        for i, text in enumerate(GIBBS_ANSWERS[:3]):
            await answer_stage(pilot, text)
            if i < 2:
                assert heading(screen).startswith(f"Stage {i + 2} of 6")
        # back to Evaluation: the earlier answer is offered again to change
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: not screen.busy and screen.reflection.index == 2)
        assert heading(screen) == "Stage 3 of 6: Evaluation"
        assert screen.query_one("#stage-answer", MessageInput).text == GIBBS_ANSWERS[2]
        await pilot.press("ctrl+o")  # skipping clears the earlier answer (issue 14)
        await wait_for(pilot, lambda: not screen.busy and screen.reflection.index == 3)
        for text in GIBBS_ANSWERS[3:]:
            await answer_stage(pilot, text)
        assert screen.reflection.done and current(screen) == "guided-summary"
        summary = screen.query_one("#guided-summary-text", Markdown).source
        assert "Reflection using Gibbs' Reflective Cycle" in summary
        for text in GIBBS_ANSWERS[:2] + GIBBS_ANSWERS[3:]:
            assert text.split()[2] in summary
        assert "kept my voice low" not in summary and "_(skipped)_" in summary
        assert "✓ Summary" in stepper(screen)
        # guidance was offered along the way and is cited in the summary
        assert screen.reflection.cited() and "Sources" in summary

        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen.query("#preview-body")
                       and getattr(app.screen, "prepared", None) is not None)
        preview = app.screen.query_one("#preview-body", Static).render().plain
        assert "Daniel" not in preview and "Price" not in preview
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.saved)
    with Journal() as journal:
        (entry,) = journal.list()
    assert entry.kind == "reflection" and entry.model == "gibbs"
    assert [role for role, _ in entry.turns] == [
        "Description", "Feelings", "Analysis", "Conclusion", "Action plan"]
    assert "Daniel" not in " ".join(t for _, t in entry.turns)


async def test_skip_and_finish_early_mark_the_summary(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_guided(pilot)
        await pilot.click("#stage-skip")
        await wait_for(pilot, lambda: not screen.busy and screen.reflection.index == 1)
        assert "↷ 1. Description" in stepper(screen) and "skipped" in stepper(screen)
        await answer_stage(pilot, "I felt drained afterwards.")
        await answer_stage(pilot, "finish")  # typed commands work as in the terminal
        assert current(screen) == "guided-summary"
        summary = screen.query_one("#guided-summary-text", Markdown).source
        assert "(skipped)" in summary and "(not reached)" in summary
        assert "I felt drained afterwards." in summary


async def test_markdown_typed_in_an_answer_stays_literal(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_guided(pilot)
        await answer_stage(pilot, "# Not a heading\n[a link](http://example.com) **loud**")
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: current(screen) == "guided-summary")
        summary = screen.query_one("#guided-summary-text", Markdown)
        assert "\\# Not a heading" in summary.source and "\\*\\*loud\\*\\*" in summary.source
        # rendered: no heading or link was made from the practitioner's words
        rendered = " ".join(str(block._content) for block in summary.query("MarkdownBlock")
                            if hasattr(block, "_content"))
        assert "# Not a heading" in rendered and "**loud**" in rendered


async def test_export_writes_the_redacted_summary(make_app, tmp_path: Path):
    out = tmp_path / "reflection.md"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_guided(pilot)
        await answer_stage(pilot, GIBBS_ANSWERS[0])
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: current(screen) == "guided-summary")
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: getattr(app.screen, "prepared", None) is not None)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen.query("#export-path"))
        app.screen.query_one("#export-path", Input).value = str(out)
        await pilot.press("enter")
        await wait_for(pilot, out.exists)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Reflection using Gibbs' Reflective Cycle")
    assert "Daniel" not in text and "[NAME-1]" in text
    assert out.stat().st_mode & 0o777 == 0o600
