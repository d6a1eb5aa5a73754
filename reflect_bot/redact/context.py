"""Names that only their context or their shape gives away, in any case.

Case notes are typed in a hurry: "met with oluwaseun adeyemi", "his son kyle", "everyone
calls him Chuks", "ewa wiśniewska rang". None of these is capitalised or on a list, so
the rules here read what is around a word instead:

- after a cue that introduces a person ("his partner", "spoke to", "real name is", "calls
  him", "met with"), the next word is a name unless it is an ordinary English word, a place
  or on the keep list; so "his son will be there" and "spoke to probation" are left alone.
  A listed first name that is also a word counts after such a cue at the end of a phrase
  ("spoke to frank today"), never a modal ("his son will");
- before a verb of speech or action ("kyle said", "Mthunzi answered the door") likewise;
- whose relation or belongings: "kavitha rajaratnam's son", "oluwadamilare's phone";
  someone "and his brother";
- two unusual words in a row where one is a listed first name or surname ("liam o'connor",
  "wei zhang"), or joined by a particle ("eoghan ua buachalla"), are a name without a cue;
  so is a lower-case surname by its shape ("the mcginleys");
- a nickname in quotes inside a name ("Mthunzi 'Zee' Dlamini", "parminder 'pinky' gill"),
  or after a naming cue up to a comma ("goes by little t,", "his brother, known as bones,";
  but "what is known as hypervigilance" is no nickname), or in capitals up to two words
  ("calls himself Big Mo in group"); one in brackets after a name ("Oluwafemi Bello
  (Femi)"); a name with an initial ("Kacper W on the board");
- a form's fields ("surname Okafor, first name Tobi"), and a name read off something
  ("the name on the door says j smith");
- the names listed after a plural relation ("her sons Jamie and Fintan", "kids: Tia,
  Rosie-Mae (4) and little Kacper"), and a name listed with one already hidden ("[NAME-1]
  and Tavita"); a name with a relation after it between commas or in brackets ("Tia, his
  girlfriend,", "Faith (his sister)"), said to be one ("Sunny is his daughter") or with an
  age ("Autumn (4)"); the next in a list of aliases ("aka [NAME-1] / 'Tiger'");
- an initial and a surname ("R. Nowakowska", "k jones", "Price, J."; "j price" only where
  a person is plainly meant: "j price failed to attend", "spoke to j price today").

A name found here runs on over further name words and particles ("aoife nic giolla
phádraig", "Bronwen ferch Rhys", "Mac an tSaoir", "Huang Jun") and back over a listed first
name before it ("martin joyce"), never over a relation ("his auntie grace"). A saint's name
is part of a day or a place ("st david's day"). Each rule returns token ranges (first,
last) and a rule name; `reflect_bot.redact` turns them into candidates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from reflect_bot.redact.tokens import _BREAK_RE, _joined, _Tok
from reflect_bot.redact.words import (
    _PERSON_VERBS,
    _RELATIONS,
    _STOPWORDS,
    _TITLES,
    ARTICLE_AFTER,
    CONTEXT_BEFORE,
    FIELD_CUES,
    IRISH_WORD_RE,
    LOWER_PARTICLES,
    NAME_ABBREVIATIONS,
    NAME_PREFIXES,
    NAMING_CUES,
    NICKNAME_CUES,
    NOT_NAME_AFTER_CUE,
    PARTICLES,
    PERSON_ACTS,
    SPEECH_CUES,
    _Vocab,
    _vocab,
    english_words,
    places,
)

_SPOKEN_RE = re.compile(r"[^\W\d_]*[aeiouyà-ÿāăąēėęěīįıōőœūůűų][^\W\d_]{1,}")  # has a vowel
_MUTATED_LOWER_RE = re.compile(r"[tnh]-[^\W\d_]{2,}")  # "t-saoir", "n-éan"
_CONTRACTION_RE = re.compile(r"(?:'(?:m|s|d|ll|ve|re|t)|n't)$")
_CAPS_RUN_RE = re.compile(r"[A-Z]{2}|^[A-Z][a-z][A-Z]s?$")
_CUES_BY_LAST: dict[str, list[tuple[str, ...]]] = {}
for _cue in CONTEXT_BEFORE:
    _CUES_BY_LAST.setdefault(_cue[-1], []).append(_cue)
_QUOTES_OPEN = "'‘\"“("
_QUOTES_CLOSE = "'’\"”)"
# Months and days are in _STOPWORDS; these are the forms a name cue can be followed by
# that are still not people.
_NOT_AFTER_CUE = frozenset("probation police court staff team office hostel".split())


def acronym(t: _Tok) -> bool:
    """ "POs", "PSOs", "OASys", "PoP", "DoB": capitals and a plural, a brand or a short
    abbreviation, not a name."""
    return _CAPS_RUN_RE.search(t.core) is not None


class Lexicon:
    """What the rules ask about a word, answered from the bundled lists (and remembered)."""

    def __init__(self, vocab: _Vocab) -> None:
        self.vocab = vocab
        self.english = english_words()
        self.places = places()
        self._unusual: dict[str, bool] = {}

    def kept(self, low: str) -> bool:
        """Never a name by context or shape: grammar, keep list, places, theorists."""
        v = self.vocab
        return (
            low in _STOPWORDS
            or low in _TITLES
            or low in v.terms
            or low in v.people
            or low in self.places
            or low in _NOT_AFTER_CUE
        )

    def ordinary(self, low: str) -> bool:
        """An everyday English word ("will", "grace", "hope"), or one made of them."""
        low = low.replace("’", "'")
        parts = [p for p in low.split("-") if p]
        return low in self.english or any(p in self.english for p in parts)

    def unusual(self, low: str) -> bool:
        """Not English and not kept: "kyle", "oluwaseun", "wiśniewska", "lewis-smith"."""
        known = self._unusual.get(low)
        if known is None:
            if len(self._unusual) > 100_000:
                self._unusual.clear()  # bounded, whatever the text
            known = self._unusual[low] = self._judge(low)
        return known

    def _judge(self, low: str) -> bool:
        low = low.replace("’", "'")
        if len(low) < 2 or self.kept(low) or low in self.english:
            return False
        if _CONTRACTION_RE.search(low):
            return False  # "I'm", "haven't", "we'd"
        parts = [p for p in low.split("-") if p]
        if len(parts) > 1:
            return all(self.listed(p) or not self.ordinary(p) for p in parts)
        return True

    def listed(self, low: str) -> bool:
        v = self.vocab
        bare = low[2:] if low.startswith(("o'", "o’")) and len(low) > 3 else low
        return (
            low in v.first
            or low in v.surnames
            or bare in v.surnames
            or (bare != low and len(bare) >= 3)
        )


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The one Lexicon over the bundled lists."""
    return Lexicon(_vocab())


def _cue_before(toks: list[_Tok], i: int) -> str | None:
    """The cue that introduces a person just before toks[i] ("his partner", "met with")."""
    t = toks[i]
    gap = t.gap.strip(" \t")
    if gap and gap.replace(" ", "").replace("\t", "").strip(_QUOTES_OPEN + ":,-–"):
        return None  # "spoke to. Kyle" or a line break: not a cue for this word
    if "\n" in t.gap or "\r" in t.gap or i == 0:
        return None
    prev = toks[i - 1]
    if prev.low in _RELATIONS and prev.core.islower() and not prev.possessive:
        return prev.low
    if prev.low == "as" and _known_at(toks, i) is not None:
        return "known as"
    for cue in _CUES_BY_LAST.get(prev.low, ()):
        k = len(cue)
        if i < k:
            continue
        words = toks[i - k : i]
        if tuple(w.low for w in words) != cue:
            continue
        if all(_joined(a, b, comma=True) for a, b in zip(words, words[1:], strict=False)):
            return " ".join(cue)
    return None


def _web_part(toks: list[_Tok], i: int) -> bool:
    """Is toks[i] part of a web or email address or an abbreviation ("wiley.com", "ed.")?"""
    if toks[i].gap[-1:] in (".", "/", "@", "\\", "_", "=", "#", "-"):
        return True
    after = toks[i + 1].gap if i + 1 < len(toks) else ""
    return after[:1] in ("/", "@", "_", "=") or after == "."


def _acts_after(toks: list[_Tok], j: int) -> bool:
    """Is toks[j] followed by a verb of speech or action ("kyle said")?"""
    if j + 1 >= len(toks):
        return False
    nxt = toks[j + 1]
    return nxt.low in PERSON_ACTS and _joined(toks[j], nxt)


def _article(toks: list[_Tok], j: int) -> bool:
    """Is toks[j] the article inside an Irish surname ("Mac an tSaoir", "nic an bhaird")?"""
    return (
        toks[j].low == "an"
        and 0 < j < len(toks) - 1
        and toks[j - 1].low in ARTICLE_AFTER
        and _joined(toks[j - 1], toks[j])
        and _joined(toks[j], toks[j + 1])
        and (
            IRISH_WORD_RE.fullmatch(toks[j + 1].core) is not None
            # typed in lower case: "nic an bhaird", "mac an t-saoir"
            or (toks[j + 1].core.islower() and lexicon().unusual(toks[j + 1].low))
            or _MUTATED_LOWER_RE.fullmatch(toks[j + 1].core) is not None
        )
    )


def particle_joined(p: _Tok, nxt: _Tok) -> bool:
    """Is a particle joined to the name after it, "O'Neill" typed "o' neill" included?"""
    return _joined(p, nxt) or (p.low == "o" and nxt.gap.replace(" ", "") in ("'", "’"))


def _particle(toks: list[_Tok], j: int, word_ok: Callable[[_Tok], bool]) -> bool:
    """Is toks[j] a name particle with a name word right after it ("ap Gruffydd")?"""
    n = len(toks)
    return _article(toks, j) or (
        toks[j].low in PARTICLES
        and j + 1 < n
        and particle_joined(toks[j], toks[j + 1])
        and word_ok(toks[j + 1])
    )


def _abbreviation_name(toks: list[_Tok], j: int) -> bool:
    """ "Huang Jun", "Jan" in "Pawel Jan Nowak": a month or day abbreviation inside a
    name, capitalised, with a word (not a number or a full stop) after it."""
    t = toks[j]
    return (
        t.low in NAME_ABBREVIATIONS
        and t.name_shaped()
        and j + 1 < len(toks)
        and not toks[j + 1].gap.lstrip(" \t")[:1].isdigit()
        and not toks[j + 1].gap.startswith(".")
    )


# The words of a form's labels: "Forename:", "Preferred name:", "Date of birth:".
_LABEL_WORDS = frozenset(
    "name names surname surnames forename forenames preferred first last middle given family "
    "maiden known as also alias aliases aka nickname gender sex dob date of birth crn pnc "
    "address postcode tel phone mobile email nationality ethnicity religion language "
    "subject order sentence offence".split()
)


def field_label(toks: list[_Tok], j: int) -> bool:
    """Does a form's next label start at toks[j]: one to three label words and a colon
    ("Forename: Pádraig   Preferred name: Paddy")? Then a name before it ends there."""
    for k in range(j, min(j + 3, len(toks))):
        if toks[k].low not in _LABEL_WORDS or (k > j and not _joined(toks[k - 1], toks[k])):
            return False
        if k + 1 < len(toks) and toks[k + 1].gap.lstrip(" \t")[:1] == ":":
            return True
        if k + 1 == len(toks):
            return False
    return False


def _run_on(toks: list[_Tok], i: int, word_ok: Callable[[_Tok], bool], limit: int = 4) -> int:
    """The last token of a name that starts at toks[i]: further name words and particles."""

    def capitalised(t: _Tok) -> bool:  # after a particle: "van der Berg", "de Souza"
        shaped = t.name_shaped() and not acronym(t) or t.core.isupper() and len(t.core) > 2
        return word_ok(t) or (shaped and not lexicon().kept(t.low))  # "NÍ BHRIAIN" too

    last = i
    while last - i < 2 and _particle(toks, last, capitalised):
        last += 1  # the name starts with its particles: "NÍ BHRIAIN", "van der Berg"
    j = last + 1
    while j < len(toks) and j - i <= limit and not toks[j - 1].possessive:
        if not _joined(toks[j - 1], toks[j]) or field_label(toks, j):
            break
        if _particle(toks, j, capitalised) and j + 1 - i <= limit:
            last = j + 1
            j += 2
            continue
        if toks[j].is_initial and toks[j].low not in ("i", "a"):
            last = j  # "Jonny K", "kyle S."
            j += 1
            continue
        if not (word_ok(toks[j]) or _abbreviation_name(toks, j)):
            break
        last = j
        j += 1
    return last


def _run_back(toks: list[_Tok], i: int, word_ok: Callable[[_Tok], bool], limit: int = 3) -> int:
    """The first token of a name that ends with toks[i]: earlier name words and particles
    ("ally mcgregor said", "martin joyce and ...", "tariq al-hashimi's wife")."""
    first = i
    while first > 0 and i - first < limit and _joined(toks[first - 1], toks[first]):
        prev = toks[first - 1]
        if prev.possessive or prev.low in _RELATIONS or prev.low in _TITLES:
            break  # "his auntie grace okafor": the relation is no part of the name
        if word_ok(prev) or (first > 1 and _particle(toks, first - 1, word_ok)):
            first -= 1
            continue
        break
    return first


def _boundary_after(toks: list[_Tok], j: int) -> bool:
    """Does a name that ends at toks[j] end a phrase: the line, punctuation, or a word
    that follows a person ("spoke to frank today", "saw ray, he ...", "frank said")?"""
    if j + 1 >= len(toks):
        return True
    nxt = toks[j + 1]
    if _BOUNDARY_RE.search(nxt.gap):
        return True
    return nxt.low in _AFTER_PERSON or nxt.low in PERSON_ACTS or field_label(toks, j + 1)


# Who or where someone is known as something: "known to his friends as", "known on the
# wing as", "known round here as".
_KNOWN_WHERE = frozenset("to by among amongst on in round around across".split())


def _known_at(toks: list[_Tok], i: int) -> int | None:
    """The index of "known" in "known as" or "known to his friends as" just before toks[i]
    (up to four words between), or None."""
    if i < 2 or toks[i - 1].low != "as":
        return None
    if toks[i - 2].low == "known":
        return i - 2
    for k in range(i - 3, max(i - 8, 0) - 1, -1):
        if not _joined(toks[k], toks[k + 1]):
            return None
        if toks[k].low == "known":
            return k if toks[k + 1].low in _KNOWN_WHERE else None
    return None


def _person_known(toks: list[_Tok], i: int) -> bool:
    """Is "known as" before toks[i] said of a person: "his brother, known as", "he is
    known as", "Kyle, also known as", "known to his friends as"? Not "what is known as",
    "a state known as"."""
    known = _known_at(toks, i)
    if known is None:
        return False
    if known == 1 and toks[0].low == "also":
        return True  # "Also known as Little Dev": a note's alias line
    k = known - 1  # the word before "known"
    while k >= 0 and toks[k].low in ("is", "was", "also", "better", "locally", "now"):
        k -= 1
    if k < 0:
        return False
    before = toks[k]
    return (
        before.low in _RELATIONS
        or before.low in _PRONOUNS
        or before.name_shaped()
        or (before.core == "NAME" and before.gap.endswith("["))  # "[NAME-1], known as"
    )


def _apposition(toks: list[_Tok], i: int) -> bool:
    """Is toks[i] closed by a comma with a verb after it: ", dean, has been released"?"""
    if i + 1 >= len(toks):
        return False
    nxt = toks[i + 1]
    return nxt.gap.strip(" \t") == "," and (nxt.low in _AFTER_VERBS or nxt.low in PERSON_ACTS)


def _nickname_end(toks: list[_Tok], i: int, cue: str) -> int | None:
    """The last token of an unquoted nickname after a naming cue, closed by a comma or
    the end of the line: "goes by little t, real name ...", "known as bones, was ...".
    "known as" needs a person before it ("his brother, known as"), so "what is known as
    hypervigilance" stays."""
    t = toks[i]
    if t.low in _STOPWORDS and t.low not in ("little", "old") or t.low in _NOT_NICKNAME:
        return None  # "call him on 07700 ...", "goes by the name", but "little t"
    if t.low in _TITLES and not (i + 1 < len(toks) and _joined(t, toks[i + 1])):
        return None  # "I call him Sir, he likes that" ("calls him Sir Lancelot" is a name)
    if cue == "name is" and (i < 3 or toks[i - 3].low not in _WHOSE_NAME):
        return None  # "his name is ...", not "the patient's name is withheld"
    if cue == "known as" and not _person_known(toks, i):
        return None
    known = _known_at(toks, i)
    # "he is known as difficult, ..." is no nickname: unless a comma or bracket sets it off
    # ("his brother, known as bones,"), only a capitalised name or a size and a name is.
    loose = cue == "known as" and (
        known is None or toks[known].gap.strip(" \t") not in (",", "(")
    )
    # Initials: "goes by K.B. on the estate", "known round here as J.P.".
    last = i
    while (
        toks[last].is_initial
        and last + 1 < len(toks)
        and toks[last + 1].is_initial
        and toks[last + 1].gap in (".", ". ")
    ):
        last += 1
    if last > i:
        return last
    # "I called him back." is no nickname: after "called him" only a capitalised one is,
    # or initials ("known round here as JP").
    initials = t.core.isupper() and len(t.core) == 2 and not lexicon().kept(t.low)
    if (loose or cue.startswith("called")) and not (
        t.name_shaped() or t.low in _LIST_MODIFIERS or initials
    ):
        return None
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    # A size and a name: "little t", "big mo"; not "big headed".
    sized = (
        t.low in _LIST_MODIFIERS
        and nxt is not None
        and _joined(t, nxt)
        and nxt.low not in _STOPWORDS
        and nxt.low not in _NOT_NICKNAME
        and (
            nxt.name_shaped()
            or len(nxt.core) <= 2
            or nxt.low in lexicon().vocab.first
            or not lexicon().ordinary(nxt.low)
        )
    )
    for j in (i, i + 1):
        if j >= len(toks) or (j > i and not _joined(toks[j - 1], toks[j])):
            break
        if t.low in _LIST_MODIFIERS and not sized:
            break
        if j + 1 >= len(toks) or _NICKNAME_END_RE.match(toks[j + 1].gap):
            return j
    # Not closed: a size and a name in any case ("calls himself big t on the wing"), or
    # capitalised ("calls himself Big Mo in group").
    if sized:
        return i + 1
    if not t.name_shaped() or acronym(t):
        return None
    last = i
    while (
        last + 1 < len(toks)
        and last - i < 2
        and _joined(toks[last], toks[last + 1])
        and (toks[last + 1].name_shaped() or toks[last + 1].is_initial)
        and toks[last + 1].low not in _STOPWORDS
    ):
        last += 1
    return last


def _placeholder(t: _Tok) -> bool:
    """Is t the word inside a name already hidden ("[NAME-1]")?"""
    return t.core == "NAME" and t.gap.endswith("[")


_AFTER_PLACEHOLDER_RE = re.compile(r"-[0-9]+\][ \t]+$")
_BETWEEN_PLACEHOLDERS_RE = re.compile(r"-[0-9]+\],[ \t]*$")


def _with_hidden_name(toks: list[_Tok], i: int) -> bool:
    """Is toks[i] listed with a name already hidden: "[NAME-1] and Francesca", "[NAME-1],
    Tia and [NAME-2]"?"""
    n = len(toks)
    if (
        i > 1
        and toks[i - 1].low == "and"
        and _placeholder(toks[i - 2])
        and _AFTER_PLACEHOLDER_RE.fullmatch(toks[i - 1].gap)
        and _joined(toks[i - 1], toks[i])
    ):
        return True
    return (
        i > 0
        and i + 2 < n
        and _placeholder(toks[i - 1])
        and _BETWEEN_PLACEHOLDERS_RE.fullmatch(toks[i].gap) is not None
        and toks[i + 1].low == "and"
        and _joined(toks[i], toks[i + 1])
        and _placeholder(toks[i + 2])
    )


def _initial_surname(toks: list[_Tok], i: int) -> int | None:
    """The surname after an initial at toks[i], or None: "R. Nowakowska", "T Okoro", "spoke
    to k jones", "m begum did not attend"; a surname that is also a word ("j price") only
    where a person is clearly meant: at the start of a sentence or after a cue, before a
    verb ("j price failed to attend"). Not "plan b was agreed", "e.g. Smith", "x-ray"."""
    n = len(toks)
    t = toks[i]
    if i + 1 >= n or t.gap[-1:] in ("-", "/", "'", "’", "@", "&"):
        return None
    if t.gap[-1:] == "." and not (t.is_initial and i and toks[i - 1].is_initial):
        return None  # "e.g. smith", but "A.J. Kowalczyk"
    s = toks[i + 1]
    dot = s.gap.startswith(".")
    glued = s.gap == "." and t.core.isupper() and s.name_shaped()  # "T.Adeyemi"
    if not (glued or 0 < len(s.gap) - dot <= 3) or s.gap[dot:].strip(" \t"):
        return None
    if not glued and (_web_part(toks, i + 1) or _web_part(toks, i)):
        return None  # "wiley.com", "r.patel"
    if t.low in ("a", "i") and not (dot and t.core.isupper()):
        return None  # "a", "I": words, unless "A. Kowalczyk"
    if t.core == "v" or (i and _joined(toks[i - 1], t) and toks[i - 1].name_shaped()):
        return None  # "Smith v Jones", "Annex B Brown Review", "Plan B"
    lex = lexicon()
    v = lex.vocab
    if lex.kept(s.low) or acronym(s) or len(s.core) < 2:
        return None
    surname = s.low in v.surnames
    if s.name_shaped():
        named = (surname or lex.unusual(s.low)) and (t.core.isupper() or dot)
        return i + 1 if named else None
    if not s.core.islower() or not (surname or lex.unusual(s.low)):
        return None
    if t.core.isupper() and dot:
        return None  # "gone to A&E. everyones been brilliant": a sentence ends there
    cue = _cue_before(toks, i) is not None or (  # "Name: j price"
        i > 0 and toks[i - 1].low in _FIELD_LAST and t.gap.strip(" \t") == ":"
    )
    placed = t.first_of_sentence or dot or cue
    if lex.ordinary(s.low):  # "j price", "d white": a person only by what follows
        acts = i + 2 < n and toks[i + 2].low in _PERSON_VERBS and _joined(s, toks[i + 2])
        ends = cue and _boundary_after(toks, i + 1)  # "spoke to j price today"
        return i + 1 if placed and (acts or ends) else None
    return i + 1 if surname or dot or cue else None  # "m begum", not "e cig was found"


def _relation_in_brackets(toks: list[_Tok], j: int) -> bool:
    """Do the brackets opening before toks[j] say who someone is: "(his sister)",
    "(partner)", "(her youngest, aged 2)"? Not "(her sister's birthday)"."""
    k = j + 1 if toks[j].low in _OWNERS else j
    if k >= len(toks) or (k > j and not _joined(toks[j], toks[k])):
        return False
    rel = toks[k]
    if rel.possessive or not (rel.low in _APPOSED or rel.low in _YOUNGEST):
        return False
    after = toks[k + 1].gap.strip(" \t")[:1] if k + 1 < len(toks) else ")"
    return after in (",", ")", ";")


def _is_relation(toks: list[_Tok], k: int) -> bool:
    """Is toks[k] a relation, after a size or an age ("little sister", "eldest son"), and
    not a possessive ("his sister's name")?"""
    if toks[k].low in _LIST_MODIFIERS or toks[k].low in _YOUNGEST:
        if k + 1 >= len(toks) or not _joined(toks[k], toks[k + 1]):
            return toks[k].low in _YOUNGEST  # "Destiny is his eldest"
        k += 1
    return toks[k].low in _APPOSED and not toks[k].possessive


_YEAR_RE = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")


def _surname_first(toks: list[_Tok], j: int) -> bool:
    """Is the initial at toks[j] closed by a full stop ("Price, J."), with no year after
    it that would make it an author ("Smith, J. (2019)", "Jones, B. and Smith, C., 2018")?"""
    after = toks[j + 1].gap if j + 1 < len(toks) else toks[j].tail
    if not after.startswith("."):
        return False
    rest = [t.gap for t in toks[j + 1 : j + 8]] + [toks[-1].tail if j + 8 >= len(toks) else ""]
    return not any(_YEAR_RE.search(g) for g in rest)


_AGED_RE = re.compile(r"[ \t]*(?:\([ \t]*[0-9]{1,2}[ \t]*\)|,[ \t]*[0-9]{1,2}[ \t]*,)[ \t]*$")
_YOUNGEST = frozenset("youngest eldest oldest middle".split())
_ALIASES_RE = re.compile(r"-[0-9]+\]['’\"”]?[ \t]*(?:/|,|;|\bor\b)[ \t]*['‘\"“]?\[$")
_ALIAS_SEP_RE = re.compile(r"-[0-9]+\]['’\"”]?[ \t]*(?:/|,|;|\bor\b)[ \t]*['‘\"“]$")


def _next_alias(toks: list[_Tok], i: int) -> bool:
    """Is toks[i] the next in a list of aliases after names already hidden: "alias: [NAME-1]
    / [NAME-2] / 'Tiger'", "aka [NAME-1], 'Holty'"? The list must start after a naming cue,
    or be split by slashes."""
    if i < 1 or not _placeholder(toks[i - 1]) or not _ALIAS_SEP_RE.search(toks[i].gap):
        return False
    if "/" in toks[i].gap:
        return True
    k = i - 1
    while k > 0 and _placeholder(toks[k - 1]) and _ALIASES_RE.search(toks[k].gap):
        k -= 1  # back to the first name of the list
    cue_end = k - 1
    if cue_end < 0 or toks[k].gap.strip(" \t:-–[" + _QUOTES_OPEN) != "":
        return False
    for cue in _CUES_BY_LAST.get(toks[cue_end].low, ()):
        words = toks[cue_end - len(cue) + 1 : cue_end + 1]
        if len(words) == len(cue) and tuple(w.low for w in words) == cue:
            return " ".join(cue) in NAMING_CUES
    return False


def _name_list(
    toks: list[_Tok], i: int, item: Callable[[_Tok], bool]
) -> list[tuple[int, int]]:
    """The names listed after a plural relation at toks[i]: "her sons Jamie and Fintan",
    "kids: Tia, Rosie-Mae (4) and little Kacper". Items are separated by commas and "and",
    each may carry an age in brackets; the list ends at the first word that is no name."""
    n = len(toks)
    out: list[tuple[int, int]] = []
    j = i + 1
    # "her sons are", "kids' names:", "the children's names are"
    while j < n and j - i <= 2 and toks[j].low in _LIST_VERBS and not toks[j].gap.strip(" \t'’"):
        j += 1
    if j >= n or toks[j].gap.strip(" \t") not in ("", ":", "-", "–", "(") or "\n" in toks[j].gap:
        return out
    while j < n:
        while j + 1 < n and toks[j].low in _LIST_MODIFIERS and _joined(toks[j], toks[j + 1]):
            j += 1
        if not item(toks[j]):
            break
        last = j
        if last + 1 < n and _joined(toks[last], toks[last + 1]) and item(toks[last + 1]):
            last += 1  # "Mary Ellen"
        out.append((j, last))
        k = last + 1
        if k >= n or toks[last].possessive:
            break
        gap = toks[k].gap
        if gap.count("(") > gap.count(")"):  # "(18 months)": skip the words in brackets
            k += 1
            while k < n and ")" not in toks[k].gap and k - last < 6:
                k += 1
            if k >= n or ")" not in toks[k].gap:
                break
            gap = toks[k].gap
        if _BREAK_RE.search(gap):
            break
        # ", 7, and": an age between commas
        sep = _AGE_RE.sub("", _BRACKETED_RE.sub("", gap)).strip(" \t")
        if sep in ("", ",", "&") and toks[k].low == "and" and k + 1 < n:
            if not _joined(toks[k], toks[k + 1]):
                break
            j = k + 1
        elif sep in (",", "&"):
            j = k
        else:
            break
    return out


def _door_name(toks: list[_Tok], i: int) -> int | None:
    """The last token of a name read off something after toks[i]: "the name on the door
    says j smith", "name on the tenancy is K Okoro"."""
    if i < 4 or toks[i].low not in _READS or toks[i - 4].low != "name":
        return None
    if toks[i - 3].low != "on" or toks[i - 2].low not in ("the", "his", "her", "their"):
        return None
    j = i + 1
    if j >= len(toks) or not _joined(toks[i], toks[j]):
        return None
    initial = len(toks[j].core) == 1 and j + 1 < len(toks) and _joined(toks[j], toks[j + 1])
    if initial:
        j += 1  # an initial, in any case: "j smith"
    t = toks[j]
    if t.low in _STOPWORDS or len(t.core) < 2:
        return None
    lex = lexicon()
    if not (initial or t.name_shaped() or lex.listed(t.low) or lex.unusual(t.low)):
        return None  # "the name on the door is wrong"
    return j


# The plural relations that introduce a list of names, and what may go before a name in it.
_GROUP_RELATIONS = frozenset(
    "sons daughters kids children boys girls brothers sisters siblings twins cousins "
    "grandchildren grandkids grandsons granddaughters nephews nieces stepsons stepdaughters "
    "stepchildren stepkids".split()
)
_LIST_MODIFIERS = frozenset("little baby wee young big lil".split())
_LIST_VERBS = frozenset("are were called named names".split())
_BRACKETED_RE = re.compile(r"\([^()]*\)|^[^(]*\)")
_AGE_RE = re.compile(r"^,[ \t]*[0-9]{1,2}[ \t]*(?=,)")
_READS = frozenset("says said reads read is was".split())
# Relations that can stand after a name between commas: "Tia, his girlfriend, is ...";
# not an organisation's role ("Clarion, her landlord").
_APPOSED = frozenset(
    r for r in _RELATIONS if not r.startswith(("employer", "landl", "named", "nick"))
) - frozenset("aka alias worker keyworker officer manager boss supervisor".split())
_OWNERS = frozenset("his her their my your our".split())


_WHOSE_NAME = frozenset(
    "his her their my your real street full first birth proper tag pet gang rap".split()
)
# What a person has, after their name: "oluwadamilare's phone was seized".
_BELONGINGS = frozenset(
    "phone car flat house home room bedroom bag wallet kids children licence order tag "
    "curfew appointment appointments case file solicitor worker officer landlord dog van "
    "bike account benefits money debts family friends friend mates mobile address".split()
)
# What follows a person between commas: "her ex, dean, has been released".
_AFTER_VERBS = frozenset("has had is was will would said says who came rang".split())
# Verbs of speech a thing does not do: "rocky said", "amber answered".
_SPEAKS = frozenset(
    "said says told tells asked answered replied rang phoned texted emailed shouted "
    "admitted denied disclosed explained agreed refused reckons claims insists".split()
)
_BOUNDARY_RE = re.compile(r"[,.;:!?)\]\n\r]")
_NICKNAME_END_RE = re.compile(r"[ \t]*[,;)\n\r]|[ \t]*[.!?](?:[ \t]|$)")
# Words that often follow a person's name in a note, and never a modal verb.
_AFTER_PERSON = frozenset(
    "today yesterday tonight this last and at on about re again earlier who from in by for "
    "when while after before later over with was were is has had".split()
)
_PRONOUNS = frozenset("he she they him her them".split())
# "he goes by bus", "his real name is unclear": how someone travels or what is said
# about a name, not the name; and what anyone is called in passing ("she called him
# Darling", "staff called him Mister").
_NOT_NICKNAME = frozenset(
    "bus buses train trains car taxi tram coach bike foot unknown unclear withheld "
    "redacted confidential private different same important irrelevant known "
    "mister missus darling sweetheart sweetie love lovey babe baby honey dear son sonny "
    "lad mate pal buddy bro bruv sis boss chief kid names".split()
)
# A surname by its shape alone: "mcginleys", "McGregor", "o'shea".
_SURNAME_SHAPE_RE = re.compile(r"(?:mc|mac)[^\W\d_]{3,}|o['’][^\W\d_]{3,}", re.IGNORECASE)


def context_names(toks: list[_Tok], vocab: _Vocab) -> list[tuple[int, int, str]]:
    """Token ranges (first, last, rule) of names found by context, quotes and shape."""
    lex = lexicon()
    out: list[tuple[int, int, str]] = []
    n = len(toks)

    web = {toks[i].start for i in range(n) if _web_part(toks, i)}

    def lower_name(t: _Tok) -> bool:
        return t.core.islower() and t.start not in web and lex.unusual(t.low)

    def capital_name(t: _Tok) -> bool:
        return (
            t.name_shaped()
            and not acronym(t)
            and not lex.kept(t.low)
            and (lex.unusual(t.low) or t.low in vocab.first or t.low in vocab.surnames)
        )

    def any_name(t: _Tok) -> bool:
        return lower_name(t) or capital_name(t)

    def listed(t: _Tok) -> bool:
        """A listed first name or surname that is no grammar word: "martin", "gill"."""
        return (
            (t.low in vocab.first or t.low in vocab.surnames)
            and t.start not in web
            and not acronym(t)
            and not lex.kept(t.low)
            and t.low not in _RELATIONS
            and t.low not in NOT_NAME_AFTER_CUE
        )

    def name_word(t: _Tok) -> bool:
        return any_name(t) or listed(t)

    def lower_word(t: _Tok) -> bool:
        """A lower-case word that goes on a name: "jimmy lee", "john smith"."""
        return lower_name(t) or (t.core.islower() and listed(t))

    def first_name(low: str) -> bool:
        parts = [p for p in low.split("-") if p]
        return low in vocab.first or (len(parts) > 1 and all(p in vocab.first for p in parts))

    def quoted(i: int) -> bool:
        """Is toks[i] alone in quotes: 'tiny'?"""
        opened = toks[i].gap.strip(" \t")[-1:]
        closed = (toks[i + 1].gap if i + 1 < n else toks[i].tail).strip(" \t")[:1]
        return opened in ("'", "‘", '"', "“") and closed in ("'", "’", '"', "”")

    def saint(i: int) -> bool:
        """ "st david's day", "St. Aidan's": a saint's name is part of a place or a day."""
        return i > 0 and toks[i - 1].low in ("st", "saint") and not toks[i].gap.strip(" \t.")

    def list_item(t: _Tok) -> bool:
        """A name where the sentence says one is listed: "Rosie-Mae", "Grace", "kacper"."""
        if t.low in _STOPWORDS or t.low in _RELATIONS or lex.kept(t.low) or acronym(t):
            return False
        if t.name_shaped():
            parts = [p for p in t.low.split("-") if p]
            return lex.unusual(t.low) or first_name(t.low) or any(p in vocab.first for p in parts)
        return lower_name(t) or (t.core.islower() and listed(t) and t.low in vocab.first)

    def emit(first: int, last: int, rule: str) -> None:
        out.append((_run_back(toks, first, name_word), last, rule))

    for i, t in enumerate(toks):
        if (
            i
            and toks[i - 1].low in _NICKNAME_LAST
            and (t.low not in _STOPWORDS or t.low in ("little", "old"))
        ):
            cue = _cue_before(toks, i)
            if cue in NICKNAME_CUES and not quoted(i):
                last = _nickname_end(toks, i, cue)
                if last is not None:
                    out.append((i, last, "nickname"))
                    continue
        if t.low in _GROUP_RELATIONS:
            for first, last in _name_list(toks, i, list_item):
                out.append((first, last, "list"))
            continue
        if t.low in _READS and (last := _door_name(toks, i)) is not None:
            out.append((i + 1, last, "read"))
            continue
        if t.low in _STOPWORDS:
            continue  # no rule below takes a grammar word, so skip most words at once
        # An initial and a surname: "R. Nowakowska", "k jones", "j price failed to attend".
        if len(t.core) == 1 and (last := _initial_surname(toks, i)) is not None:
            out.append((i, _run_on(toks, last, name_word), "initial"))
            continue
        # Listed with a name already hidden: "[NAME-1] and Francesca".
        if (
            i > 0
            and (toks[i - 1].low == "and" or toks[i - 1].core == "NAME")
            and _with_hidden_name(toks, i)
            and list_item(t)
            and vocab.kind.get(t.low) != "never"
        ):
            emit(i, i, "with a name")
            continue
        # A relation after it between commas: "Tia, his girlfriend, is pregnant".
        if (
            i + 2 < n
            and toks[i + 1].low in _OWNERS
            and toks[i + 1].gap.strip(" \t") == ","
            and (toks[i + 2].low in _APPOSED or toks[i + 2].low in _YOUNGEST)
            and _joined(toks[i + 1], toks[i + 2])
            and not t.possessive
            and list_item(t)
        ):
            emit(i, i, "apposed")
            continue
        # A relation in brackets after it: "Faith (his sister) came", "rose (partner)".
        if (
            i + 1 < n
            and toks[i + 1].gap.strip(" \t") == "("
            and not t.possessive
            and _relation_in_brackets(toks, i + 1)
            and (list_item(t) or (t.low in vocab.first and not lex.kept(t.low)))  # "rose"
        ):
            emit(i, i, "apposed")
            continue
        # A surname, then its initial: "Price, J.", "Kowalczyk, A. - no reply".
        if (
            i + 1 < n
            and toks[i + 1].is_initial
            and toks[i + 1].gap.strip(" \t") == ","
            and not t.possessive
            and capital_name(t)
            and _surname_first(toks, i + 1)
        ):
            emit(i, i + 1, "initial")
            continue
        # Who someone is: "Summer is his daughter", "hope is her little sister".
        if (
            i + 3 < n
            and toks[i + 1].low in ("is", "was")
            and toks[i + 2].low in _OWNERS
            and not t.possessive
            and (t.name_shaped() or first_name(t.low))
            and list_item(t)
            and _is_relation(toks, i + 3)
            and all(_joined(toks[k], toks[k + 1]) for k in range(i, i + 3))
        ):
            emit(i, i, "apposed")
            continue
        # An age after it: "Summer (4) lives with her mum", "rio, 2, is with his dad".
        if (
            i + 1 < n
            and _AGED_RE.match(toks[i + 1].gap)
            and not t.possessive
            and list_item(t)
            and (t.name_shaped() or first_name(t.low))  # not "older fella, 67,"
        ):
            emit(i, i, "aged")
            continue
        # In brackets after a name: "Oluwafemi Bello (Femi)".
        if (
            0 < i < n - 1
            and "(" in t.gap
            and t.gap.strip(" \t") == "("
            and toks[i + 1].gap.lstrip(" \t")[:1] == ")"
            and name_word(toks[i - 1])
            and not toks[i - 1].possessive
            and list_item(t)
        ):
            out.append((i, i, "bracketed"))
            continue
        # An initial after a name: "Kacper W on the board" ("Kacper W. Nowak" is found
        # as a whole elsewhere).
        if (
            i + 1 < n
            and toks[i + 1].is_initial
            and capital_name(t)
            and toks[i + 1].low not in ("i", "a")
            and _joined(t, toks[i + 1])
            and not (i + 2 < n and toks[i + 2].name_shaped() and _joined(toks[i + 1], toks[i + 2]))
        ):
            emit(i, i + 1, "initial")
            continue
        if saint(i):
            continue
        # A quoted nickname inside a name: "Mthunzi 'Zee' Dlamini", "parminder 'pinky' gill".
        opened = t.gap.strip(" \t")
        if len(opened) == 1 and opened in _QUOTES_OPEN and 0 < i < n - 1:
            before, after = toks[i - 1], toks[i + 1]
            closed = after.gap.strip(" \t")
            if (
                (t.name_shaped() or t.core.islower())
                and len(closed) == 1
                and closed in _QUOTES_CLOSE
                and any_name(before)
                and (any_name(after) or listed(after))
                and (t.name_shaped() or before.core.islower())
                and len(t.gap) <= 3
                and len(after.gap) <= 3
            ):
                out.append((_run_back(toks, i - 1, name_word), i + 1, "nickname"))
                continue
        # After a cue: "his son kyle", "met with oluwaseun adeyemi", "calls him Chuks".
        if (lower_name(t) or capital_name(t)) and (cue := _cue_before(toks, i)):
            if cue == "known as" and not quoted(i) and not _person_known(toks, i):
                continue  # "this is known as hypervigilance"
            out.append((i, _run_on(toks, i, name_word), "cue"))
            continue
        # A name in a form's field, even a word or in capitals: "forename - paddy",
        # "first name: rose", "NAME: PRICE, Jason".
        if (
            i
            and toks[i - 1].low in _FIELD_LAST
            and (
                t.low in vocab.first
                or t.low in vocab.surnames
                or lex.unusual(t.low)
                or _particle(toks, i, name_word)  # "Surname: van der Berg"
            )
            and not lex.kept(t.low)
            and t.start not in web
            and (
                _cue_before(toks, i) in FIELD_CUES
                or (toks[i - 1].low == "name" and t.gap.strip(" \t") == ":")
            )
        ):
            out.append((i, _run_on(toks, i, name_word), "field"))
            continue
        # "partner ah keung", "goes by Abu Yusuf": a prefix, then the name.
        if t.low in NAME_PREFIXES and i + 1 < n and _joined(t, toks[i + 1]):
            if any_name(toks[i + 1]) and _cue_before(toks, i):
                out.append((i, _run_on(toks, i + 1, name_word), "cue"))
                continue
        # A quoted nickname, even an everyday word: "goes by 'tiny'", or the next in a
        # list of aliases: "aka [NAME-1] / [NAME-2] / 'Tiger'".
        if quoted(i) and (_cue_before(toks, i) in NAMING_CUES or _next_alias(toks, i)):
            out.append((i, i, "nickname"))
            continue
        # A listed first name that is also a word, after a cue that is not speech and
        # before the end of a phrase: "spoke to frank today", "his mate ray, who".
        # Between commas after a relation only when a verb follows: "her ex, dean, has
        # been released" (not "a younger sibling, faith, music").
        if t.core.islower() and listed(t) and t.low in vocab.first:
            more = i + 1 < n and _joined(t, toks[i + 1]) and lower_name(toks[i + 1])
            plain = not t.gap.strip(" \t")
            if (plain and (more or _boundary_after(toks, i))) or (
                t.gap.strip(" \t") == "," and _apposition(toks, i)
            ):
                cue = _cue_before(toks, i)
                if cue and cue not in SPEECH_CUES:
                    out.append((i, _run_on(toks, i, lower_word), "cue"))
                    continue
            # At the start of a sentence before a verb of speech: "rocky said", "amber
            # answered the door" (not "hope was lost", "summer turned cold").
            if (
                t.first_of_sentence
                and i + 1 < n
                and toks[i + 1].low in _SPEAKS
                and vocab.kind.get(t.low) != "never"  # "hope said it all"
            ):
                if _joined(t, toks[i + 1]):
                    out.append((i, i, "speaks"))
                    continue
        # Whose relation: "kavitha rajaratnam's son", "Kasia's ex", "wei ling's partner";
        # or whose things, for a word that is no English word: "oluwadamilare's phone".
        if (
            t.possessive
            and i + 1 < n
            and toks[i + 1].low in _BELONGINGS
            and (lower_name(t) or (capital_name(t) and lex.unusual(t.low)))
        ):
            emit(i, i, "owner")
            continue
        if t.possessive and i + 1 < n and toks[i + 1].low in _RELATIONS:
            if name_word(t) or (i > 0 and lower_name(toks[i - 1]) and _joined(toks[i - 1], t)):
                emit(i, i, "owner")
                continue
        # A listed first name that is no English word, anywhere: "sophie-louise", "kyle"
        # (not in a web address or an abbreviation: "wiley.com", "et al.", "ed.").
        if (
            lower_name(t)
            and len(t.low) >= 3
            and first_name(t.low)
            and vocab.kind.get(t.low) != "never"  # "in june", "moved to kent"
            and not (i and toks[i - 1].low in ("the", "a", "an"))  # "taking the mick"
        ):
            emit(i, _run_on(toks, i, lower_word), "first name")
            continue
        # A surname by its shape, typed in lower case: "the mcginleys", "ally mcgregor"
        # (not a possessive: "works at mcdonald's").
        # (Capitalised ones need a cue: "Bateson, McManus & Johnson" is a citation.)
        if lower_name(t) and not t.possessive and _SURNAME_SHAPE_RE.fullmatch(t.core):
            emit(i, _run_on(toks, i, any_name), "shape")
            continue
        # Before a verb: "kyle said", "Mthunzi answered". Run back over earlier name words.
        if (lower_name(t) or (capital_name(t) and lex.unusual(t.low))) and _acts_after(toks, i):
            emit(i, i, "acts")
            continue
        # A word after a listed surname, before a verb: "wang fang said".
        if (
            i
            and _acts_after(toks, i)
            and t.core.islower()
            and _joined(toks[i - 1], t)
            and lower_name(toks[i - 1])
            and toks[i - 1].low in vocab.surnames
        ):
            emit(i - 1, i, "acts")
            continue
        # Someone with a relation: "aurelija and her partner", "tyson and his uncle".
        if (
            i + 3 < n
            and toks[i + 1].low == "and"
            and toks[i + 2].low in ("his", "her", "their")
            and toks[i + 3].low in _RELATIONS
            and not t.possessive
            and name_word(t)
            and all(_joined(toks[k], toks[k + 1]) for k in range(i, i + 3))
            and (t.core.islower() or not t.first_of_sentence or lex.unusual(t.low))
        ):
            emit(i, i, "with relation")
            continue
        # Two unusual lower-case words, one of them listed: "liam o'connor", "wei zhang";
        # or joined by a particle: "eoghan ua buachalla".
        if lower_name(t) and i + 1 < n and _joined(t, toks[i + 1]):
            nxt = toks[i + 1]
            if lower_name(nxt) and (lex.listed(t.low) or lex.listed(nxt.low)):
                emit(i, _run_on(toks, i, lower_word), "lower pair")
                continue
            if nxt.low in LOWER_PARTICLES and _particle(toks, i + 1, lower_name):
                emit(i, _run_on(toks, i, lower_word), "lower particle")
                continue
            # Two at the start of a sentence, before a verb: "zeynep yilmaz was upset".
            if (
                t.first_of_sentence
                and lower_name(nxt)
                and _SPOKEN_RE.search(t.low)
                and _SPOKEN_RE.search(nxt.low)  # not "cbt dbt was offered"
                and i + 2 < n
                and toks[i + 2].low in _PERSON_VERBS
                and _joined(nxt, toks[i + 2])
            ):
                emit(i, i + 1, "lower pair")
                continue
    return out


# The last word of every nickname or field cue, to look a cue up only where one may end.
_NICKNAME_LAST = frozenset(c.split()[-1] for c in NICKNAME_CUES)
_FIELD_LAST = frozenset(c.split()[-1] for c in FIELD_CUES) | {"name"}
