"""Load and validate prompts/: the reflective models, question banks and reply wording.

Every word a practitioner reads in a reply or a guided reflection lives in these YAML
files, so that it can be reviewed and changed by people who do not write Python. The files
are read once at start and checked thoroughly: a malformed file stops the program with one
line naming the file and the field, rather than a reply missing half its words later on.

Layout:
    prompts/models/<id>.yaml      a reflective model (Gibbs, Driscoll, Kolb, Schön)
    prompts/questions/<topic>.yaml  3-6 reflective questions for one knowledge topic;
                                  default.yaml is used when no topic's bank fits
    prompts/replies.yaml          acknowledgements, headings, sign-offs, guided wording
    prompts/safety.yaml           the crisis banner and routes
    prompts/offtopic.yaml         everyday subjects, to tell when no guidance fits
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from reflect_bot.config import PROMPTS_DIR
from reflect_bot.errors import PromptsError

MIN_QUESTIONS, MAX_QUESTIONS = 3, 6  # per topic bank
MIN_STAGE_QUESTIONS, MAX_STAGE_QUESTIONS = 4, 8
GUIDANCE_MODES = ("none", "latest", "all")
DEFAULT_BANK = "default"
OPEN_WORDS = re.compile(r"\b(what|how|where|when|who|whose|which)\b", re.IGNORECASE)


# --- the data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """One stage of a reflective model.

    `guidance` says when a guided reflection offers cited guidance at this stage: "none"
    (just listen), "latest" (from this answer) or "all" (from everything said so far).
    `look_for` says in a sentence what guidance helps here; it also steers the search.
    """

    id: str
    name: str
    purpose: str
    questions: tuple[str, ...]
    look_for: str
    guidance: str
    action_plan: bool = False


@dataclass(frozen=True)
class ReflectiveModel:
    id: str
    name: str
    authors: str
    year: str
    reference: str
    summary: str
    stages: tuple[Stage, ...]

    def stage(self, stage_id: str) -> Stage:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)


@dataclass(frozen=True)
class CueSet:
    """A feeling or situation: the words that pick it and the lines that acknowledge it."""

    id: str
    cues: tuple[str, ...]
    lines: tuple[str, ...]


@dataclass(frozen=True)
class GuidedWording:
    intro: str
    how_to: str
    commands: dict[str, tuple[str, ...]]  # "back" | "skip" | "finish" -> words
    stage_heading: str
    guidance_intro: str
    nothing_to_go_back_to: str
    went_back: str
    skipped: str
    finished: str
    summary: dict[str, str]


MESSAGE_TYPES = ("story", "own-state", "how-to", "teaching", "good-news", "follow-up",
                 "off-topic")


@dataclass(frozen=True)
class TypeWording:
    """How a reply to one kind of message opens and closes (and, for some, what it asks)."""

    openers: tuple[str, ...]
    closings: tuple[str, ...]
    questions: tuple[str, ...] = ()
    long_openers: tuple[str, ...] = ()  # only for a message long enough to say "a lot"
    requires: tuple[str, ...] = ()  # a message is this kind only if it has one of these cues
    excludes: tuple[str, ...] = ()  # ...and none of these


@dataclass(frozen=True)
class Event:
    """Something a question may take for granted, and the words that show it was said."""

    id: str
    in_question: tuple[str, ...]
    in_message: tuple[str, ...]
    topic: str = ""  # the topic about this event, weighed less when the event is set aside


@dataclass(frozen=True)
class ReplyWording:
    feelings: tuple[CueSet, ...]  # in priority order
    by_type: dict[str, TypeWording]  # one for each of MESSAGE_TYPES
    events: tuple[Event, ...]
    headings: dict[str, str]  # "guidance" | "questions" | "sources"
    no_fit: str
    empty: str
    guided: GuidedWording
    # staff topics about one situation (a colleague's struggles, abuse aimed at you, a death):
    # guidance on the practitioner's own reaction comes from them only in that situation
    situational_staff_topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Banner:
    heading: str
    intro: str


@dataclass(frozen=True)
class CrisisRoute:
    name: str
    contact: str
    detail: str
    # where it applies: "england", "wales", or "unset" (the nation is not set); all by default
    nations: tuple[str, ...] = ("england", "wales", "unset")
    eap: bool = False  # the employee assistance programme: the settings may name it


@dataclass(frozen=True)
class SupportNote:
    """Routes for a hard moment that is not an emergency (a death, abuse aimed at you)."""

    heading: str
    intro: str
    routes: tuple[CrisisRoute, ...]
    cues: tuple[str, ...]
    topics: tuple[str, ...] = ()  # the guidance on the moment itself, weighed first


@dataclass(frozen=True)
class SafetyWording:
    banners: dict[str, Banner]  # "self" | "danger"
    routes: tuple[CrisisRoute, ...]
    continue_offer: str
    acknowledgements: dict[str, tuple[str, ...]]  # "self" | "danger"
    client_risk_topic: str
    crisis_topics: tuple[str, ...]  # the only topics a crisis reply may cite
    support: dict[str, SupportNote]  # other hard moments: "death-or-sfo", "abuse-at-staff"


@dataclass(frozen=True)
class Prompts:
    models: dict[str, ReflectiveModel]
    questions: dict[str, tuple[str, ...]]  # topic id -> bank; always has "default"
    replies: ReplyWording
    safety: SafetyWording
    everyday_topics: tuple[str, ...]
    directory: Path

    def questions_for(self, topic_id: str) -> tuple[str, ...]:
        """The topic's bank, or the default bank for a topic without one (local guidance)."""
        return self.questions.get(topic_id) or self.questions[DEFAULT_BANK]

    def model(self, model_id: str) -> ReflectiveModel:
        try:
            return self.models[model_id]
        except KeyError:
            known = ", ".join(sorted(self.models))
            raise PromptsError(f"no reflective model {model_id!r} (known: {known})") from None


def missing_question_banks(prompts: Prompts, topic_ids: Iterable[str]) -> list[str]:
    """Topics of the shipped corpus that have no question bank of their own."""
    return sorted(t for t in set(topic_ids) if t not in prompts.questions)


# --- loading -----------------------------------------------------------------------------


def load_prompts(directory: str | Path | None = None) -> Prompts:
    """Read and validate every prompts file; raises PromptsError naming file and field."""
    root = Path(directory) if directory is not None else PROMPTS_DIR
    if not root.is_dir():
        raise PromptsError(f"{root}: prompts folder does not exist")
    models = {}
    for path in _yaml_files(root / "models"):
        models[path.stem] = _model(path)
    if not models:
        raise PromptsError(f"{root / 'models'}: no reflective models found")
    questions = {path.stem: _bank(path) for path in _yaml_files(root / "questions")}
    if DEFAULT_BANK not in questions:
        raise PromptsError(f"{root / 'questions' / 'default.yaml'}: the default bank is missing")
    return Prompts(
        models=models,
        questions=questions,
        replies=_replies(root / "replies.yaml"),
        safety=_safety(root / "safety.yaml"),
        everyday_topics=_everyday(root / "offtopic.yaml"),
        directory=root,
    )


@lru_cache(maxsize=1)
def default_prompts() -> Prompts:
    """The shipped prompts, read once per process."""
    return load_prompts(PROMPTS_DIR)


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise PromptsError(f"{folder}: folder is missing")
    return sorted(
        p for p in folder.iterdir()
        if p.suffix in (".yaml", ".yml") and p.is_file() and not p.name.startswith((".", "_"))
    )


class _File:
    """One YAML file being validated: every complaint names the file and the field."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise PromptsError(f"{path}: file is missing") from None
        except UnicodeDecodeError as exc:
            raise PromptsError(f"{path}: not UTF-8 text (byte {exc.start})") from None
        except OSError as exc:
            raise PromptsError(f"{path}: cannot read ({exc.strerror})") from None
        try:
            # libyaml when PyYAML has it: several times faster, and ask/the app parse
            # every prompts file at start
            self.data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f": line {mark.line + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise PromptsError(f"{path}{line}: invalid YAML ({problem})") from None
        if not isinstance(self.data, dict):
            raise PromptsError(f"{path}: expected a mapping of fields at the top level")

    def fail(self, field: str, problem: str) -> PromptsError:
        return PromptsError(f"{self.path}: {field}: {problem}")

    def get(self, data: Mapping[str, Any], key: str, where: str) -> Any:
        field = f"{where}.{key}" if where else key
        if not isinstance(data, Mapping) or key not in data or data[key] is None:
            raise self.fail(field, "missing")
        return data[key]

    def text(self, data: Mapping[str, Any], key: str, where: str = "",
             placeholders: Iterable[str] | None = None) -> str:
        field = f"{where}.{key}" if where else key
        value = self.get(data, key, where)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "expected some text")
        value = " ".join(value.split())
        if placeholders is not None:
            self.check_placeholders(value, field, placeholders)
        return value

    def texts(self, data: Mapping[str, Any], key: str, where: str = "",
              low: int = 1, high: int | None = None) -> tuple[str, ...]:
        field = f"{where}.{key}" if where else key
        value = self.get(data, key, where)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(field, "expected a list of text lines")
        if len(value) < low or (high is not None and len(value) > high):
            wanted = f"{low}-{high}" if high is not None else f"at least {low}"
            raise self.fail(field, f"has {len(value)} entries (expected {wanted})")
        return tuple(" ".join(v.split()) for v in value)

    def mapping(self, data: Mapping[str, Any], key: str, where: str = "") -> dict[str, Any]:
        field = f"{where}.{key}" if where else key
        value = self.get(data, key, where)
        if not isinstance(value, dict) or not value:
            raise self.fail(field, "expected a mapping")
        return value

    def check_placeholders(self, value: str, field: str, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise self.fail(field, f"bad braces ({exc})") from None
        unknown = sorted(names - allowed)
        if unknown:
            known = ", ".join("{" + a + "}" for a in sorted(allowed)) or "none"
            raise self.fail(field, f"unknown placeholder {{{unknown[0]}}} (allowed: {known})")


def _questions(f: _File, data: Mapping[str, Any], key: str, where: str, low: int,
               high: int) -> tuple[str, ...]:
    questions = f.texts(data, key, where, low, high)
    field = f"{where}.{key}" if where else key
    for i, q in enumerate(questions):
        if not q.endswith("?"):
            raise f.fail(f"{field}[{i}]", f"a question must end with '?': {q!r}")
        if not OPEN_WORDS.search(q):
            raise f.fail(f"{field}[{i}]", f"not an open question (what/how/...): {q!r}")
    if len(set(questions)) != len(questions):
        raise f.fail(field, "the same question appears twice")
    return questions


def _model(path: Path) -> ReflectiveModel:
    f = _File(path)
    raw_stages = f.get(f.data, "stages", "")
    if not isinstance(raw_stages, list) or len(raw_stages) < 2:
        raise f.fail("stages", "expected a list of at least two stages")
    stages = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_stages):
        where = f"stages[{i}]"
        if not isinstance(raw, dict):
            raise f.fail(where, "expected a mapping with id, name, purpose, questions")
        stage_id = f.text(raw, "id", where)
        if stage_id in seen:
            raise f.fail(f"{where}.id", f"{stage_id!r} is used by another stage")
        seen.add(stage_id)
        guidance = f.text(raw, "guidance", where)
        if guidance not in GUIDANCE_MODES:
            raise f.fail(f"{where}.guidance", f"must be one of {', '.join(GUIDANCE_MODES)}")
        action_plan = raw.get("action_plan", False)
        if not isinstance(action_plan, bool):
            raise f.fail(f"{where}.action_plan", "must be true or false")
        stages.append(
            Stage(
                id=stage_id,
                name=f.text(raw, "name", where),
                purpose=f.text(raw, "purpose", where),
                questions=_questions(
                    f, raw, "questions", where, MIN_STAGE_QUESTIONS, MAX_STAGE_QUESTIONS
                ),
                look_for=f.text(raw, "look_for", where),
                guidance=guidance,
                action_plan=action_plan,
            )
        )
    return ReflectiveModel(
        id=path.stem,
        name=f.text(f.data, "name"),
        authors=f.text(f.data, "authors"),
        year=f.text(f.data, "year"),
        reference=f.text(f.data, "reference"),
        summary=f.text(f.data, "summary"),
        stages=tuple(stages),
    )


def _bank(path: Path) -> tuple[str, ...]:
    f = _File(path)
    return _questions(f, f.data, "questions", "", MIN_QUESTIONS, MAX_QUESTIONS)


def _cue_sets(f: _File, key: str) -> tuple[CueSet, ...]:
    sets = []
    for name, raw in f.mapping(f.data, key).items():
        where = f"{key}.{name}"
        if not isinstance(raw, dict):
            raise f.fail(where, "expected a mapping with cues and lines")
        cues = f.texts(raw, "cues", where)
        for i, cue in enumerate(cues):
            if cue != cue.lower() or "*" in cue[:-1]:
                raise f.fail(
                    f"{where}.cues[{i}]", f"cues are lowercase; '*' only at the end: {cue!r}"
                )
        sets.append(CueSet(id=str(name), cues=cues, lines=f.texts(raw, "lines", where)))
    return tuple(sets)


def _replies(path: Path) -> ReplyWording:
    f = _File(path)
    headings = f.mapping(f.data, "headings")
    g = f.mapping(f.data, "guided")
    commands = f.mapping(g, "commands", "guided")
    summary = f.mapping(g, "summary", "guided")
    summary_fields = {
        "title": {"model"}, "model_line": {"reference"}, "date_line": {"date"},
        "stage_heading": {"name", "number"}, "skipped": set(), "not_reached": set(),
        "guidance_heading": set(), "action_plan_heading": set(), "no_action_plan": set(),
        "sources_heading": set(), "footer": set(),
    }
    guided = GuidedWording(
        intro=f.text(g, "intro", "guided", {"model"}),
        how_to=f.text(g, "how_to", "guided", ()),
        commands={
            name: tuple(w.lower() for w in f.texts(commands, name, "guided.commands"))
            for name in ("back", "skip", "finish")
        },
        stage_heading=f.text(g, "stage_heading", "guided", {"number", "total", "name"}),
        guidance_intro=f.text(g, "guidance_intro", "guided", ()),
        nothing_to_go_back_to=f.text(g, "nothing_to_go_back_to", "guided", ()),
        went_back=f.text(g, "went_back", "guided", {"name"}),
        skipped=f.text(g, "skipped", "guided", {"name"}),
        finished=f.text(g, "finished", "guided", ()),
        summary={
            key: f.text(summary, key, "guided.summary", allowed)
            for key, allowed in summary_fields.items()
        },
    )
    return ReplyWording(
        feelings=_cue_sets(f, "feelings"),
        by_type=_by_type(f),
        events=_events(f),
        headings={k: f.text(headings, k, "headings") for k in ("guidance", "questions", "sources")},
        no_fit=f.text(f.data, "no_fit"),
        empty=f.text(f.data, "empty"),
        guided=guided,
        situational_staff_topics=f.texts(f.data, "situational_staff_topics")
        if "situational_staff_topics" in f.data else (),
    )


def _safety(path: Path) -> SafetyWording:
    f = _File(path)
    banner = f.mapping(f.data, "banner")
    banners = {
        kind: Banner(
            heading=f.text(f.mapping(banner, kind, "banner"), "heading", f"banner.{kind}"),
            intro=f.text(f.mapping(banner, kind, "banner"), "intro", f"banner.{kind}"),
        )
        for kind in ("self", "danger")
    }
    routes = _routes(f, f.data, "routes", "")
    contacts = " ".join(r.contact for r in routes)
    for required, label in (("999", "999"), ("116 123", "Samaritans 116 123"),
                            ("85258", "SHOUT 85258"), ("111", "NHS 111")):
        if required not in contacts:
            raise f.fail("routes", f"must include {label}")
    acks = f.mapping(f.data, "acknowledgement")
    client_risk = f.mapping(f.data, "client_risk")
    return SafetyWording(
        banners=banners,
        routes=tuple(routes),
        continue_offer=f.text(f.data, "continue"),
        acknowledgements={k: f.texts(acks, k, "acknowledgement") for k in ("self", "danger")},
        client_risk_topic=f.text(client_risk, "topic", "client_risk"),
        crisis_topics=f.texts(f.data, "crisis_guidance_topics"),
        support={
            kind: SupportNote(
                heading=f.text(raw, "heading", f"support.{kind}"),
                intro=f.text(raw, "intro", f"support.{kind}"),
                routes=_routes(f, raw, "routes", f"support.{kind}"),
                cues=f.texts(raw, "cues", f"support.{kind}"),
                topics=f.texts(raw, "topics", f"support.{kind}") if "topics" in raw else (),
            )
            for kind, raw in f.mapping(f.data, "support").items()
        },
    )


NATIONS = ("england", "wales", "unset")


def _routes(f: _File, data: Mapping[str, Any], key: str, where: str) -> tuple[CrisisRoute, ...]:
    field = f"{where}.{key}" if where else key
    raw_routes = f.get(data, key, where)
    if not isinstance(raw_routes, list) or not raw_routes:
        raise f.fail(field, "expected a list of routes")
    routes = []
    for i, raw in enumerate(raw_routes):
        at = f"{field}[{i}]"
        if not isinstance(raw, dict):
            raise f.fail(at, "expected a mapping with name, contact, detail")
        nations = raw.get("nations", list(NATIONS))
        if not isinstance(nations, list) or not nations or any(n not in NATIONS for n in nations):
            raise f.fail(f"{at}.nations", f"expected a list of {', '.join(NATIONS)}")
        routes.append(
            CrisisRoute(
                name=f.text(raw, "name", at),
                contact=f.text(raw, "contact", at),
                detail=f.text(raw, "detail", at),
                nations=tuple(nations),
                eap=raw.get("eap") is True,
            )
        )
    return tuple(routes)


def load_crisis_bank(path: Path) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """prompts/crisis_bank.yaml: (crisis phrasings with their category, look-alikes)."""
    f = _File(path)
    sides = []
    for side in ("crisis", "lookalike"):
        groups = f.mapping(f.data, side)
        items = []
        for category in groups:
            items += [(t, str(category)) for t in f.texts(groups, str(category), side)]
        sides.append(tuple(items))
    return sides[0], tuple(t for t, _ in sides[1])


def _by_type(f: _File) -> dict[str, TypeWording]:
    raw = f.mapping(f.data, "by_type")
    out = {}
    for kind in MESSAGE_TYPES:
        where = f"by_type.{kind}"
        entry = f.mapping(raw, kind, "by_type")
        questions = _questions(f, entry, "questions", where, 1, 8) if "questions" in entry else ()
        out[kind] = TypeWording(
            openers=f.texts(entry, "openers", where),
            closings=f.texts(entry, "closings", where),
            questions=questions,
            long_openers=f.texts(entry, "long_openers", where) if "long_openers" in entry else (),
            requires=f.texts(entry, "requires", where) if "requires" in entry else (),
            excludes=f.texts(entry, "excludes", where) if "excludes" in entry else (),
        )
    unknown = sorted(set(raw) - set(MESSAGE_TYPES))
    if unknown:
        raise f.fail(f"by_type.{unknown[0]}", f"unknown type (known: {', '.join(MESSAGE_TYPES)})")
    return out


def _events(f: _File) -> tuple[Event, ...]:
    events = []
    for name, raw in f.mapping(f.data, "events").items():
        where = f"events.{name}"
        words = {}
        for key in ("in_question", "in_message"):
            words[key] = f.texts(raw, key, where)
            for i, cue in enumerate(words[key]):
                if cue != cue.lower() or "*" in cue[:-1]:
                    raise f.fail(f"{where}.{key}[{i}]", f"lowercase; '*' only at the end: {cue!r}")
        topic = f.text(raw, "topic", where) if "topic" in raw else ""
        events.append(Event(str(name), words["in_question"], words["in_message"], topic))
    return tuple(events)


def load_message_types(path: Path) -> dict[str, tuple[str, ...]]:
    """prompts/message_types.yaml: labelled example messages for each of MESSAGE_TYPES."""
    f = _File(path)
    types = f.mapping(f.data, "types")
    unknown = sorted(set(types) - set(MESSAGE_TYPES))
    if unknown:
        raise f.fail(f"types.{unknown[0]}", f"unknown type (known: {', '.join(MESSAGE_TYPES)})")
    return {kind: f.texts(types, kind, "types", 10) for kind in MESSAGE_TYPES}


@dataclass(frozen=True)
class LabelledMessage:
    text: str
    topic: str  # the topic id that fits best
    kind: str  # one of MESSAGE_TYPES


def load_labelled_messages(path: Path) -> tuple[LabelledMessage, ...]:
    """prompts/labelled_messages.yaml: practitioner messages from folded story rounds, with
    the topic that fits best and the kind of message. Missing file: none."""
    if not path.exists():
        return ()
    f = _File(path)
    items = f.get(f.data, "messages", "")
    if not isinstance(items, list):
        raise f.fail("messages", "must be a list")
    out = []
    for i, item in enumerate(items):
        where = f"messages[{i}]"
        if not isinstance(item, dict):
            raise f.fail(where, "must be a mapping with text, topic and kind")
        kind = f.text(item, "kind", where)
        if kind not in MESSAGE_TYPES:
            raise f.fail(f"{where}.kind", f"unknown kind (known: {', '.join(MESSAGE_TYPES)})")
        out.append(LabelledMessage(f.text(item, "text", where), f.text(item, "topic", where),
                                   kind))
    return tuple(out)


def _everyday(path: Path) -> tuple[str, ...]:
    f = _File(path)
    return f.texts(f.data, "everyday_topics")
