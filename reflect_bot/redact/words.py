"""The bundled vocabulary (reflect_bot/data/) and the fixed word sets the rules read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reflect_bot.redact.tokens import _tokens

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class _Vocab:
    first: frozenset[str]  # lower-case first names
    kind: dict[str, str]  # lower-case first name -> "word" | "never"
    surnames: frozenset[str]  # lower-case surnames (theorists removed)
    people: frozenset[str]  # lower-case single-word theorist surnames
    terms: frozenset[str]  # lower-case single words that are never (part of) a name
    phrases: dict[str, tuple[tuple[str, ...], ...]]  # first word -> multi-word entries
    public_numbers: frozenset[str]  # helplines anyone may quote (digits, national form)


def _data_lines(name: str) -> Iterator[str]:
    for raw in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            yield line


def _phrase_pattern(phrase: str) -> str:
    """A regex for the words of `phrase`, with any spacing (but never a line break)."""
    return r"[ \t]+".join(re.escape(w) for w in phrase.split())


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    kind: dict[str, str] = {}
    for line in _data_lines("name_words.txt"):
        name, _, k = line.partition(" ")
        kind[name.lower()] = k.strip() or "word"
    first = {line.lower() for line in _data_lines("first_names.txt")} | set(kind)

    people: set[str] = set()
    terms: set[str] = set()
    phrases: list[str] = []
    numbers: set[str] = set()
    section = "terms"
    for line in _data_lines("allowlist.txt"):
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip().lower()
            continue
        if section == "numbers":
            numbers.add(re.sub(r"[^0-9]", "", line))
        elif len(line.split()) > 1:
            phrases.append(line)
        elif section == "people":
            people.add(line.lower())
        else:
            terms.add(line.lower())
    surnames = {line.lower() for line in _data_lines("surnames.txt")} - people - terms
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = tuple(t.low for t in _tokens(phrase) if not t.is_initial)
        if len(words) > 1:
            by_first.setdefault(words[0], []).append(words)
    return _Vocab(
        first=frozenset(first),
        kind=kind,
        surnames=frozenset(surnames),
        people=frozenset(people),
        terms=frozenset(terms),
        phrases={k: tuple(sorted(v, key=len, reverse=True)) for k, v in by_first.items()},
        public_numbers=frozenset(numbers),
    )


# Grammar words that never start or continue a name, whatever their capitalisation.
# (April, May, June and August are names too: name_words.txt says when they count.)
_STOPWORDS = frozenset(
    """
    a about above after afterwards again against ago all also although always am an and
    another any anyway apparently are as asked at back be because been before being
    below between both but by called came can clearly could dear did discussed do does
    during each either eventually every everyone finally for from further generally had
    has have he hello her here hers him his honestly hopefully how however hi i if in
    initially into is it its just last later let like luckily many maybe me meanwhile met
    might more most mr mrs ms miss mx dr prof my myself never next no nobody none nor not
    now of off often ok okay on once one only or other our out over overall per perhaps
    please rang read really saw she should since so some someone sometimes spoke still
    such sadly talked than thank thanks that the their them then there these they this
    those though through throughout thus to today told tomorrow tonight too under
    unfortunately until up upon us used using very was we week were what when where
    whether which while who whom whose why with within without would yes yesterday yet
    you your yours
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur
    thurs fri sat sun january february march july september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec christmas easter
    new old north south east west northern southern eastern western great little upper
    lower central st saint
    mum mam mom dad nan nana nanna gran granny grandma grandad granddad grandpa
    road street avenue close drive crescent terrace gardens mews square parade boulevard
    rd ave
    """.split()
)

# After a sentence-initial "word" first name, these make it a person: "Will said", "Mark
# was late" (but "Will he come?", "Mark the date").
_PERSON_VERBS = frozenset(
    """
    said says told tells asked asks was is has had did does didn't doesn't wasn't isn't
    hasn't hadn't came comes went goes rang rings called calls missed misses arrived
    arrives attended attends turned seemed seems looked looks felt feels wants wanted
    thinks thought got gets left explained disclosed admitted denied agreed refused
    shouted cried laughed smiled texted emailed phoned kicked walked stormed stayed lives
    lived works worked won't can't couldn't wouldn't became becomes needs needed tried
    tries spoke speaks talked talks mentioned reported started stopped failed managed
    """.split()
)

# "St George's", "San Diego", "Port Talbot": a first name after these is part of a place.
_PLACE_PREFIXES = frozenset(
    "st saint san santa santo sao são los las port fort mount lake glen queen king prince "
    "princess".split()
)

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lady", "lord"})
_ACADEMIC_TITLES = frozenset({"dr", "prof"})
_SHORT_TITLES = frozenset({"mr", "mrs", "ms", "mx"})  # titles even in lower case

# "his mum Sarah", "her partner Dean Smith", "a lad called Tyrese".
_RELATIONS = frozenset(
    """
    mum mam mom mother dad father stepdad stepmum stepmother stepfather step-dad step-mum
    sister brother sibling son daughter stepson stepdaughter stepbrother stepsister
    half-brother half-sister twin child baby kid partner ex ex-partner ex-girlfriend
    ex-boyfriend ex-wife ex-husband girlfriend boyfriend wife husband fiance fiancé
    fiancee fiancée nan nana nanna gran granny grandma grandmother grandad granddad grandpa
    grandfather grandson granddaughter aunt auntie aunty uncle cousin niece nephew friend
    mate pal neighbour flatmate housemate cellmate padmate victim co-defendant codefendant
    carer colleague manager supervisor mentor counsellor therapist psychologist
    psychiatrist nurse doctor teacher boss employer landlord landlady solicitor worker
    keyworker officer named nicknamed aka alias
    """.split()
)
# "called" introduces a name only after words like these ("a lad called Tyrese").
_CALLED_AFTER = frozenset(
    "someone somebody man woman lad girl boy guy bloke person fella chap friend mate is was "
    "he's she's".split()
)

_STREET_SUFFIXES = (
    "Road Rd Street St Avenue Ave Close Lane Ln Drive Dr Way Crescent Cres Court Ct Place "
    "Pl Grove Gardens Gdns Terrace Tce Walk Square Sq Mews Hill Row Rise View Parade Green "
    "Vale Boulevard Croft Fold Gate Mount Chase Wynd Yard Wharf Approach Bank Brow Park "
    "Heights Meadow Meadows Grange Mead Garth Dene Hollow Nook Quay Circus Causeway "
    "Embankment Promenade Precinct Estate Fields"
).split()
# Street words that, typed in lower case after a house number or a living cue, are
# almost always a street: "6 market street", "on maple grove". Court, Park, Hill and
# the like are too often something else in lower case.
LOWER_STREET_WORDS = frozenset(
    "road rd street avenue ave lane drive close crescent cres grove gardens gdns terrace "
    "tce mews walk way court place row square parade wynd croft".split()
)
# Units after a number: "a 10 minute walk", "5 miles down the road" are no address.
UNIT_WORDS = frozenset(
    "minute minutes min mins hour hours hr hrs second seconds sec secs day days week weeks "
    "month months year years mile miles yard yards metre metres meter meters km foot feet "
    "step steps mph lane lanes bus buses times percent per am pm ish wk wks hrs yrs mg ml "
    "pts pt".split()
)
# After a first name these words mean a place ("Albert Road", "Victoria Park", "Albert
# Dock"), not a surname.
_NOT_SURNAME_SUFFIXES = frozenset(
    "road rd street avenue ave close drive crescent cres terrace tce gardens gdns mews square "
    "sq parade boulevard way place grove walk row rise view estate dock docks station "
    "hospital centre center stadium arena college school university library pier quay wharf "
    "airport prison".split()
)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Ordinary lower-case English words (SCOWL size 35, english_words.txt)."""
    return frozenset(_data_lines("english_words.txt"))


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Lower-case places in England and Wales (places.txt): never a name by context or
    shape alone, though a listed surname that is also a town ("Preston") still is one."""
    return frozenset(line.lower() for line in _data_lines("places.txt"))


# Name particles: "Siobhán Ní Bhriain", "Dafydd ap Gruffydd", "Bronwen ferch Rhys",
# "Seán Mac Giolla", "Abdul bin Rashid". Inside a name, between two name words, any case.
PARTICLES = frozenset(
    "ó o o' ní ni nic mac mc ua uí ui ap ab ferch verch bin ibn bint binti abu al el van von "
    "de da di du del della dos das der den ter le la".split()
)
# Particles that start an Irish surname on their own: "Ní Bhriain said", "Ó Súilleabháin".
LEADING_PARTICLES = frozenset("ó ní nic ua uí mac".split())
# Particles that join two lower-case words into a name with no other cue: "eoghan ua
# buachalla", "dafydd ab owain", "khalid bin saeed". (Not "de", "la", "van"...: in lower
# case they are as often French or Dutch words.)
LOWER_PARTICLES = frozenset(
    "ó o o' ní nic mac mc ua uí ui ap ab ferch verch bin ibn bint van văn thi thị".split()
)
# Irish surnames with the article: "Mac an tSaoir", "Nic an Bhaird", "Ó an Bhaird".
ARTICLE_AFTER = frozenset("mac mc nic ó o ní ni ua uí ui".split())
# The word after the article, capitalised or with its initial mutation: "tSaoir", "bhFear".
IRISH_WORD_RE = re.compile(r"(?:t|n|h|m|b|d|g|bh|dt|gc|mb|ng|bp)?[A-ZÁÉÍÓÚ][^\W\d_]+")
# Words that go before a given name as part of how someone is called: Cantonese "Ah
# Keung", Arabic "Abu Yusuf", "Umm Ahmed".
NAME_PREFIXES = frozenset("ah abu umm".split())
# Month and day abbreviations that are also given names or surnames ("Huang Jun", "Jan
# Nowak", "Sun Li"): inside a run of name words, with no number after them, they are names.
NAME_ABBREVIATIONS = frozenset("jan jun sun".split())

# A form's fields: after these a listed name is a name even if it is a word too
# ("forename - paddy", "first name: rose").
FIELD_CUES = frozenset(
    "surname|first name|forename|forenames|last name|family name|given name|middle name|"
    "maiden name|christian name|surname is|first name is|forename is|last name is".split("|")
)

# Cues after which only a word that cannot be an ordinary word is a name: "said frank
# things", "told me straight".
SPEECH_CUES = frozenset("said|said that|told|told me|told us|asked|called".split("|"))

# What comes before a name in case notes: "spoke to kyle", "real name is Chukwuemeka",
# "everyone calls him Chuks". Word sequences, lower case; the name is the next word.
CONTEXT_BEFORE: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in """
    calls him|calls her|calls them|calls himself|calls herself|called him|called her
    called himself|called herself|goes by|go by|known as|real name is|real name|name is
    name was|name's|nicknamed|nicknamed him|nicknamed her|named|aka|a.k.a|alias|met with
    meeting with|met up with
    spoke to|spoke with|speaking to|speaking with|spoken to|spoken with|talked to
    talked with|talking to|talking with|rang|phoned|texted|emailed|saw|seen|visited
    visiting|met|home visit to|visit to|interviewed|supervised|supervising|contact from
    said|told|asked|reminded|warned|thanked|told me|told us|said that|called
    call from|message from|text from|letter from|email from|visit from|voicemail for
    call him|call her|full name|full name is|birth name|birth name is
    knows him as|knows her as|know him as|know her as|by the name of|nickname is
    nickname|street name is|street name
    surname|first name|forename|forenames|last name|family name|given name|middle name
    maiden name|christian name|surname is|first name is|forename is|last name is
    """.replace("\n", "|").split("|")
    if p.strip()
)

# After these a quoted word is a name even if it is an English word: "goes by 'tiny'".
NAMING_CUES = frozenset(
    "goes by|go by|known as|nicknamed|nicknamed him|nicknamed her|named|aka|a.k.a|alias|"
    "calls himself|calls herself|"
    "calls him|calls her|call him|call her|called|name is|real name is|real name|"
    "full name|full name is|knows him as|knows her as|know him as|know her as|"
    "by the name of|nickname is|nickname|street name is|street name".split("|")
)
# After these, a nickname needs no quotes when a comma or the end of the line closes it:
# "goes by little t, real name ...", "his brother, known as bones, was arrested".
NICKNAME_CUES = frozenset(
    "goes by|go by|known as|nicknamed|aka|a.k.a|calls himself|calls herself|calls him|"
    "calls her|call him|call her|knows him as|knows her as|know him as|know her as|"
    "by the name of|nickname is|street name is|name is|real name is|nicknamed him|"
    "nicknamed her|"
    "called him|called her|called himself|called herself".split("|")
)
# First names that are also modal verbs or past tenses, so never a name by a cue alone
# in lower case: "his son will be there", "her partner may come", "his score rose".
NOT_NAME_AFTER_CUE = frozenset("will may might rose drew".split())

# What follows a name: "kyle said", "Mthunzi answered the door". Only verbs a thing
# rarely does ("his meds left" is not a person).
PERSON_ACTS = frozenset(
    """
    said says told tells asked asks answered answers replied replies rang rings phoned
    texted emailed shouted admitted denied disclosed explained agreed refused arrived
    attended came turned reckons reckoned claims claimed insists insisted
    """.split()
)
