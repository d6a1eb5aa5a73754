"""Dates of birth: any common form after a birth cue, a full date ten or more years back
without one."""

from __future__ import annotations

import re
from datetime import date

from reflect_bot.redact.candidate import _Cand, _horizontal_prefix, _horizontal_suffix

# ---- dates of birth -----------------------------------------------------------------

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_ORD = r"(?:st|nd|rd|th)?"
_ORDINAL_RE = re.compile(r"[0-9](?:st|nd|rd|th)\b|\bof\b", re.IGNORECASE)
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
# A year in words, as it is said: "ninety", "nineteen eighty-five", "oh one", "two
# thousand and one", "twenty twelve".
_UNITS_W = "one|two|three|four|five|six|seven|eight|nine"
_TEENS_W = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS_W = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_TWO_W = rf"(?:(?:{_TENS_W})(?:[ \t\-](?:{_UNITS_W}))?|{_TEENS_W}|oh[ \t\-](?:{_UNITS_W}))"
_YEAR_W = (
    rf"(?:two[ \t]+thousand(?:[ \t]+and)?(?:[ \t]+{_TWO_W}|[ \t]+(?:{_UNITS_W}))?"
    rf"|(?:(?:nineteen|twenty)[ \t\-])?{_TWO_W})"
)
_YEAR = rf"(?:[0-9]{{4}}|'?[0-9]{{2}}|{_YEAR_W})"
_ORDINAL_WORDS = "|".join(sorted((w for w in _DAY_WORDS if " " not in w), key=len, reverse=True))
_WORD_DATE_RE = re.compile(
    rf"(?<![\w])(?:the[ \t]+)?((?:(?:twenty|thirty)[ \t\-]?)?(?:{_ORDINAL_WORDS}))"
    r"(?:[ \t]+of)?[ \t]+"
    rf"([A-Za-z]{{3,9}})\b\.?(?:,?[ \t]+({_YEAR})(?![\w\-]))?(?![0-9])",
    re.IGNORECASE,
)
# The month first, the day in words: "born on may the first 1990", only after a birth cue.
_MONTH_DAY_WORDS_RE = re.compile(
    r"(?<![\w])([A-Za-z]{3,9})\.?[ \t]+(?:the[ \t]+)?"
    rf"((?:(?:twenty|thirty)[ \t\-]?)?(?:{_ORDINAL_WORDS}))\b"
    rf"(?:,?[ \t]+({_YEAR})(?![\w\-]))?",
    re.IGNORECASE,
)
# Eight digits run together: "dob 19900501" or "dob 01051990"; or six, day first as
# systems print them ("D.O.B 220785"); only after a birth cue.
_COMPACT_DATE_RE = re.compile(r"(?<![0-9A-Za-z])([0-9]{8}|[0-9]{6})(?![0-9A-Za-z])")
# Month and year only: "born in March 1985", only after a birth cue.
_MONTH_YEAR_RE = re.compile(
    rf"(?<![\w])([A-Za-z]{{3,9}})\.?,?[ \t]+({_YEAR})(?![\w\-])", re.IGNORECASE
)
_DMY_RE = re.compile(
    rf"(?<![\w])(?:the[ \t]+)?([0-9]{{1,2}}){_ORD}(?:[ \t]+of)?[ \t]*[ \t\-]([A-Za-z]{{3,9}})\b\.?"
    rf"(?:,?[ \t\-]+({_YEAR})(?![\w\-]))?(?![0-9])",
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


def _plausible(month: int, day: int) -> bool:
    """A day and month a date of birth could be mistyped as: "1990-02-30"."""
    return 1 <= month <= 12 and 1 <= day <= 31


_NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        "oh one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
} | {w: 10 * n for n, w in enumerate(_TENS_W.split("|"), start=2)}


def _words_value(words: list[str]) -> int:
    return sum(_NUMBER_WORDS.get(w, 0) for w in words)


def _year4(y: str, this_year: int) -> int:
    """A year as a number: "1985", "'85", "85", "nineteen eighty-five", "ninety"."""
    if y.startswith("'"):
        y = y[1:]
    if not y.isdigit():
        words = [w for w in re.split(r"[ \t\-]+", y.lower()) if w and w != "and"]
        if words[:2] == ["two", "thousand"]:
            return 2000 + _words_value(words[2:])
        if len(words) > 1 and words[0] in ("nineteen", "twenty") and words[1] not in (
            _UNITS_W.split("|")
        ):
            return 100 * _NUMBER_WORDS[words[0]] + _words_value(words[1:])
        y = f"{_words_value(words):02d}"
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
        ctx = birth_context(m.start(), m.end())
        if not ok and ctx and _plausible(b, a):
            ok = [(year, b, a)]  # mistyped after "dob" ("30/02/1990"): recall over validity
        if not ok:
            continue
        if not ctx and not (old_enough(year) and (sep != "." or len(y) == 4)):
            continue
        yy, mm, dd = ok[0]
        out.append(_Cand(m.start(), m.end(), "DOB", f"{yy:04d}-{mm:02d}-{dd:02d}"))

    for m in _ISO_DATE_RE.finditer(text):
        year, month, day = int(m.group(1)), int(m.group(3)), int(m.group(4))
        ctx = birth_context(m.start(), m.end())
        if not (_valid_ymd(year, month, day) or (ctx and _plausible(month, day))):
            continue
        if not (ctx or old_enough(year)):
            continue
        out.append(_Cand(m.start(), m.end(), "DOB", f"{year:04d}-{month:02d}-{day:02d}"))

    for m in _SPACED_DATE_RE.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        year = _year4(m.group(3), this_year)
        if _valid_ymd(year, month, day) and birth_context(m.start(), m.end()):
            out.append(_Cand(m.start(), m.end(), "DOB", f"{year:04d}-{month:02d}-{day:02d}"))

    for m in _WORD_DATE_RE.finditer(text):
        word_day = _DAY_WORDS.get(" ".join(m.group(1).lower().split()))
        named = _MONTHS.get(m.group(2).lower())
        if word_day is None or named is None or not birth_context(m.start(), m.end()):
            continue
        y = m.group(3)
        year_text = f"{_year4(y, this_year):04d}" if y else "-"
        key = f"{year_text}-{named:02d}-{word_day:02d}"
        out.append(_Cand(m.start(), m.end(), "DOB", key))

    for m in _MONTH_DAY_WORDS_RE.finditer(text):
        named = _MONTHS.get(m.group(1).lower())
        word_day = _DAY_WORDS.get(" ".join(m.group(2).lower().split()))
        if named and word_day and birth_context(m.start(), m.end()):
            y = m.group(3)
            year_text = f"{_year4(y, this_year):04d}" if y else "-"
            out.append(_Cand(m.start(), m.end(), "DOB", f"{year_text}-{named:02d}-{word_day:02d}"))

    for m in _COMPACT_DATE_RE.finditer(text):
        digits = m.group(1)
        if len(digits) == 6:  # ddmmyy
            orders = [(f"{_year4(digits[4:], this_year):04d}", digits[2:4], digits[:2])]
        else:  # 19900501 or 01051990
            orders = [(digits[:4], digits[4:6], digits[6:]), (digits[4:], digits[2:4], digits[:2])]
        for y_text, m_text, d_text in orders:
            if old_enough(int(y_text)) and _valid_ymd(int(y_text), int(m_text), int(d_text)):
                if birth_context(m.start(), m.end()):
                    out.append(_Cand(m.start(), m.end(), "DOB", f"{y_text}-{m_text}-{d_text}"))
                break

    for m in _MONTH_YEAR_RE.finditer(text):
        named = _MONTHS.get(m.group(1).lower())
        if not named:
            continue
        full_year = _year4(m.group(2), this_year)
        if old_enough(full_year) and birth_context(m.start(), m.end()):
            out.append(_Cand(m.start(), m.end(), "DOB", f"{full_year:04d}-{named:02d}"))

    for rx, day_group, month_group in ((_DMY_RE, 1, 2), (_MDY_RE, 2, 1)):
        for m in rx.finditer(text):
            month_word = m.group(month_group)
            named = _MONTHS.get(month_word.lower())
            if named is None:
                continue
            month = named
            day = int(m.group(day_group))
            y = m.group(3)
            ctx = birth_context(m.start(), m.end())
            if y is None:
                # No year: only with birth context, and only a capitalised month
                # ("3 may" is more likely "all 3 may come").
                # An ordinal or "of" makes a lower-case month a date too ("born on 4th
                # march", "born the 4 of march").
                dated = month_word[0].isupper() or _ORDINAL_RE.search(m.group())
                if not ctx or not dated or not 1 <= day <= 31:
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
