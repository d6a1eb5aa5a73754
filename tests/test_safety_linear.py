"""The rule layer's owner and negation analysis costs time linear in the message.

It used to scan from the start of the message for every phrase it tested, so `ask` on a
200 KB message took nearly a minute (issue 18). These tests hold the faster analysis to the
decisions of the old one, word for word, with the old scans kept here as the reference, and
count the characters the analysis reads, so a return to a scan per phrase fails without any
timing (the timings themselves are in `make bench`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reflect_bot import safety
from reflect_bot.safety import rules

TESTS_DIR = Path(__file__).resolve().parent
CASES = yaml.safe_load((TESTS_DIR / "safety_cases.yaml").read_text(encoding="utf-8"))


# --- the reference: the scans the rules made before, one per phrase tested ---------------------


def reference_owner(a: rules.Analysed, start: int, default="self"):
    sentence_start = 0
    for m in rules._SENTENCE_BREAK.finditer(a.text, 0, start):
        sentence_start = m.end()
    last = None
    for tok in rules._TOKEN.finditer(a.text, sentence_start, start):
        word = tok.group()
        if word in rules.FIRST_PERSON:
            last = "self"
        elif word in rules.THIRD_PERSON or word.startswith("[") or tok.start() in a.names:
            last = "other"
    return last or default


def reference_negated(a: rules.Analysed, start: int, window: int = 3) -> bool:
    clause_start = 0
    for m in rules._CLAUSE_BREAK.finditer(a.text, 0, start):
        clause_start = m.end()
    words = [t.group() for t in rules._TOKEN.finditer(a.text, clause_start, start)]
    return any(w in rules.NEGATIONS or w.endswith("n't") or w == "cannot"
               for w in words[-window:])


def reference_quoted_spans(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in re.finditer(r'"[^"\n]+"', text)]
    i = 0
    while i < len(text):
        if text[i] == "'" and (i == 0 or not text[i - 1].isalnum()) and i + 1 < len(text) \
                and not text[i + 1].isspace():
            j = i + 1
            while j < len(text):
                if text[j] == "'" and not text[j - 1].isspace() and (
                    j + 1 == len(text) or not text[j + 1].isalnum()
                ):
                    break
                if text[j] == "\n":
                    j = len(text)
                    break
                j += 1
            if j < len(text):
                spans.append((i, j + 1))
                i = j + 1
                continue
        i += 1
    return sorted(spans)


# Words and marks the analysis reacts to: people, negations, clause and sentence breaks,
# placeholders, brackets, quotes and apostrophes, names before a verb.
PIECES = [
    "i", "I'm", "me", "my", "he", "she", "they", "client", "Dan said", "Sam is", "not",
    "never", "can't", "cannot", "but", "butter", "angry", "want to die", "kill myself",
    "suicidal", "right now", "knife", "[NAME-1]", "[a, b]", "[", "]", "'", "\"", ",", ".",
    ";", ":", "!", "?", "\n", " ", "  ", "-", "don't", "it's", "'quoted'", "x'y", "İ",
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map(" ".join) | st.text(max_size=120)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_owner_and_negation_agree_with_the_scan_at_every_position(text):
    analysed = safety.analyse(text)
    for start in range(len(analysed.text) + 1):
        assert analysed.owner(start) == reference_owner(analysed, start), start
        assert analysed.owner(start, None) == reference_owner(analysed, start, None), start
        assert analysed.negated(start) == reference_negated(analysed, start), start
        assert analysed.negated(start, 1) == reference_negated(analysed, start, 1), start


@settings(max_examples=400, deadline=None)
@given(texts)
def test_quoted_passages_are_the_same(text):
    lowered = safety.analyse(text).text
    assert rules._quoted_spans(lowered) == reference_quoted_spans(lowered)


def test_the_lower_case_fast_path_keeps_letters_whose_lower_case_is_longer():
    assert safety.analyse("İ want to die").text == "İ want to die"
    assert safety.analyse("He SAID No").text == "he said no"


@pytest.mark.parametrize("side", ["crisis", "not_crisis"])
def test_every_regression_case_gets_the_same_decision_as_the_scan(side, monkeypatch):
    fast = [safety.check(t) for t in CASES[side]]
    monkeypatch.setattr(rules.Analysed, "owner", reference_owner)
    monkeypatch.setattr(rules.Analysed, "negated", reference_negated)
    monkeypatch.setattr(rules, "_quoted_spans", reference_quoted_spans)
    assert fast == [safety.check(t) for t in CASES[side]]


class _Counting:
    """A compiled pattern that adds up how many characters its scans were given."""

    def __init__(self, pattern: re.Pattern[str], tally: list[int]) -> None:
        self.pattern, self.tally = pattern, tally

    def finditer(self, text, pos=0, endpos=None):
        self.tally[0] += (len(text) if endpos is None else min(endpos, len(text))) - pos
        return self.pattern.finditer(text, pos, len(text) if endpos is None else endpos)

    def __getattr__(self, name):
        return getattr(self.pattern, name)


def test_the_analysis_reads_a_long_message_a_bounded_number_of_times(monkeypatch):
    """A long story with many phrases to attribute: the characters scanned stay within a
    small multiple of its length (the old scan per phrase read it thousands of times)."""
    story = ("He said he felt let down by everyone, but I wasn't angry. I felt scared and "
             "tired; my client was furious, not calm, and I want to be honest: I froze. ")
    text = story * 300  # about 43,000 characters, 1,800 phrases to attribute
    tally = [0]
    for name in ("_TOKEN", "_SENTENCE_BREAK", "_CLAUSE_BREAK"):
        monkeypatch.setattr(rules, name, _Counting(getattr(rules, name), tally))
    analysed = safety.analyse(text)
    for m in re.finditer(r"\b(?:felt|angry|scared|tired|furious|calm|froze)\b", analysed.text):
        analysed.owner(m.start())
        analysed.negated(m.start())
    assert tally[0] <= 10 * len(text)


def test_feelings_are_found_as_the_scans_found_them(monkeypatch):
    """own_feelings (reply/understand.py) attributes feelings with the same analysis, and now
    skips cues that do not occur at all: every labelled story gets the same feelings."""
    from reflect_bot.cues import cue_regex
    from reflect_bot.evaluation import load_stories
    from reflect_bot.prompts import load_prompts
    from reflect_bot.reply.understand import _FIRST_PERSON, own_feelings

    sets = load_prompts().replies.feelings

    def reference(text: str) -> list[str]:
        a = safety.analyse(text)
        counts = []
        for order, cue_set in enumerate(sets):
            n = sum(
                1 for cue in cue_set.cues for m in cue_regex(cue).finditer(a.text)
                if not reference_negated(a, m.start())
                and (_FIRST_PERSON.search(cue) or reference_owner(a, m.start()) == "self")
            )
            if n:
                counts.append((-n, order, cue_set.id))
        return [cid for _, _, cid in sorted(counts)]

    messages = [s.message for f in sorted((TESTS_DIR / "stories").glob("*.yaml"))
                for s in load_stories(f)]
    assert len(messages) > 250
    found = [own_feelings(m, sets) for m in messages]
    assert any(found)
    assert found == [reference(m) for m in messages]
