"""prompts/: the shipped wording loads, the models' facts are right, every corpus topic has
questions, and a malformed file is one line naming the file and the field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from reflect_bot.config import PROMPTS_DIR
from reflect_bot.errors import PromptsError
from reflect_bot.prompts import (
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    load_prompts,
    missing_question_banks,
)


@pytest.fixture(scope="module")
def prompts():
    return load_prompts()


# --- the shipped files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_id", "year", "author", "stages"),
    [
        (
            "gibbs",
            "1988",
            "Gibbs",
            ["Description", "Feelings", "Evaluation", "Analysis", "Conclusion", "Action plan"],
        ),
        ("driscoll", "1994", "Driscoll", ["What?", "So what?", "Now what?"]),
        (
            "kolb",
            "1984",
            "Kolb",
            [
                "Concrete experience",
                "Reflective observation",
                "Abstract conceptualisation",
                "Active experimentation",
            ],
        ),
        ("schon", "1983", "Schön", ["Reflection-in-action", "Reflection-on-action"]),
    ],
)
def test_reflective_models_have_their_stages_in_order(prompts, model_id, year, author, stages):
    model = prompts.model(model_id)
    assert year in model.year and author in model.authors
    assert year in model.reference
    names = [s.name for s in model.stages]
    assert names[: len(stages)] == stages
    assert sum(s.action_plan for s in model.stages) == 1, "exactly one stage is the action plan"


def test_driscoll_cites_both_editions(prompts):
    model = prompts.model("driscoll")
    assert "1994" in model.reference and "2007" in model.reference


def test_schon_extension_is_attributed_to_its_authors(prompts):
    """Reflection-for-action is Killion and Todnem's (1991), not Schön's: say so."""
    extra = prompts.model("schon").stages[2:]
    assert all("Killion" in s.name and "1991" in s.name for s in extra)
    assert "Killion" in prompts.model("schon").reference


def test_every_stage_has_purpose_questions_and_what_to_look_for(prompts):
    for model in prompts.models.values():
        for stage in model.stages:
            assert 4 <= len(stage.questions) <= 8, (model.id, stage.id)
            assert stage.purpose.endswith(".") and stage.look_for
            assert stage.guidance in {"none", "latest", "all"}
    # analysis-like stages look at everything said so far
    assert load_prompts().model("gibbs").stage("analysis").guidance == "all"


def test_every_corpus_topic_has_a_question_bank(prompts, corpus):
    assert missing_question_banks(prompts, corpus.topics) == []


def test_no_question_bank_is_for_a_topic_that_does_not_exist(prompts, corpus):
    assert set(prompts.questions) - set(corpus.topics) == {"default"}


def test_question_banks_are_sized_and_open(prompts):
    judging = re.compile(r"\b(why didn't you|why did you not|should have|shouldn't have|fault)\b",
                         re.IGNORECASE)
    closed_start = re.compile(r"^(did|do|does|was|were|is|are|have|has|could|would|should)\b",
                              re.IGNORECASE)
    every = [q for bank in prompts.questions.values() for q in bank]
    every += [q for m in prompts.models.values() for s in m.stages for q in s.questions]
    for bank_id, bank in prompts.questions.items():
        assert MIN_QUESTIONS <= len(bank) <= MAX_QUESTIONS, bank_id
    for q in every:
        assert not judging.search(q), q
        assert not closed_start.match(q), q
        assert q.endswith("?"), q


def test_replies_cover_the_feelings_practitioners_describe(prompts):
    feelings = {f.id for f in prompts.replies.feelings}
    assert {"scared", "angry", "guilty", "numb", "overwhelmed", "sad", "frustrated", "unsure",
            "proud", "relieved"} <= feelings
    assert prompts.replies.headings["guidance"] == "From the guidance"


def test_acknowledgements_never_diagnose_or_blame(prompts):
    lines = [line for s in prompts.replies.feelings for line in s.lines]
    lines += [line for t in prompts.replies.by_type.values()
              for line in (*t.openers, *t.closings)]
    banned = re.compile(
        r"\b(you have (burnout|ptsd|vicarious trauma|depression|anxiety)|you are (depressed|"
        r"traumati[sz]ed|burnt out)|you should have|your fault|offender)\b",
        re.IGNORECASE,
    )
    assert lines and not [line for line in lines if banned.search(line)]


def test_safety_routes_are_the_uk_ones(prompts):
    routes = " ".join(f"{r.name} {r.contact} {r.detail}" for r in prompts.safety.routes)
    for needed in ("999", "Samaritans", "116 123", "SHOUT", "85258", "111", "mental health",
                   "Employee Assistance Programme", "manager"):
        assert needed in routes, needed
    assert prompts.safety.routes[0].contact == "999"  # an emergency comes first




def test_every_number_in_the_safety_routes_carries_its_source():
    """A number shown to someone in crisis must be checkable: each one appears in the comment
    just above its route, and that comment names a dated source ('accessed' or a year)."""
    lines = (PROMPTS_DIR / "safety.yaml").read_text(encoding="utf-8").splitlines()
    unsourced = []
    for i, line in enumerate(lines):
        contact = re.match(r"\s*(?:-\s*)?contact:\s*(.+)", line)
        if not contact:
            continue
        comment: list[str] = []
        j = i - 1
        while j >= 0 and not lines[j].lstrip().startswith("- name:"):
            j -= 1
        j -= 1
        while j >= 0 and lines[j].lstrip().startswith("#"):
            comment.insert(0, lines[j])
            j -= 1
        note = " ".join(comment)
        dated = re.search(r"accessed 20\d\d|\b(19|20)\d\d\b", note)
        for number in re.findall(r"\d[\d ]*\d|\d", contact.group(1)):
            if number.strip() not in note or not dated:
                unsourced.append((i + 1, number.strip()))
    assert not unsourced, unsourced
# --- malformed files ------------------------------------------------------------------------


@pytest.fixture
def prompts_copy(tmp_path: Path) -> Path:
    target = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, target)
    return target


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _set(keys, value):
    def change(data):
        target = data
        for key in keys[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value

    return change


_DELETE = object()


@pytest.mark.parametrize(
    ("file", "change", "field"),
    [
        ("models/gibbs.yaml", _set(["stages", 1, "purpose"], _DELETE), "stages[1].purpose"),
        ("models/kolb.yaml", _set(["stages", 0, "questions"], ["What happened?"]),
         "stages[0].questions"),
        ("models/driscoll.yaml", _set(["stages", 2, "guidance"], "sometimes"),
         "stages[2].guidance"),
        ("models/schon.yaml", _set(["stages", 0, "questions", 1], "Tell me more."),
         "stages[0].questions[1]"),
        ("questions/recall.yaml", _set(["questions"], ["What happened?"]), "questions"),
        ("questions/grounding.yaml", _set(["questions", 0], "Did it help?"), "questions[0]"),
        ("replies.yaml", _set(["feelings", "scared", "lines"], []), "feelings.scared.lines"),
        ("replies.yaml", _set(["feelings", "angry", "cues", 0], "ANGRY"),
         "feelings.angry.cues[0]"),
        ("replies.yaml", _set(["guided", "stage_heading"], "Stage {n}: {name}"),
         "guided.stage_heading"),
        ("replies.yaml", _set(["headings", "sources"], _DELETE), "headings.sources"),
        ("safety.yaml", _set(["routes", 1, "contact"], "call a friend"), "routes"),
        ("safety.yaml", _set(["banner", "self", "intro"], ""), "banner.self.intro"),
        ("offtopic.yaml", _set(["everyday_topics"], "food"), "everyday_topics"),
    ],
)
def test_a_malformed_file_is_one_line_naming_file_and_field(prompts_copy, file, change, field):
    path = prompts_copy / file
    _edit(path, change)
    with pytest.raises(PromptsError) as info:
        load_prompts(prompts_copy)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {field}:"), message


def test_invalid_yaml_names_the_line(prompts_copy):
    path = prompts_copy / "questions" / "supervision.yaml"
    path.write_text("questions:\n  - What helps?\n  - [unclosed\n", encoding="utf-8")
    with pytest.raises(PromptsError, match=r"supervision\.yaml: line \d+: invalid YAML"):
        load_prompts(prompts_copy)


def test_a_missing_default_bank_is_named(prompts_copy):
    (prompts_copy / "questions" / "default.yaml").unlink()
    with pytest.raises(PromptsError, match="default bank is missing"):
        load_prompts(prompts_copy)


def test_a_missing_file_is_named(prompts_copy):
    (prompts_copy / "safety.yaml").unlink()
    with pytest.raises(PromptsError, match=r"safety\.yaml: file is missing"):
        load_prompts(prompts_copy)


def test_a_topic_without_a_bank_falls_back_to_the_default(prompts):
    assert prompts.questions_for("my-own-local-guidance") == prompts.questions["default"]
