"""Identifiers of people on probation -> typed, numbered placeholders.

Why this exists: a reflection is criminal-offence and health data about third parties, so
nothing identifying may reach disk, an export or a projected screen. `redact()` replaces
each identifier with a placeholder such as ``[NAME-1]`` or ``[CRN-1]``, numbered per text,
so the reflection still reads ("[NAME-1] missed the appointment; [NAME-1]'s sister [NAME-2]
called").

How it decides, and why:
- Recall first. Identifiers are recognised by their *shape*, not their validity: a PNC ID
  with a mistyped check letter, a phone number in the drama range (07700 900xxx) or an
  NHS-shaped number next to the word "NHS" that fails its check digit is still redacted.
  Check digits (PNC mod-23, NHS mod-11) and the NI prefix rules are only used to *raise*
  confidence for a bare number with no context, never to let a context-backed one through.
- Context words ("NHS", "born", "CRN", "lives in", "his mum") widen what is caught.
- Names come from titles (Mr, Mrs, Ms, Miss, Mx, Dr), a bundled list of first names
  followed by a capitalised surname, "Word Surname" with a bundled surname list, name
  particles ("Ní Bhriain", "ap Gruffydd"), two capitalised words that are no English word
  ("Nicu Lăcătuș"), and the user's own list. Case notes are typed in lower case, so
  context.py also reads a name from what surrounds it: "his son kyle", "met with oluwaseun
  adeyemi", "calls him Chuks", "kyle said". Once a name is found, every other capitalised
  mention of it, possessives included, gets the same placeholder.
- Addresses: a house number and a street; or, without a number (streets.py), a named
  street after "on", "at", "off"..., Welsh streets ("Heol y Coed"), flats and house names.
- Precision is protected by bundled lists (reflect_bot/data/): theorists and models
  (Gibbs, Kolb, Schön, ...), organisations and places are never taken for names, and a
  word in the English word list (english_words.txt) is never a name by context alone, so
  "his son will be there" and "we hope he will pay the bill in May" stay as they are.
- Long texts are read in pieces of whole lines (pieces.py), so time and memory grow in
  step with the text.
- Placeholders already in the text are never touched, new numbers continue after the
  highest one present, and detection repeats until nothing new is found, so redacting
  redacted text changes nothing. A placeholder never contains or swallows a line break.

No heavy imports: the standard library, plus ``phonenumbers`` imported lazily and only for
text with a long run of digits, so `reflect-bot redact` starts at once.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reflect_bot.config import config_dir
from reflect_bot.errors import UsageError
from reflect_bot.redact import pieces as _pieces
from reflect_bot.redact.context import acronym, context_names, lexicon
from reflect_bot.redact.streets import find_streets, street_after
from reflect_bot.redact.tokens import _BREAK_RE, _joined, _Tok, _tokens
from reflect_bot.redact.words import (
    _ACADEMIC_TITLES,
    _CALLED_AFTER,
    _NOT_SURNAME_SUFFIXES,
    _PERSON_VERBS,
    _PLACE_PREFIXES,
    _RELATIONS,
    _SHORT_TITLES,
    _STOPWORDS,
    _STREET_SUFFIXES,
    _TITLES,
    LEADING_PARTICLES,
    PARTICLES,
    _phrase_pattern,
    _Vocab,
    _vocab,
)

__all__ = [
    "TYPES",
    "PLACEHOLDER_RE",
    "Span",
    "Redaction",
    "redact",
    "load_names_file",
    "user_names",
    "USER_NAMES_FILE",
    "nhs_check_ok",
    "ni_prefix_ok",
    "pnc_check_letter",
]

TYPES: tuple[str, ...] = (
    "CRN",
    "PNC",
    "PRISON_NO",
    "NI",
    "NHS",
    "PHONE",
    "EMAIL",
    "POSTCODE",
    "DOB",
    "ADDRESS",
    "NAME",
)

#: A placeholder as written by `redact` (also recognised in input, and left alone).
PLACEHOLDER_RE = re.compile(r"\[(" + "|".join(TYPES) + r")-([0-9]+)\]")

#: The user's own redaction list, one name a line, inside `config_dir()`.
USER_NAMES_FILE = "redact-names.txt"


# When two candidates overlap, the more specific kind wins (then the longer one).
_PRIORITY = {
    "EMAIL": 100,
    "CRN": 90,
    "PNC": 90,
    "PRISON_NO": 90,
    "NI": 90,
    "NHS": 85,
    "POSTCODE": 80,
    "DOB": 75,
    "PHONE": 70,
    "ADDRESS": 60,
    "NAME": 50,
}


@dataclass(frozen=True)
class Span:
    """One redacted identifier: offsets into the ORIGINAL text, its type and placeholder."""

    start: int
    end: int
    type: str
    placeholder: str


@dataclass(frozen=True)
class Redaction:
    """The redacted text and the spans that were replaced, in text order."""

    text: str
    spans: tuple[Span, ...]


# --------------------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------------------


@dataclass
class _Cand:
    start: int
    end: int
    type: str
    key: str  # what makes two mentions "the same" (numbering)
    tokens: tuple[str, ...] = ()  # NAME only: lower-case name words, initials left out
    spread: tuple[str, ...] = ()  # NAME only: words whose other mentions get redacted too
    user: bool = False  # NAME from the user's own list: the allowlist yields to it
    rule: str = ""  # NAME only: which rule found it (titles outrank citations)


def _horizontal_prefix(text: str, pos: int, width: int) -> str:
    """Up to `width` characters before `pos`, stopping at a line break."""
    chunk = text[max(0, pos - width) : pos]
    cut = max((m.end() for m in _BREAK_RE.finditer(chunk)), default=0)
    return chunk[cut:]


def _horizontal_suffix(text: str, pos: int, width: int) -> str:
    chunk = text[pos : pos + width]
    m = _BREAK_RE.search(chunk)
    return chunk[: m.start()] if m else chunk


def _alnum(s: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", s).upper()


# ---- case reference numbers (nDelius CRN) -------------------------------------------

_CRN_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][0-9]{6}(?![A-Za-z0-9])")
_CRN_CTX_RE = re.compile(
    r"\bCRN\b[ \t]*(?:no\.?|number|ref(?:erence)?)?[ \t]*[:#\-]?[ \t]*"
    r"([A-Za-z][ \t\-]?[0-9]{3}[ \t\-]?[0-9]{3})(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def _find_crn(text: str) -> list[_Cand]:
    out = [_Cand(m.start(), m.end(), "CRN", _alnum(m.group())) for m in _CRN_RE.finditer(text)]
    for m in _CRN_CTX_RE.finditer(text):
        out.append(_Cand(m.start(1), m.end(1), "CRN", _alnum(m.group(1))))
    return out


# ---- Police National Computer IDs ---------------------------------------------------

_PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"  # I, O and S are never used
_PNC_RE = re.compile(
    r"(?<![A-Za-z0-9/])([0-9]{4}|[0-9]{2})/([0-9]{1,7})([ \t]?)([A-Za-z])(?![A-Za-z0-9/])"
)
_PNC_CTX_RE = re.compile(
    r"\bPNC\b(?:[ \t]+(?:id|no|number|ref))?\.?[ \t]*[:#\-]?[ \t]*"
    r"(([0-9]{4}|[0-9]{2})[ \t/\-]?([0-9]{1,7})[ \t]?([A-Za-z]))(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def pnc_check_letter(year: str, serial: str) -> str:
    """The PNC check letter: (two-digit year + serial padded to 7 digits) mod 23."""
    return _PNC_LETTERS[int(year[-2:] + serial.zfill(7)) % 23]


def _pnc_key(year: str, serial: str, letter: str) -> str:
    return f"{year[-2:]}/{int(serial)}{letter.upper()}"


def _find_pnc(text: str) -> list[_Cand]:
    out = []
    for m in _PNC_RE.finditer(text):
        year, serial, space, letter = m.groups()
        # "24/7 a day" has the shape of a PNC ID with a space before the letter: accept
        # the spaced form only when the serial is long or the check letter is right.
        if space and len(serial) < 5 and pnc_check_letter(year, serial) != letter.upper():
            continue
        out.append(_Cand(m.start(), m.end(), "PNC", _pnc_key(year, serial, letter)))
    for m in _PNC_CTX_RE.finditer(text):
        _, year, serial, letter = m.groups()
        out.append(_Cand(m.start(1), m.end(1), "PNC", _pnc_key(year, serial, letter)))
    return out


# ---- prison numbers -----------------------------------------------------------------

_PRISON_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][0-9]{4}[A-Za-z]{2}(?![A-Za-z0-9])")
_PRISON_CTX_RE = re.compile(
    r"(?:\bprison(?:er)?[ \t]+(?:no|num|number)\b|\bNOMS\b|\bNOMIS\b"
    r"|\bbooking[ \t]+(?:no|number)\b)"
    r"\.?[ \t]*[:#\-]?[ \t]*([A-Za-z][ \t]?[0-9]{4}[ \t]?[A-Za-z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def _find_prison(text: str) -> list[_Cand]:
    out = [
        _Cand(m.start(), m.end(), "PRISON_NO", _alnum(m.group()))
        for m in _PRISON_RE.finditer(text)
    ]
    for m in _PRISON_CTX_RE.finditer(text):
        out.append(_Cand(m.start(1), m.end(1), "PRISON_NO", _alnum(m.group(1))))
    return out


# ---- National Insurance numbers -----------------------------------------------------

_NI_RE = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{2})([ \t]?)([0-9]{2})[ \t]?([0-9]{2})[ \t]?([0-9]{2})"
    r"(?:[ \t]?([A-Za-z]))?(?![A-Za-z0-9])"
)
_NI_CTX_RE = re.compile(
    r"(?:\bN\.?I\.?(?:N\.?O\.?)?\b|\bNINO\b|\bnational[ \t]+insurance\b|\bNI[ \t]*(?:no|number)\b)"
    r"[^0-9]{0,25}$"
)
_NI_CTX_CI_RE = re.compile(r"(?:\bnational[ \t]+insurance\b|\bnino\b)[^0-9]{0,25}$", re.I)
_NI_BAD_FIRST = set("DFIQUV")
_NI_BAD_SECOND = set("DFIOQUV")
_NI_BAD_PREFIX = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def ni_prefix_ok(prefix: str) -> bool:
    """HMRC's published rules for the two prefix letters of a National Insurance number."""
    p = prefix.upper()
    return (
        len(p) == 2
        and p[0] not in _NI_BAD_FIRST
        and p[1] not in _NI_BAD_SECOND
        and p not in _NI_BAD_PREFIX
    )


def _find_ni(text: str) -> list[_Cand]:
    out = []
    for m in _NI_RE.finditer(text):
        prefix, space, _, _, _, suffix = m.groups()
        before = _horizontal_prefix(text, m.start(), 45)
        context = bool(_NI_CTX_RE.search(before) or _NI_CTX_CI_RE.search(before))
        valid = ni_prefix_ok(prefix) and suffix is not None and suffix.upper() in "ABCD"
        # Without context: the published prefix rules and an A-D suffix, and a spaced
        # form only in capitals ("is 12 34 56 a" is words, "AB 12 34 56 C" is not).
        if not context:
            if not valid:
                continue
            if " " in m.group() or "\t" in m.group():
                if not m.group().isupper():
                    continue
        out.append(_Cand(m.start(), m.end(), "NI", _alnum(m.group())))
    return out


# ---- NHS numbers --------------------------------------------------------------------

_NHS_RE = re.compile(
    r"(?<![0-9A-Za-z])([0-9]{3})([ \t\-]?)([0-9]{3})([ \t\-]?)([0-9]{4})(?![0-9A-Za-z])"
)
_NHS_CTX_RE = re.compile(r"\bNHS\b[^0-9]{0,25}$", re.IGNORECASE)
_NHS_AFTER_RE = re.compile(r"^[ \t]*[(\[]?[ \t]*NHS\b", re.IGNORECASE)


def nhs_check_ok(digits: str) -> bool:
    """The NHS number modulus-11 check digit (weights 10..2; 10 means 'never issued')."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _find_nhs(text: str) -> list[_Cand]:
    out = []
    for m in _NHS_RE.finditer(text):
        digits = m.group(1) + m.group(3) + m.group(5)
        context = bool(
            _NHS_CTX_RE.search(_horizontal_prefix(text, m.start(), 45))
            or _NHS_AFTER_RE.search(_horizontal_suffix(text, m.end(), 12))
        )
        spaced = bool(m.group(2)) and bool(m.group(4))
        if not context:
            if digits.startswith("0"):
                continue  # a 0... number is a phone number, left to the phone rules
            # Bare: written 3-3-4 like an NHS number, or a run with a valid check digit.
            if not spaced and not nhs_check_ok(digits):
                continue
        out.append(_Cand(m.start(), m.end(), "NHS", digits))
    return out


# ---- phone numbers ------------------------------------------------------------------

# A run of digit groups, optionally parenthesised, separated by a space, hyphen or dot.
_PHONE_RUN_RE = re.compile(
    r"(?<![\w+/.\-])(?:\+|\(\+?)?[0-9]+\)?(?:(?:[ \t]{1,2}|[ \t]?[\-.][ \t]?)?\(?[0-9]+\)?)*"
)
_DIGITS_RE = re.compile(r"[0-9]+")
_PHONE_CTX_RE = re.compile(
    r"\b(?:tel|telephone|phone|mobile|mob|landline|number|no|contact|whatsapp|text|texted|"
    r"ring|rang|call|called)\b[.:#]?[^0-9A-Za-z]{0,4}(?:(?:on|from|is)[ \t]+)?$",
    re.IGNORECASE,
)


def _phone_ok(digits: str, plus: bool, context: bool) -> bool:
    n = len(digits)
    if plus or digits.startswith("00"):
        body = digits if plus else digits[2:]
        if body.startswith("44"):
            nsn = body[2:]
            if nsn.startswith("0"):  # +44 (0)20 ...
                nsn = nsn[1:]
            return len(nsn) in (9, 10)
        return 8 <= len(body) <= 15
    if digits.startswith("0"):
        return n in (10, 11)
    return context and 6 <= n <= 11


def _phone_key(digits: str, plus: bool) -> str:
    """One spelling per number, so "+44 7700 900123" and "07700 900123" share a placeholder."""
    if not plus and not digits.startswith("00"):
        return digits
    body = digits if plus else digits[2:]
    if not body.startswith("44"):
        return "+" + body
    nsn = body[2:]
    return nsn if nsn.startswith("0") else "0" + nsn


def _find_phone(text: str) -> list[_Cand]:
    out: list[_Cand] = []
    for run in _PHONE_RUN_RE.finditer(text):
        groups = [(g.start() + run.start(), g.end() + run.start(), g.group())
                  for g in _DIGITS_RE.finditer(run.group())]
        i = 0
        while i < len(groups):
            g_start = groups[i][0]
            # Where the number starts: a '+' or '(' immediately before the first group.
            lead = g_start
            while lead > run.start() and text[lead - 1] in "+(":
                lead -= 1
            plus = "+" in text[lead:g_start]
            context = bool(_PHONE_CTX_RE.search(_horizontal_prefix(text, lead, 40)))
            best = None
            digits = ""
            for j in range(i, len(groups)):
                digits += groups[j][2]
                if len(digits) > 17:
                    break
                if _phone_ok(digits, plus, context):
                    best = (j, digits)
            if best is None:
                i += 1
                continue
            j, digits = best
            end = groups[j][1]
            if end < len(text) and text[end] == ")" and "(" in text[lead:end]:
                end += 1
            out.append(_Cand(lead, end, "PHONE", _phone_key(digits, plus)))
            i = j + 1
    out.extend(_find_phone_lib(text))
    return out


_LONG_DIGITS_RE = re.compile(r"[0-9](?:[ \t\-.()]?[0-9]){8}")


def _find_phone_lib(text: str) -> list[_Cand]:
    """Extra recall from libphonenumber's matcher, at a leniency that keeps unallocated
    ranges (POSSIBLE: the length is right, whether or not the range is in use).

    Only numbers written in national or international form count ('0...', '+...', '(0'),
    so scores, counts and the digits inside a CRN or a date never match.
    """
    if not _LONG_DIGITS_RE.search(text):
        return []
    try:
        import phonenumbers
    except ImportError:  # pragma: no cover - a declared dependency
        return []
    out = []
    try:
        matches = list(
            phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
        )
    except Exception:  # noqa: BLE001 - third-party parser on arbitrary text: never crash
        return []
    for m in matches:
        raw = m.raw_string
        if not raw or raw[0] not in "+0(" or "/" in raw or _BREAK_RE.search(raw):
            continue
        digits = re.sub(r"[^0-9]", "", raw)
        if len(digits) < 10:
            continue
        plus = raw.startswith("+") or raw.startswith("(+")
        out.append(_Cand(m.start, m.end, "PHONE", _phone_key(digits, plus)))
    return out


# ---- email --------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![\w.+\-'])[\w.+\-']*\w@\w[\w\-]*(?:\.[\w\-]+)*\.[A-Za-z]{2,}(?![\w\-])"
)


def _find_email(text: str) -> list[_Cand]:
    return [_Cand(m.start(), m.end(), "EMAIL", m.group().lower()) for m in _EMAIL_RE.finditer(text)]


# ---- postcodes ----------------------------------------------------------------------

_INWARD_LETTERS = "ABD-HJLNP-UW-Zabd-hjlnp-uw-z"  # never C, I, K, M, O or V
_POSTCODE_RE = re.compile(
    rf"(?<![A-Za-z0-9])([A-Za-z]{{1,2}}[0-9][A-Za-z0-9]?)[ \t]*([0-9][{_INWARD_LETTERS}]{{2}})"
    r"(?![A-Za-z0-9])"
)
_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_OUTWARD_CTX_RE = re.compile(
    r"\b(?:(?:lives?|living|lived|moved|moving|relocated|rehoused|staying|stays|stayed|"
    r"resides|residing|based|housed)[ \t]+(?:in|to|at|near|round)[ \t]+"
    r"(?:(?:the|a|an)[ \t]+)?(?:[A-Za-z][A-Za-z'’\-]+,?[ \t]+){0,3}?\(?"
    r"|post[ \t]?code[ \t]*(?:is|was|area|district)?[ \t]*[:\-]?[ \t]*)"
    rf"({_OUTWARD})(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def _find_postcode(text: str) -> list[_Cand]:
    out = []
    for m in _POSTCODE_RE.finditer(text):
        inward = m.group(2)
        if inward[1:].lower() in ("st", "nd", "rd", "th") and not inward.isupper():
            continue  # "a1 1st" is an ordinal, not a postcode
        out.append(_Cand(m.start(), m.end(), "POSTCODE", _alnum(m.group())))
    for m in _OUTWARD_CTX_RE.finditer(text):
        out.append(_Cand(m.start(1), m.end(1), "POSTCODE", _alnum(m.group(1))))
    return out


# ---- dates of birth -----------------------------------------------------------------

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_ORD = r"(?:st|nd|rd|th)?"
_NUM_DATE_RE = re.compile(
    r"(?<![0-9A-Za-z/.\-])([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})"
    r"(?![0-9A-Za-z]|[/\-][0-9]|\.[0-9])"
)
# Year first: 1985-07-22, 1979/12/01, 1988.03.04.
_ISO_DATE_RE = re.compile(
    r"(?<![0-9A-Za-z/.\-])([0-9]{4})([/.\-])([0-9]{1,2})\2([0-9]{1,2})"
    r"(?![0-9A-Za-z]|[/\-][0-9]|\.[0-9])"
)
# With spaces: "22 07 1985", only after a birth cue.
_SPACED_DATE_RE = re.compile(
    r"(?<![0-9A-Za-z])([0-9]{1,2})[ \t]+([0-9]{1,2})[ \t]+([0-9]{4}|[0-9]{2})(?![0-9A-Za-z])"
)
# The day in words: "born on the twenty-second of July 1985", only after a birth cue.
_DAY_WORDS = {
    w: n
    for n, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
        "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
        "twentieth".split(),
        start=1,
    )
}
for _n, _w in enumerate("first second third fourth fifth sixth seventh eighth ninth".split(), 1):
    _DAY_WORDS[f"twenty-{_w}"] = _DAY_WORDS[f"twenty {_w}"] = 20 + _n
_DAY_WORDS.update({"thirtieth": 30, "thirty-first": 31, "thirty first": 31})
_WORD_DATE_RE = re.compile(
    r"(?<![\w])(?:the[ \t]+)?((?:(?:twenty|thirty)[ \t\-]?)?[a-z]+)(?:[ \t]+of)?[ \t]+"
    r"([A-Za-z]{3,9})\b\.?(?:,?[ \t]+([0-9]{4}|'?[0-9]{2}))?(?![0-9])",
    re.IGNORECASE,
)
# Month and year only: "born in March 1985", only after a birth cue.
_MONTH_YEAR_RE = re.compile(r"(?<![\w])([A-Za-z]{3,9})\.?,?[ \t]+([0-9]{4})(?![0-9])")
_DMY_RE = re.compile(
    rf"(?<![\w])(?:the[ \t]+)?([0-9]{{1,2}}){_ORD}(?:[ \t]+of)?[ \t]*[ \t\-]([A-Za-z]{{3,9}})\b\.?"
    r"(?:,?[ \t\-]+([0-9]{4}|'?[0-9]{2}))?(?![0-9])",
    re.IGNORECASE,
)
_MDY_RE = re.compile(
    rf"(?<![\w])([A-Za-z]{{3,9}})\.?[ \t]+(?:the[ \t]+)?([0-9]{{1,2}}){_ORD}(?![0-9A-Za-z])"
    r"(?:,?[ \t]+([0-9]{4}))?(?![0-9])",
    re.IGNORECASE,
)
_BIRTH_BEFORE_RE = re.compile(
    r"(?:\bborn\b|\bbirth|\bd\.?[ \t]?o\.?[ \t]?b\b\.?|\bb-?day\b|(?<![\w])b\.)[^0-9]{0,25}$",
    re.IGNORECASE,
)
_BIRTH_AFTER_RE = re.compile(
    r"^[ \t]*[(\[,]?[ \t]*(?:d\.?o\.?b\b|date[ \t]+of[ \t]+birth|born|birthday)", re.IGNORECASE
)


def _valid_ymd(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _year4(y: str, this_year: int) -> int:
    if y.startswith("'"):
        y = y[1:]
    n = int(y)
    if len(y) == 2:
        n += 2000 if n <= this_year % 100 else 1900
    return n


def _find_dob(text: str) -> list[_Cand]:
    this_year = date.today().year
    out = []

    def birth_context(start: int, end: int) -> bool:
        return bool(
            _BIRTH_BEFORE_RE.search(_horizontal_prefix(text, start, 45))
            or _BIRTH_AFTER_RE.search(_horizontal_suffix(text, end, 20))
        )

    def old_enough(year: int) -> bool:
        # A full date ten or more years back is far more likely a birth date than the
        # date of a session, so it is redacted even without the word "born".
        return 1900 <= year <= this_year - 10

    for m in _NUM_DATE_RE.finditer(text):
        a, sep, b, y = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
        year = _year4(y, this_year)
        ok = [(year, b, a)] if _valid_ymd(year, b, a) else []
        if not ok and _valid_ymd(year, a, b):  # US order, 03/25/1985
            ok = [(year, a, b)]
        if not ok:
            continue
        ctx = birth_context(m.start(), m.end())
        if not ctx and not (old_enough(year) and (sep != "." or len(y) == 4)):
            continue
        yy, mm, dd = ok[0]
        out.append(_Cand(m.start(), m.end(), "DOB", f"{yy:04d}-{mm:02d}-{dd:02d}"))

    for m in _ISO_DATE_RE.finditer(text):
        year, month, day = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if not _valid_ymd(year, month, day):
            continue
        if not (birth_context(m.start(), m.end()) or old_enough(year)):
            continue
        out.append(_Cand(m.start(), m.end(), "DOB", f"{year:04d}-{month:02d}-{day:02d}"))

    for m in _SPACED_DATE_RE.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        year = _year4(m.group(3), this_year)
        if _valid_ymd(year, month, day) and birth_context(m.start(), m.end()):
            out.append(_Cand(m.start(), m.end(), "DOB", f"{year:04d}-{month:02d}-{day:02d}"))

    for m in _WORD_DATE_RE.finditer(text):
        day = _DAY_WORDS.get(" ".join(m.group(1).lower().split()))
        month = _MONTHS.get(m.group(2).lower())
        if day is None or month is None or not birth_context(m.start(), m.end()):
            continue
        y = m.group(3)
        year = f"{_year4(y, this_year):04d}" if y else "-"
        key = f"{year}-{month:02d}-{day:02d}"
        out.append(_Cand(m.start(), m.end(), "DOB", key))

    for m in _MONTH_YEAR_RE.finditer(text):
        month = _MONTHS.get(m.group(1).lower())
        if month and old_enough(int(m.group(2))) and birth_context(m.start(), m.end()):
            out.append(_Cand(m.start(), m.end(), "DOB", f"{int(m.group(2)):04d}-{month:02d}"))

    for rx, day_group, month_group in ((_DMY_RE, 1, 2), (_MDY_RE, 2, 1)):
        for m in rx.finditer(text):
            month_word = m.group(month_group)
            month = _MONTHS.get(month_word.lower())
            if month is None:
                continue
            day = int(m.group(day_group))
            y = m.group(3)
            ctx = birth_context(m.start(), m.end())
            if y is None:
                # No year: only with birth context, and only a capitalised month
                # ("3 may" is more likely "all 3 may come").
                if not ctx or not month_word[0].isupper() or not 1 <= day <= 31:
                    continue
                out.append(_Cand(m.start(), m.end(), "DOB", f"--{month:02d}-{day:02d}"))
                continue
            year = _year4(y, this_year)
            if not _valid_ymd(year, month, day) or not ctx:
                # A written date without "born"/"DOB" nearby is read as the date of an
                # event ("published on 13 March 2007"), not a birth date.
                continue
            out.append(_Cand(m.start(), m.end(), "DOB", f"{year:04d}-{month:02d}-{day:02d}"))
    return out


# ---- street addresses ---------------------------------------------------------------

_SUFFIXES = frozenset(v for s in _STREET_SUFFIXES for v in (s, s.lower(), s.upper()))
_STREET_NAME_RE = re.compile(r"St\.?|[A-Z][\w'’\-]*[a-z][\w'’\-]*\.?")
# A house number, then up to five words; _street_end() finds where the street ends.
_ADDRESS_RE = re.compile(
    r"(?<![\w/.\-])"
    r"(?:(?:Flat|Apartment|Apt|Unit|Room|Maisonette)\.?[ \t]+[0-9]{1,4}[A-Za-z]?,?[ \t]+)?"
    r"([0-9]{1,4})[A-Za-z]?(?:[ \t]*[\-–/][ \t]*[0-9]{1,4}[A-Za-z]?)?,?[ \t]+"
    r"((?:[A-Za-z][\w'’\-]*\.?[ \t]+){0,4}[A-Za-z][\w'’\-]*)"
)
_ADDRESS_CTX_RE = re.compile(
    r"\b(?:lives?|living|lived|staying|stays|stayed|moved|moving|resides|residing|housed|"
    r"address(?:[ \t]+is)?|flat|house)[ \t]+(?:on|at|in|to|is|:)?[ \t]*(?:the[ \t]+)?"
    r"((?:[A-Za-z][\w'’\-]*\.?[ \t]+){0,3}[A-Za-z][\w'’\-]*)"
)
_SPACE_WORD_RE = re.compile(r"[^ \t]+")


def _street_end(text: str, start: int, end: int) -> int | None:
    """Where "Elm Road" ends within text[start:end]: capitalised street words, then the
    last word that is a street suffix (Road, Street, Close, ...). None if there is none."""
    words = [(m.start() + start, m.end() + start, m.group())
             for m in _SPACE_WORD_RE.finditer(text[start:end])]
    best = None
    for k in range(1, len(words)):
        if not _STREET_NAME_RE.fullmatch(words[k - 1][2]):
            break
        if words[k][2] in _SUFFIXES:
            best = words[k][1]
    return best
_AFTER_ADDRESS_OUTWARD_RE = re.compile(
    rf",?[ \t]+(?:[A-Z][a-z]+,?[ \t]+){{0,2}}({_OUTWARD})(?![A-Za-z0-9]|[ \t]*[0-9][A-Za-z]{{2}})"
)


def _find_address(text: str) -> list[_Cand]:
    out = []
    for m in _ADDRESS_RE.finditer(text):
        end = _street_end(text, m.start(2), m.end(2))
        if end is None:
            continue
        if len(m.group(1)) == 4 and text[m.start(2) : end].split()[-1].islower():
            continue  # "in 2022 Home Office court": a year, not a house number
        found = text[m.start() : end]
        out.append(_Cand(m.start(), end, "ADDRESS", " ".join(found.lower().split())))
        tail = _AFTER_ADDRESS_OUTWARD_RE.match(text, end)
        if tail:
            out.append(_Cand(tail.start(1), tail.end(1), "POSTCODE", _alnum(tail.group(1))))
    for m in _ADDRESS_CTX_RE.finditer(text):
        end = _street_end(text, m.start(1), m.end(1))
        if end is not None:
            found = text[m.start(1) : end]
            out.append(_Cand(m.start(1), end, "ADDRESS", " ".join(found.lower().split())))
    for start, end in find_streets(text):
        out.append(_Cand(start, end, "ADDRESS", " ".join(text[start:end].lower().split())))
    for c in list(out):
        if c.type == "ADDRESS" and (more := street_after(text, c.end)):
            start, end = more
            out.append(_Cand(start, end, "ADDRESS", " ".join(text[start:end].lower().split())))
    return out


def _name_candidates(toks: list[_Tok], vocab: _Vocab) -> list[_Cand]:
    """Names by rule: titles, first names (+ surname), relation words, "Word Surname"."""
    out: list[_Cand] = []
    n = len(toks)
    lex = lexicon()

    def blocked(t: _Tok) -> bool:
        return t.low in _STOPWORDS or t.low in vocab.terms or t.low in _TITLES

    def particle(j: int) -> bool:
        """A name particle with a capitalised name word after it: "ap Gruffydd", "Ó Súil"."""
        return (
            toks[j].low in PARTICLES
            and j + 1 < n
            and _joined(toks[j], toks[j + 1])
            and toks[j + 1].name_shaped()
            and not blocked(toks[j + 1])
        )

    def unusual(t: _Tok) -> bool:
        """A capitalised word that is no English word, place or kept term ("Kazlauskas")."""
        return (
            t.name_shaped()
            and not acronym(t)
            and not blocked(t)
            and t.low not in _PLACE_PREFIXES
            and lex.unusual(t.low)
        )

    def surname_like(t: _Tok) -> bool:
        parts = re.split(r"[\-‐]", t.low)
        listed = t.low in vocab.surnames or any(p in vocab.surnames for p in parts)
        return t.name_shaped() and not blocked(t) and (listed or lex.unusual(t.low))

    def first_name(t: _Tok) -> bool:
        """Listed, or every part of a hyphenated name listed ("Sean-Paul", "Abdul-Karim")."""
        if t.low in vocab.first:
            return True
        parts = [p for p in re.split(r"[\-‐]", t.low) if p]
        return len(parts) > 1 and all(p in vocab.first or p in vocab.surnames for p in parts)

    def saint_before(i: int) -> bool:
        return i > 0 and toks[i - 1].low in _PLACE_PREFIXES and _joined(toks[i - 1], toks[i])

    def acts(i: int) -> bool:
        """Is toks[i] a person by what follows: "Will said", "Will's", "Mark was late"?"""
        if toks[i].possessive:
            return True
        return i + 1 < n and toks[i + 1].low in _PERSON_VERBS and _joined(toks[i], toks[i + 1])

    def extend(i: int, limit: int, *, initials: bool = False, caps: bool = False) -> int:
        """Index of the last name word in the run starting after toks[i] (or i)."""
        last = i
        j = i + 1
        while j < n and j - i <= limit and _joined(toks[j - 1], toks[j]):
            t = toks[j]
            if particle(j):
                j += 1
                continue
            if t.is_initial and initials:
                j += 1
                continue
            if not t.name_shaped(allow_caps=caps) or blocked(t):
                break
            if t.low in _NOT_SURNAME_SUFFIXES:
                break
            last = j
            if t.possessive:
                break
            j += 1
        return last

    def emit(i: int, j: int, rule: str) -> None:
        words = [t for t in toks[i : j + 1] if not t.is_initial]
        if not words:
            return
        lows = tuple(t.low for t in words)
        out.append(
            _Cand(toks[i].start, toks[j].end, "NAME", " ".join(lows), lows, lows, rule=rule)
        )

    for i, t in enumerate(toks):
        # Titles: "Mr Jones", "Mrs O'Neill", "Dr J. Smith", "MR JONES" ("mr jones" too, but
        # not "I miss London").
        if t.low in _TITLES and i + 1 < n and (t.core[0].isupper() or t.low in _SHORT_TITLES):
            nxt = toks[i + 1]
            gap = nxt.gap[1:] if nxt.gap.startswith(".") else nxt.gap
            if 0 < len(gap) <= 2 and not gap.strip(" \t") and not t.possessive:
                last = i
                j = i + 1
                while j < n and j - i <= 4:
                    w = toks[j]
                    if j > i + 1 and not _joined(toks[j - 1], w):
                        break
                    if j > i + 1 and particle(j):
                        j += 1
                        continue
                    if w.is_initial:
                        j += 1
                        continue
                    if w.low in _STOPWORDS:
                        break
                    if not w.name_shaped(allow_caps=True):
                        # "mr jones" typed in a hurry: one lower-case word after Mr/Mrs/Ms/Mx.
                        # A second one if it is no English word: "mrs ewa wiśniewska".
                        plain = j == i + 1 and t.low in _SHORT_TITLES
                        second = (
                            j == i + 2
                            and last == i + 1
                            and toks[i + 1].core.islower()
                            and lex.unusual(w.low)
                        )
                        if not ((plain or second) and len(w.core) >= 2 and w.core.islower()):
                            break
                        last = j
                        if second or w.possessive:
                            break
                        j += 1
                        continue
                    last = j
                    if w.possessive:
                        break
                    j += 1
                if last > i:
                    lows = [w.low for w in toks[i + 1 : last + 1] if not w.is_initial]
                    academic = t.low in _ACADEMIC_TITLES
                    if not (academic and all(w in vocab.people for w in lows)):
                        emit(i + 1, last, "title")

        if not t.name_shaped(allow_caps=False) and not (
            t.core.isupper() and len(t.core) >= 2 and t.low in vocab.first
        ):
            continue
        if blocked(t) or saint_before(i):
            continue

        prev = toks[i - 1] if i > 0 else None
        related = False
        if prev is not None and _joined(prev, t, comma=True):
            if prev.low in _RELATIONS and prev.core.islower() and not prev.possessive:
                related = True
            elif prev.low == "called" and i > 1 and toks[i - 2].low in _CALLED_AFTER:
                related = True
            elif prev.low == "as" and i > 1 and toks[i - 2].low == "known":
                related = True

        # "Ní Bhriain", "Ó Súilleabháin": an Irish surname after its particle.
        if t.low in LEADING_PARTICLES and particle(i):
            emit(i, extend(i + 1, 3), "particle")
            continue

        caps_pair = t.core.isupper() and not t.caps_line
        if first_name(t):
            kind = vocab.kind.get(t.low)
            if caps_pair and kind:
                continue
            last = extend(i, 3, initials=True, caps=caps_pair)
            if caps_pair and last == i:
                continue  # a lone capitalised "JACK" in mixed text: too weak
            if last > i and kind == "never" and not related:
                # "May Day", "August Bank Holiday", "Kent Police": a month or place name
                # needs a listed surname after it ("April Okafor"). A word-like name
                # ("Jordan Reeves", "Will Smith") with any capitalised surname is a name:
                # privacy favours recall over "Grace Period".
                # An unusual surname counts too ("Grace Mwangi-Otieno").
                if not any(
                    w.low in vocab.surnames or unusual(w) for w in toks[i + 1 : last + 1]
                ):
                    last = i
                    if kind == "never":
                        continue
            if last > i:
                emit(i, last, "first+surname")
                continue
            # A first name on its own.
            if t.low in vocab.people:
                continue
            if not related:
                if kind == "never":
                    continue
                if kind == "word" and t.first_of_sentence and not acts(i):
                    continue
                if kind == "word" and prev is not None and prev.low in _DETERMINERS:
                    continue  # "the Bill of Rights", "a Will", "this Hope"
            emit(i, i, "first")
            continue

        if not t.name_shaped():
            continue
        if related and t.low not in vocab.people:
            emit(i, extend(i, 2), "relation")
            continue
        # "Tyrese Johnson": an unknown first word before a listed surname.
        if i + 1 < n and t.low not in vocab.people and _joined(t, toks[i + 1]):
            nxt = toks[i + 1]
            parts = re.split(r"[\-‐]", nxt.low)
            listed = nxt.low in vocab.surnames or any(p in vocab.surnames for p in parts)
            if listed and nxt.name_shaped() and not blocked(nxt):
                emit(i, extend(i, 2), "word+surname")
                continue
            # "Siobhán Ní Bhriain", "Dafydd ap Gruffydd": any name word before a particle.
            if particle(i + 1) and (unusual(t) or first_name(t)):
                emit(i, extend(i, 4), "word+particle")
                continue
            # "Nicu Lăcătuș", "Jonas Kazlauskas": two unusual capitalised words.
            if unusual(t) and surname_like(nxt) and (unusual(nxt) or lex.listed(nxt.low)):
                emit(i, extend(i, 2), "unusual pair")
                continue
    for first, last, rule in context_names(toks, vocab):
        emit(first, last, rule)
    return out


def _user_name_candidates(text: str, names: Iterable[str]) -> list[_Cand]:
    out = []
    for raw in names:
        name = " ".join(str(raw).split())
        if len(name) < 2:
            continue
        pattern = re.compile(r"(?<!\w)" + _phrase_pattern(name) + r"(?!\w)", re.IGNORECASE)
        lows = tuple(w.lower() for w in name.split())
        # "Kyle Smith" on the list: a capitalised "Kyle" or "Smith" elsewhere is him too.
        spread = tuple(w for w in lows if len(w) >= 2) if len(lows) > 1 else ()
        for m in pattern.finditer(text):
            out.append(_Cand(m.start(), m.end(), "NAME", " ".join(lows), lows, spread, True))
    return out


def _allowed_regions(toks: list[_Tok], vocab: _Vocab) -> list[tuple[int, int]]:
    """Where the text names a theorist, model or organisation from allowlist.txt, word
    for word, any case, middle initials allowed ("Stephen D. Brookfield")."""
    regions = []
    for i, t in enumerate(toks):
        for words in vocab.phrases.get(t.low, ()):
            j, k = i, 1
            while k < len(words) and j + 1 < len(toks):
                nxt = toks[j + 1]
                if len(nxt.gap) > 4 or _BREAK_RE.search(nxt.gap):
                    break
                j += 1
                if nxt.is_initial:
                    continue
                if nxt.low != words[k]:
                    break
                k += 1
            if k == len(words):
                regions.append((t.start, toks[j].end))
                break
    return regions


_NAMEWORD = r"[A-Z][\w'’\-]*[a-z][\w'’\-]*"
_AUTHORS_RE = re.compile(
    rf"(?<![\w'’\-]){_NAMEWORD}(?:(?:,[ \t]*|,?[ \t]+(?:and|&)[ \t]+){_NAMEWORD})*"
)
_ET_AL = r"(?:[ \t]+et[ \t]+al\.?)?"
_YEAR = r"(?:19|20)[0-9]{2}[a-z]?"
_CITE_PAREN_RE = re.compile(rf"{_ET_AL}[ \t]*\([ \t]*{_YEAR}[ \t]*[),;:]")
_CITE_INSIDE_RE = re.compile(rf"{_ET_AL},?[ \t]+{_YEAR}[ \t]*[),;:]")


def _citation_regions(text: str, vocab: _Vocab) -> list[tuple[int, int]]:
    """Author lists in citations: "Lacey and Minnis (2020)", "(Maslach and Jackson, 1981)",
    "Petrillo and Bradley". Surnames there are authors, not people on probation."""
    regions = []
    for m in _AUTHORS_RE.finditer(text):
        cited = _CITE_PAREN_RE.match(text, m.end()) or (
            m.start() > 0 and text[m.start() - 1] == "(" and _CITE_INSIDE_RE.match(text, m.end())
        )
        if not cited:
            words = re.findall(_NAMEWORD, m.group())
            cited = len(words) >= 2 and any(w.lower() in vocab.people for w in words)
        if cited:
            regions.append((m.start(), m.end()))
    return regions


# --------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------

_DETECTORS = (
    _find_email,
    _find_crn,
    _find_pnc,
    _find_prison,
    _find_ni,
    _find_nhs,
    _find_phone,
    _find_postcode,
    _find_dob,
    _find_address,
)


_DETERMINERS = frozenset("the a an this that these those any every each no".split())


class _Intervals:
    """Disjoint [start, end) ranges, kept sorted, for quick "does this overlap?" checks."""

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for a, b in sorted(ranges):
            if self.ends and a < self.ends[-1]:  # merge overlapping ranges
                self.ends[-1] = max(self.ends[-1], b)
            else:
                self.starts.append(a)
                self.ends.append(b)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end)  # ranges starting before `end`
        return i > 0 and self.ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        """Add a range that overlaps none already here."""
        i = bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


def _choose(cands: list[_Cand], occupied: _Intervals) -> list[_Cand]:
    """Keep the best of overlapping candidates: more specific type, then longer, earlier.
    Chosen ones are added to `occupied`."""
    chosen: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (-_PRIORITY[c.type], -(c.end - c.start), c.start)):
        if c.end <= c.start or occupied.overlaps(c.start, c.end):
            continue
        chosen.append(c)
        occupied.add(c.start, c.end)
    return chosen


@dataclass
class _Numbering:
    """Placeholder numbers, shared across passes so one name keeps one number."""

    counters: dict[str, int] = field(default_factory=dict)
    by_key: dict[tuple[str, str], int] = field(default_factory=dict)
    name_by_key: dict[str, int] = field(default_factory=dict)
    name_by_word: dict[str, int] = field(default_factory=dict)

    def _next(self, type_: str) -> int:
        self.counters[type_] = self.counters.get(type_, 0) + 1
        return self.counters[type_]

    def number(self, c: _Cand) -> int:
        if c.type != "NAME":
            k = (c.type, c.key)
            if k not in self.by_key:
                self.by_key[k] = self._next(c.type)
            return self.by_key[k]
        words = c.tokens
        key = " ".join(words)
        if key in self.name_by_key:
            num = self.name_by_key[key]
        elif len(words) == 1 and words[0] in self.name_by_word:
            num = self.name_by_word[words[0]]
        elif len(words) > 1 and words[0] in self.name_by_key:
            num = self.name_by_key[words[0]]  # "Sarah" earlier, "Sarah Jones" now
        else:
            num = self._next("NAME")
        self.name_by_key.setdefault(key, num)
        for w in words:
            self.name_by_word.setdefault(w, num)
        return num


def _spread(
    toks: list[_Tok], chosen: list[_Cand], vocab: _Vocab, words: dict[str, bool]
) -> list[_Cand]:
    """Other mentions of the names found: "Mr Jones" makes every capitalised "Jones" a name.

    `words` holds the name words found so far in the whole text (word -> from the user's
    list, when the allowlist yields); the names in `chosen` are added to it."""
    for c in chosen:
        if c.type == "NAME":
            for w in c.spread:
                words[w] = words.get(w, False) or c.user
    out = []
    for t in toks:
        user = words.get(t.low)
        if user is None or t.low in _STOPWORDS or t.low in _TITLES or not t.name_shaped():
            continue
        if not user and (t.low in vocab.people or t.low in vocab.terms):
            continue
        kind = vocab.kind.get(t.low)
        if kind == "never" or (kind == "word" and t.first_of_sentence and not t.possessive):
            continue
        out.append(_Cand(t.start, t.end, "NAME", t.low, (t.low,), (), user))
    return out


def _one_pass(
    text: str, names: list[str], numbering: _Numbering, known: dict[str, bool]
) -> list[tuple[int, int, str, str]]:
    """Find new identifiers in `text`; return (start, end, type, placeholder) in text order."""
    vocab = _vocab()
    occupied = _Intervals((m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text))
    cands: list[_Cand] = []
    for detect in _DETECTORS:
        cands.extend(detect(text))
    toks = _tokens(text)
    allowed = _allowed_regions(toks, vocab)
    cited = _citation_regions(text, vocab)
    not_names = _Intervals(allowed + cited)
    allowed_only = _Intervals(allowed)
    for c in _name_candidates(toks, vocab):
        if (allowed_only if c.rule == "title" else not_names).overlaps(c.start, c.end):
            continue
        cands.append(c)
    cands.extend(_user_name_candidates(text, names))
    cands = [
        c
        for c in cands
        if not _BREAK_RE.search(text, c.start, c.end)
        and not (c.type == "PHONE" and c.key in vocab.public_numbers)
    ]
    chosen = _choose(cands, occupied)
    more = [
        c
        for c in _spread(toks, chosen, vocab, known)
        if c.user or not not_names.overlaps(c.start, c.end)
    ]
    chosen += _choose(more, occupied)
    chosen.sort(key=lambda c: c.start)
    return [(c.start, c.end, c.type, f"[{c.type}-{numbering.number(c)}]") for c in chosen]


def _clean_names(names: Iterable[str]) -> list[str]:
    if isinstance(names, str):
        names = [names]
    seen: dict[str, str] = {}
    for raw in names:
        name = " ".join(str(raw).split())
        if len(name) >= 2 and not _BREAK_RE.search(name):
            seen.setdefault(name.lower(), name)
    # Longer names first, so "Kyle Smith" wins over "Kyle" where both are listed.
    return sorted(seen.values(), key=len, reverse=True)


def redact(text: str, names: Iterable[str] = ()) -> Redaction:
    """Replace every identifier in `text` with a typed placeholder numbered per text.

    `names` are extra names to redact (the user's own list): whole words, any case,
    possessives kept outside the placeholder ("[NAME-1]'s"). Line breaks are never part of
    a span, so the result has exactly the lines of the input. Idempotent: placeholders
    already present are left alone and numbering continues after them.

    Time and memory grow in step with the text: it is read in pieces of whole lines (see
    `pieces.py`), sharing the numbering and the names found, so a name keeps one number
    throughout and a name first found late is still hidden where it was mentioned earlier.
    """
    if not isinstance(text, str):
        raise TypeError(f"redact() needs a str, not {type(text).__name__}")
    clean = _clean_names(names)
    numbering = _Numbering()
    for m in PLACEHOLDER_RE.finditer(text):
        type_, num = m.group(1), int(m.group(2))
        numbering.counters[type_] = max(numbering.counters.get(type_, 0), num)

    known: dict[str, bool] = {}  # name words found so far, anywhere in the text
    cuts = _pieces.split_pieces(text, _pieces.PIECE)
    blocks = [_Block(text, start, end) for start, end in cuts]
    seen_at: list[int] = []
    for block in blocks:
        block.settle(clean, numbering, known)
        seen_at.append(len(known))
    # A name found in a later piece is hidden in the earlier ones too (dicts keep their
    # order, so the words found after a piece settled are the tail of `known`).
    words = list(known)
    for block, seen in zip(blocks, seen_at, strict=True):
        if seen < len(words) and block.mentions(words[seen:]):
            block.settle(clean, numbering, known)
    spans = [span for block in blocks for span in block.spans]
    spans.sort(key=lambda s: s.start)
    return Redaction("".join(block.current for block in blocks), tuple(spans))


class _Block:
    """One piece of the text: its redacted form so far and the spans found in it."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.offset = start
        self.current = text[start:end]
        # Pieces of `current` that are unchanged original text: (cur_start, orig_start, length).
        self.pieces: list[tuple[int, int, int]] = [(0, 0, end - start)]
        self.spans: list[Span] = []

    def mentions(self, words: list[str]) -> bool:
        """Does any of these (lower-case) words occur in what is left of the piece?"""
        low = self.current.lower()
        return any(w in low for w in words)

    def settle(self, names: list[str], numbering: _Numbering, known: dict[str, bool]) -> None:
        """Redact until nothing new is found.

        Each pass redacts what it finds; a later pass looks again at the redacted text, so
        the result is a fixed point (redacting it again finds nothing). Every pass with
        findings shrinks the unredacted text, so this ends."""
        while True:
            found = _one_pass(self.current, names, numbering, known)
            if not found:
                return
            new_pieces: list[tuple[int, int, int]] = []
            out: list[str] = []
            pos = 0
            cursor = 0  # where current[pos] lands in the new text
            for start, end, type_, placeholder in found:
                orig_start, orig_end = _to_original(self.pieces, start, end)
                self.spans.append(
                    Span(orig_start + self.offset, orig_end + self.offset, type_, placeholder)
                )
                new_pieces.extend(_clip_pieces(self.pieces, pos, start, cursor - pos))
                out.append(self.current[pos:start])
                out.append(placeholder)
                cursor += (start - pos) + len(placeholder)
                pos = end
            new_pieces.extend(_clip_pieces(self.pieces, pos, len(self.current), cursor - pos))
            out.append(self.current[pos:])
            self.pieces = new_pieces
            self.current = "".join(out)


def _to_original(pieces: list[tuple[int, int, int]], start: int, end: int) -> tuple[int, int]:
    """Map a span of the current text (inside original text) back to the original offsets."""
    for cur, orig, length in pieces:
        if cur <= start and end <= cur + length:
            return orig + (start - cur), orig + (end - cur)
    raise AssertionError("a span crossed a placeholder")  # pragma: no cover


def _clip_pieces(
    pieces: list[tuple[int, int, int]], lo: int, hi: int, delta: int
) -> list[tuple[int, int, int]]:
    """The parts of `pieces` within [lo, hi) of the current text, moved by `delta`."""
    out = []
    for cur, orig, length in pieces:
        a, b = max(cur, lo), min(cur + length, hi)
        if a < b:
            out.append((a + delta, orig + (a - cur), b - a))
    return out


# --------------------------------------------------------------------------------------
# The user's own list
# --------------------------------------------------------------------------------------


def load_names_file(path: Path) -> list[str]:
    """Names from a file, one a line; blank lines and '#' comments are skipped."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"names file not found: {path}") from None
    except IsADirectoryError:
        raise UsageError(f"names file is a folder, not a file: {path}") from None
    except PermissionError:
        raise UsageError(f"cannot read names file (permission denied): {path}") from None
    except UnicodeDecodeError:
        raise UsageError(f"names file is not UTF-8 text: {path}") from None
    except OSError as exc:
        raise UsageError(f"cannot read names file {path}: {exc.strerror or exc}") from None
    names = []
    for line in raw.splitlines():
        name = " ".join(line.split("#", 1)[0].split())
        if name:
            names.append(name)
    return names


def user_names() -> list[str]:
    """The user's own redaction list, `config_dir()/redact-names.txt` (empty if absent)."""
    path = config_dir() / USER_NAMES_FILE
    if not path.exists():
        return []
    return load_names_file(path)
