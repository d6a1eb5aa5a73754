"""reflect_bot.redact: the case corpus, placeholders and numbering, lines, the user's own
list, check digits, and properties that must hold for any text (hypothesis).

The corpus is tests/redact_cases.yaml; `score()` and `format_table()` here also feed
bench/redact_bench.py, which prints precision and recall per category.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflect_bot.errors import UsageError
from reflect_bot.redact import (
    PLACEHOLDER_RE,
    TYPES,
    USER_NAMES_FILE,
    Redaction,
    Span,
    load_names_file,
    nhs_check_ok,
    ni_prefix_ok,
    pnc_check_letter,
    redact,
    user_names,
)

CASES_FILE = Path(__file__).with_name("redact_cases.yaml")
BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


# ---- the corpus -----------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    text: str
    expect: tuple[tuple[str, str], ...]
    names: tuple[str, ...] = ()


def _fill(text: str) -> str:
    """Session dates in the corpus stay recent: {year} is this year, {last_year} the last."""
    year = date.today().year
    return text.replace("{year}", str(year)).replace("{last_year}", str(year - 1))


def load_cases(path: Path = CASES_FILE) -> tuple[list[Case], list[str]]:
    """The positive cases and the texts that must come back unchanged."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    positive = [
        Case(
            _fill(c["text"]),
            tuple((t, str(v)) for t, v in c["expect"]),
            tuple(c.get("names", ())),
        )
        for c in data["positive"]
    ]
    return positive, [_fill(t) for t in data["unchanged"]]


def occurrences(text: str, value: str) -> list[tuple[int, int]]:
    out, start = [], 0
    while (i := text.find(value, start)) >= 0:
        out.append((i, i + len(value)))
        start = i + 1
    return out


def _wanted(case: Case) -> list[tuple[str, int, int]]:
    return [(t, s, e) for t, v in case.expect for s, e in occurrences(case.text, v)]


def _covered(spans: tuple[Span, ...], type_: str, start: int, end: int) -> bool:
    return any(sp.type == type_ and sp.start <= start and end <= sp.end for sp in spans)


def _stray(spans: tuple[Span, ...], wanted: list[tuple[str, int, int]]) -> list[Span]:
    return [
        sp
        for sp in spans
        if not any(t == sp.type and s < sp.end and sp.start < e for t, s, e in wanted)
    ]


def score(positive: list[Case], unchanged: list[str]) -> dict[str, Counter]:
    """Per type: tp (expected and found), fn (expected, missed), fp (a span of that type
    that covers nothing expected, in a positive text or a text that must stay unchanged)."""
    stats: dict[str, Counter] = {t: Counter() for t in TYPES}
    for case in positive:
        spans = redact(case.text, case.names).spans
        wanted = _wanted(case)
        for t, s, e in wanted:
            stats[t]["tp" if _covered(spans, t, s, e) else "fn"] += 1
        for sp in _stray(spans, wanted):
            stats[sp.type]["fp"] += 1
    for text in unchanged:
        for sp in redact(text).spans:
            stats[sp.type]["fp"] += 1
    return stats


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def format_table(stats: dict[str, Counter]) -> str:
    head = f"{'type':<10} {'expected':>8} {'found':>6} {'false+':>6} {'precision':>9} {'recall':>7}"
    rows = [head]
    total: Counter = Counter()
    for t in [*TYPES, "all"]:
        c = total if t == "all" else stats[t]
        if t != "all":
            total.update(c)
        exp = c["tp"] + c["fn"]
        p, r = _ratio(c["tp"], c["tp"] + c["fp"]), _ratio(c["tp"], exp)
        fmt = lambda x: "-" if x is None else f"{x:.3f}"  # noqa: E731
        rows.append(f"{t:<10} {exp:>8} {c['tp']:>6} {c['fp']:>6} {fmt(p):>9} {fmt(r):>7}")
    return "\n".join(rows)


POSITIVE, UNCHANGED = load_cases()


@pytest.fixture(autouse=True)
def _own_config_dir(tmp_path, monkeypatch):
    """Never read the real user's redaction list."""
    monkeypatch.setenv("REFLECT_BOT_CONFIG_DIR", str(tmp_path / "config"))


def test_corpus_is_big_enough_and_covers_every_type():
    assert len(POSITIVE) >= 80
    assert len(UNCHANGED) >= 40
    per_type = Counter(t for case in POSITIVE for t, _ in case.expect)
    assert set(per_type) == set(TYPES)
    assert min(per_type.values()) >= 8, per_type


@pytest.mark.parametrize("case", POSITIVE, ids=[c.text[:40] for c in POSITIVE])
def test_positive_case(case: Case):
    result = redact(case.text, case.names)
    wanted = _wanted(case)
    assert wanted, f"an expected value is not in the text: {case.expect}"
    missed = [(t, case.text[s:e]) for t, s, e in wanted if not _covered(result.spans, t, s, e)]
    assert not missed, f"not redacted: {missed} -> {result.text!r}"
    stray = [(sp.type, case.text[sp.start : sp.end]) for sp in _stray(result.spans, wanted)]
    assert not stray, f"redacted but not expected: {stray} -> {result.text!r}"
    for _, value in case.expect:
        if len(value) > 2:
            assert value not in result.text


@pytest.mark.parametrize("text", UNCHANGED, ids=[t[:40] for t in UNCHANGED])
def test_unchanged_text(text: str):
    result = redact(text)
    assert result.text == text
    assert result.spans == ()


def test_precision_and_recall_per_category(capsys):
    stats = score(POSITIVE, UNCHANGED)
    with capsys.disabled():
        print("\n" + format_table(stats))
    for t in TYPES:
        c = stats[t]
        assert c["tp"] / (c["tp"] + c["fn"]) >= 0.95, (t, c)
        assert c["tp"] / (c["tp"] + c["fp"]) >= 0.95, (t, c)


# ---- the practitioner's example, placeholders and numbering ---------------------------


def test_reflection_reads_with_every_identifier_replaced():
    text = (
        "Met Mr Jones (CRN D412873) at 14 Elm Road, LS6 2AB; his mum Sarah Jones rang from "
        "07700 900123. He was born 3 March 1985. We talked about Gibbs' cycle for 45 "
        "minutes; he scored 6 on the ACE questionnaire."
    )
    assert redact(text).text == (
        "Met Mr [NAME-1] (CRN [CRN-1]) at [ADDRESS-1], [POSTCODE-1]; his mum [NAME-2] rang "
        "from [PHONE-1]. He was born [DOB-1]. We talked about Gibbs' cycle for 45 minutes; "
        "he scored 6 on the ACE questionnaire."
    )


def test_same_person_same_number_and_possessives_stay_outside():
    text = "Kyle missed the appointment; Kyle's sister Kayleigh called."
    assert redact(text).text == (
        "[NAME-1] missed the appointment; [NAME-1]'s sister [NAME-2] called."
    )


def test_surname_alone_after_a_full_mention_gets_the_same_number():
    text = "Jones was late. Mr Jones said the bus never came, and Jones's mum agreed."
    assert redact(text).text == (
        "[NAME-1] was late. Mr [NAME-1] said the bus never came, and [NAME-1]'s mum agreed."
    )


def test_first_name_then_full_name_is_one_person():
    assert redact("Sarah rang. Later Sarah Jones came in.").text == (
        "[NAME-1] rang. Later [NAME-1] came in."
    )


def test_one_number_written_two_ways_is_one_placeholder():
    result = redact("Rang 07700 900123, then +44 7700 900123, then 07700 900999.")
    assert result.text == "Rang [PHONE-1], then [PHONE-1], then [PHONE-2]."


def test_numbering_continues_after_placeholders_already_there():
    result = redact("[NAME-3] met Sarah Jones; [PHONE-1] is old, 07700 900123 is new.")
    assert result.text == "[NAME-3] met [NAME-4]; [PHONE-1] is old, [PHONE-2] is new."


def test_spans_are_offsets_into_the_original_text():
    text = "Kyle Smith (D412873) rang 07700 900123 from 14 Elm Road."
    result = redact(text)
    assert [(text[s.start : s.end], s.type, s.placeholder) for s in result.spans] == [
        ("Kyle Smith", "NAME", "[NAME-1]"),
        ("D412873", "CRN", "[CRN-1]"),
        ("07700 900123", "PHONE", "[PHONE-1]"),
        ("14 Elm Road", "ADDRESS", "[ADDRESS-1]"),
    ]
    assert isinstance(result, Redaction)


def test_spans_from_a_second_look_still_point_into_the_original():
    # "Mr Jones" first; the later bare "Jones" is found by spreading the name.
    text = "Jones.\nMr Jones\nJones"
    result = redact(text)
    assert [text[s.start : s.end] for s in result.spans] == ["Jones", "Jones", "Jones"]
    assert _rebuild(text, result.spans) == result.text


# ---- lines ----------------------------------------------------------------------------


@pytest.mark.parametrize("sep", ["\n", "\r\n", "\r", "\u2028", "\x0b", "\x85"])
def test_line_breaks_are_never_swallowed(sep: str):
    text = sep.join(["Sarah", "Jones rang 07700", "900123 today", "", "Mr", "Jones"])
    result = redact(text)
    assert len(result.text.splitlines()) == len(text.splitlines())
    assert result.text.count(sep) == text.count(sep)
    for s in result.spans:
        assert not any(ch in BREAKS for ch in text[s.start : s.end])


def test_a_name_split_over_two_lines_is_two_mentions():
    # "Mr" at the end of one line does not reach over the break.
    assert redact("Sarah\nJones").text == "[NAME-1]\nJones"


# ---- recall over validity -------------------------------------------------------------


def test_pnc_with_a_wrong_check_letter_is_still_redacted():
    right = pnc_check_letter("98", "123456")
    wrong = next(ch for ch in "ABCDEFGH" if ch != right)
    assert redact(f"PNC 98/123456{wrong}").text == "PNC [PNC-1]"
    assert redact(f"seen at 98/123456{wrong} before").text == "seen at [PNC-1] before"


def test_pnc_check_letter_raises_confidence_only_for_a_doubtful_shape():
    # "24/7 a day" has the shape of a short PNC ID with a spaced letter: left alone...
    assert redact("24/7 a day").text == "24/7 a day"
    # ...unless the check letter is right.
    letter = pnc_check_letter("24", "7")
    assert redact(f"24/7 {letter}").text == "[PNC-1]"


def test_nhs_number_failing_its_check_digit_is_redacted_with_context():
    assert not nhs_check_ok("9434765918")
    assert redact("NHS number 943 476 5918").text == "NHS number [NHS-1]"
    assert redact("nhs no: 9434765918").text == "nhs no: [NHS-1]"


def test_bare_nhs_shaped_run_needs_its_check_digit():
    assert redact("ref 9434765919 on the letter").text == "ref [NHS-1] on the letter"
    assert redact("ref 9434765918 on the letter").text == "ref 9434765918 on the letter"
    assert redact("ref 943 476 5918 on the letter").text == "ref [NHS-1] on the letter"


def test_drama_range_and_unallocated_phone_numbers_are_redacted():
    for number in ("07700 900123", "01632 960 001", "020 7946 0999", "+44 7700 900 456"):
        assert redact(f"call {number} now").text == "call [PHONE-1] now", number


def test_ni_prefix_rules_apply_only_without_context():
    assert not ni_prefix_ok("QQ")
    assert redact("QQ123456C").text == "QQ123456C"
    assert redact("NI number QQ123456C").text == "NI number [NI-1]"
    assert redact("AB123456C").text == "[NI-1]"
    assert redact("AB123456E").text == "AB123456E"  # suffix outside A-D, no context


def test_outward_postcode_needs_address_context():
    assert redact("The M1 was closed.").text == "The M1 was closed."
    assert redact("He lives in M1 now.").text == "He lives in [POSTCODE-1] now."
    assert redact("Postcode: B12").text == "Postcode: [POSTCODE-1]"
    assert redact("14 Elm Road, Leeds, LS6").text == "[ADDRESS-1], Leeds, [POSTCODE-1]"


def test_dates_that_are_not_birth_dates_stay():
    this_year = date.today().year
    session = f"Saw him on 12/03/{this_year} and 4 June {this_year}."
    assert redact(session).text == session
    assert redact("Sentenced on 3 March 2015.").text == "Sentenced on 3 March 2015."
    assert redact("Born 3 March 2015.").text == "Born [DOB-1]."
    old = f"12/03/{this_year - 30}"
    assert redact(old).text == "[DOB-1]"


# ---- names: theorists, titles, the user's list ----------------------------------------


def test_theorists_stay_but_a_titled_person_of_the_same_name_does_not():
    assert redact("Gibbs' cycle and Kolb (1984)").text == "Gibbs' cycle and Kolb (1984)"
    assert redact("Mr Gibbs missed his appointment.").text == "Mr [NAME-1] missed his appointment."
    assert redact("Dr Felitti's study").text == "Dr Felitti's study"
    assert redact("Sarah Gibbs came in.").text == "[NAME-1] came in."
    assert redact("Graham Gibbs wrote it.").text == "Graham Gibbs wrote it."


def test_word_like_first_names_need_more_than_a_capital():
    assert redact("Will he manage?").text == "Will he manage?"
    assert redact("I told Will the news.").text == "I told [NAME-1] the news."
    assert redact("Will said he would.").text == "[NAME-1] said he would."
    assert redact("In May we met.").text == "In May we met."
    assert redact("May Thompson rang.").text == "[NAME-1] rang."
    assert redact("Her daughter Grace rang.").text == "Her daughter [NAME-1] rang."


def test_user_names_any_case_whole_words_and_possessives():
    text = "Zuzanna came; ZUZANNA's son and zuzanna's flat. Zuzannas is another word."
    result = redact(text, ["Zuzanna"])
    assert result.text == (
        "[NAME-1] came; [NAME-1]'s son and [NAME-1]'s flat. Zuzannas is another word."
    )


def test_user_names_win_over_the_allowlist():
    assert redact("Gibbs' mum rang.", ["gibbs"]).text == "[NAME-1]' mum rang."


def test_user_full_name_spreads_only_to_capitalised_parts():
    text = "Will Smith came. He will be fine, Smith said."
    assert redact(text, ["Will Smith"]).text == "[NAME-1] came. He will be fine, [NAME-1] said."


def test_names_given_as_one_string_are_one_name():
    assert redact("Bartek rang", "Bartek").text == "[NAME-1] rang"


def test_redact_refuses_what_is_not_text():
    with pytest.raises(TypeError):
        redact(b"Mr Jones")  # type: ignore[arg-type]


def test_load_names_file_skips_comments_and_blanks(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("# people to redact\nZuzanna\n\n  Marek   Nowak  # his dad\n", "utf-8")
    assert load_names_file(path) == ["Zuzanna", "Marek Nowak"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: None, "not found"),
        (lambda p: p.mkdir(), "folder"),
        (lambda p: p.write_bytes(b"\xff\xfe\x00bad"), "UTF-8"),
    ],
)
def test_load_names_file_errors_name_the_file(tmp_path, setup, message):
    path = tmp_path / "names.txt"
    setup(path)
    with pytest.raises(UsageError) as err:
        load_names_file(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_user_names_come_from_the_config_dir(tmp_path, monkeypatch):
    config = tmp_path / "conf"
    monkeypatch.setenv("REFLECT_BOT_CONFIG_DIR", str(config))
    assert user_names() == []
    config.mkdir()
    (config / USER_NAMES_FILE).write_text("Zuzanna\n# comment\n", "utf-8")
    assert user_names() == ["Zuzanna"]


# ---- check digits ---------------------------------------------------------------------


def test_nhs_check_digit():
    assert nhs_check_ok("9434765919")
    assert not nhs_check_ok("9434765918")
    assert not nhs_check_ok("943476591")
    # A remainder that would need a check digit of 10 is never issued.
    ten = next(
        f"{n:09d}"
        for n in range(100000000, 100001000)
        if 11 - sum(int(d) * (10 - i) for i, d in enumerate(f"{n:09d}")) % 11 == 10
    )
    assert not any(nhs_check_ok(ten + str(d)) for d in range(10))


def test_pnc_check_letter():
    # Two-digit year + serial padded to seven digits, mod 23, into the 23 letters
    # without I, O and S; a four-digit year uses its last two digits.
    letters = "ZABCDEFGHJKLMNPQRTUVWXY"
    assert pnc_check_letter("98", "123456") == letters[980123456 % 23]
    assert pnc_check_letter("1998", "123456") == pnc_check_letter("98", "123456")
    assert pnc_check_letter("01", "12") == letters[10000012 % 23]


def test_ni_prefix_rules():
    assert ni_prefix_ok("AB") and ni_prefix_ok("jm")
    for bad in ("DA", "FA", "IA", "QA", "UA", "VA", "AD", "AO", "GB", "BG", "NK", "KN", "TN",
                "NT", "ZZ"):
        assert not ni_prefix_ok(bad), bad


# ---- properties for any text ----------------------------------------------------------


def _rebuild(original: str, spans: tuple[Span, ...]) -> str:
    out, pos = [], 0
    for s in spans:
        out += [original[pos : s.start], s.placeholder]
        pos = s.end
    return "".join(out) + original[pos:]


def _check_properties(text: str, names: tuple[str, ...] = ()) -> None:
    result = redact(text, names)
    out = result.text
    # The same lines, in the same places.
    assert len(out.splitlines()) == len(text.splitlines())
    assert [ch for ch in out if ch in BREAKS] == [ch for ch in text if ch in BREAKS]
    # Spans: in order, apart, inside the text, never over a line break; the placeholders
    # are typed and numbered, and putting them in gives the redacted text.
    pos = 0
    for s in result.spans:
        assert pos <= s.start < s.end <= len(text)
        pos = s.end
        assert s.type in TYPES
        assert re.fullmatch(rf"\[{s.type}-[1-9][0-9]*\]", s.placeholder)
        assert not any(ch in BREAKS for ch in text[s.start : s.end])
    assert _rebuild(text, result.spans) == out
    # Placeholders already there are never touched: no span reaches into one, and the
    # output holds exactly those plus one per span (none grows inside another).
    before = [(m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text)]
    for s in result.spans:
        assert not any(a < s.end and s.start < b for a, b in before)
    assert len(PLACEHOLDER_RE.findall(out)) == len(before) + len(result.spans)
    # Idempotent.
    again = redact(out, names)
    assert again.text == out
    assert again.spans == ()


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_unicode_text(text):
    _check_properties(text)


FRAGMENTS = [
    "Mr", "Mrs", "Dr", "Ms", "Sarah", "Jones", "Kyle", "Smith", "Will", "May", "Gibbs",
    "Kolb's", "O'Brien", "sister", "mum", "called", "born", "DOB", "NHS", "CRN", "PNC",
    "lives in", "postcode", "D412873", "98/123456G", "A1234BC", "AB123456C", "943 476 5919",
    "9434765919", "07700 900123", "+44", "0113", "496", "0000", "LS6 2AB", "M1", "14",
    "Elm", "Road", "12/03/1985", "3", "March", "1985", "kyle@example.com", "[NAME-1]",
    "[PHONE-2]", "[NAME-", "]", "[", "-", "'s", "’s", ",", ".", "(", ")", "/", ":", " ",
    " ", " ", "\n", "\r\n", "\u2028", "\t", "é", "Zoë", "ß", "İ", "\u0301", "٣",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.lists(st.sampled_from(["Sarah", "jones", "Will Smith", "Gibbs", "NAME", "x"]), max_size=2),
)
def test_identifier_like_text(text, names):
    _check_properties(text, tuple(names))


@pytest.mark.parametrize("case", POSITIVE[:40], ids=[c.text[:40] for c in POSITIVE[:40]])
def test_corpus_cases_are_idempotent(case: Case):
    _check_properties(case.text, case.names)
