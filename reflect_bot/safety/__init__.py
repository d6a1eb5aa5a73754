"""Crisis: detection, the routes, and the reply policy, in one place.

The CLI, the app, guided reflection and Help all come here; nothing else decides whether a
practitioner sees the crisis routes or builds them.

Detection has two layers:

* `rules` - regular expressions over the words, instant, so the routes never wait for the
  model ("I want to die", "he's got a knife right now");
* `semantic` - nearest neighbours over MiniLM vectors against a labelled bank
  (prompts/crisis_bank.yaml), for the many ways people say it that rules cannot list. It
  runs as soon as the encoder is ready; a message sent before that is checked again then.

Whose risk it is matters as much as whether there is one: a person on probation's or a
colleague's risk is safeguarding, answered with guidance and support for the practitioner,
never the emergency banner.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reflect_bot.cues import cue_regex
from reflect_bot.prompts import CrisisRoute, SafetyWording
from reflect_bot.safety.rules import NO_CRISIS, Analysed, Kind, SafetyCheck, analyse
from reflect_bot.safety.rules import check as rule_check

if TYPE_CHECKING:  # numpy stays out of `redact` and `--help`
    from reflect_bot.safety.semantic import SemanticCheck

__all__ = [
    "NO_CRISIS", "Analysed", "Kind", "Organisation", "SafetyCheck", "analyse", "banner",
    "check", "hard_moment", "routes", "routes_markdown", "support_note",
]


def check(text: str, semantic: SemanticCheck | None = None) -> SafetyCheck:
    """Is the practitioner at risk, or someone in immediate danger?

    Without `semantic` (the model is not loaded yet) only the rules decide. With it, the
    bank can add a crisis the rules missed, and can overrule a rule that fired on a message
    that is clearly about the past, someone else, or a training question ("years ago I
    attempted suicide; I'm well now"). Immediate danger found by the rules is never overruled.
    """
    found = rule_check(text)
    if semantic is None or not text.strip():
        return found
    judged = semantic.judge(text)
    if found.crisis:
        if found.kind == "self" and judged.leans_lookalike and not judged.crisis:
            return SafetyCheck(False, None, True, "")
        return found
    if judged.crisis:
        kind: Kind = "danger" if judged.danger else "self"
        return SafetyCheck(True, kind, found.client_risk, judged.unit)
    return found


# --- other hard moments ----------------------------------------------------------------------

_FIRST_PERSON = re.compile(r"\b(?:me|my|i|i'm|i've|myself)\b")
_SENTENCE = re.compile(r"[^.!?\n]+")
# "he told me his dad used to threaten him": the practitioner is only the listener
_REPORTING = re.compile(r"\b(?:told|tell|telling|said to|asked|showed|showing)\s+me\b")
NEAR_WORDS = 6  # abuse is aimed at the practitioner when they are named this close to it
# "since his wife died", "her mum's funeral": a death in someone's family is their
# bereavement (guidance on that), not the death of a person the practitioner supervised.
_RELATIVE = re.compile(
    r"\b(?:wife|husband|partner|mum|mam|mom|mother|dad|father|nan|nana|gran|granny|grandad|"
    r"grandma|grandmother|grandfather|brother|sister|son|daughter|baby|child|kid|friend|mate|"
    r"uncle|auntie|aunt|cousin|fianc\w*|girlfriend|boyfriend|ex|stepdad|stepmum|dog|cat|pet|"
    r"parents?|family)(?:'s)?\b"
)


def _aimed_at_practitioner(words: str, start: int, end: int) -> bool:
    before = " ".join(words[:start].split()[-NEAR_WORDS:])
    after = " ".join(words[end:].split()[:NEAR_WORDS])
    near = _REPORTING.sub(" ", f"{before} {words[start:end]} {after}")
    return bool(_FIRST_PERSON.search(near))


def _a_relatives_death(words: str, start: int) -> bool:
    before = " ".join(words[:start].split()[-NEAR_WORDS:])
    return bool(_RELATIVE.search(before))


def hard_moment(text: str, wording: SafetyWording) -> str | None:
    """"abuse-at-staff" when the message says the practitioner was threatened or abused,
    "death-or-sfo" when someone they supervise died or was charged with a serious offence;
    otherwise None. Abuse counts only when the practitioner is named close to it, and not
    only as the one being told ("he told me his dad used to threaten him"); a death counts
    only when it is not a relative's ("since his wife died" is his bereavement)."""
    analysed = analyse(text)
    for kind, note in wording.support.items():
        for sentence in _SENTENCE.finditer(analysed.text):
            words = sentence.group()
            for cue in note.cues:
                m = cue_regex(cue).search(words)
                if not m or analysed.negated(sentence.start() + m.start()):
                    continue
                if kind == "abuse-at-staff" and not _aimed_at_practitioner(
                    words, m.start(), m.end()
                ):
                    continue
                if kind == "death-or-sfo" and _a_relatives_death(words, m.start()):
                    continue
                return kind
    return None


# --- the routes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Organisation:
    """What the settings say about where the practitioner works (all optional)."""

    nation: str | None = None  # "england" or "wales"
    eap_name: str | None = None
    eap_phone: str | None = None


def _fill(route: CrisisRoute, org: Organisation) -> CrisisRoute:
    if not route.eap or not (org.eap_name or org.eap_phone):
        return route
    name = f"{org.eap_name} (your Employee Assistance Programme)" if org.eap_name else route.name
    contact = f"call {org.eap_phone}" if org.eap_phone else route.contact
    return dataclasses.replace(route, name=name, contact=contact)


def routes(
    all_routes: Sequence[CrisisRoute], org: Organisation = Organisation()
) -> list[CrisisRoute]:
    """The routes that apply where the practitioner works, with their EAP filled in."""
    nation = org.nation or "unset"
    return [_fill(r, org) for r in all_routes if nation in r.nations]


def _route_lines(
    found: Sequence[CrisisRoute], markdown: bool, compact: bool = False
) -> list[str]:
    lines = []
    for route in found:
        name = f"**{route.name}**" if markdown else route.name
        if compact:
            lines.append(f"- {name}: {route.contact}")
            continue
        detail = f"{route.detail[:1].upper()}{route.detail[1:]}"
        lines.append(f"- {name}: {route.contact}. {detail}.")
    return lines


def banner(
    kind: Kind, wording: SafetyWording, org: Organisation = Organisation(), *,
    markdown: bool = True, compact: bool = False,
) -> str:
    """The crisis routes, in calm words, to lead a reply. `kind` picks the opening lines;
    the reply ends with `wording.continue_offer`, so the door stays open after it.

    `compact`: one short paragraph and each route as its name and how to reach it, so every
    route fits on a small screen at once (the app's crisis panel; Help has the details)."""
    head = wording.banners[kind]
    found = routes(wording.routes, org)
    if compact:
        heading = f"**{head.heading}.**" if markdown else f"{head.heading}."
        return "\n".join([f"{heading} {head.intro}", "", *_route_lines(found, markdown, True)])
    lines = [f"**{head.heading}**" if markdown else head.heading, "", head.intro, ""]
    return "\n".join(lines + _route_lines(found, markdown))


def support_note(
    kind: str, wording: SafetyWording, org: Organisation = Organisation(), *,
    markdown: bool = True,
) -> str:
    """Routes for a hard moment that is not an emergency (see `hard_moment`)."""
    note = wording.support[kind]
    lines = [f"**{note.heading}**" if markdown else note.heading, note.intro, ""]
    return "\n".join(lines + _route_lines(routes(note.routes, org), markdown))


def routes_markdown(wording: SafetyWording, org: Organisation = Organisation()) -> str:
    """The crisis routes as a Markdown list, for the Help screen."""
    return "\n".join(_route_lines(routes(wording.routes, org), markdown=True))
