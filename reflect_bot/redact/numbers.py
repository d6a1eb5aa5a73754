"""Identifiers by their shape: CRN, PNC ID, prison number, NI and NHS numbers, phone
numbers, emails and postcodes. Shape first, validity only to raise confidence."""

from __future__ import annotations

import re

from reflect_bot.redact.candidate import _alnum, _Cand, _horizontal_prefix, _horizontal_suffix
from reflect_bot.redact.tokens import _BREAK_RE

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
_ORDINAL_RE = re.compile(r"1st|2nd|3rd|[04-9]th", re.IGNORECASE)
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
        if _ORDINAL_RE.fullmatch(inward) and not inward.isupper():
            continue  # "a1 1st" is an ordinal, not a postcode (but "b77 2rd" is no ordinal)
        out.append(_Cand(m.start(), m.end(), "POSTCODE", _alnum(m.group())))
    for m in _OUTWARD_CTX_RE.finditer(text):
        out.append(_Cand(m.start(1), m.end(1), "POSTCODE", _alnum(m.group(1))))
    return out
