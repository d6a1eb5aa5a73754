"""The instant layer of the crisis check: rules over the words themselves.

Plain Python and regular expressions only, so the check is instant and can run before the
embedding model has loaded: a crisis banner must never wait for anything.

Two different things are told apart here, because they need different replies:

* the *practitioner's own* crisis or risk ("I can't go on like this", "I've been cutting
  myself"), or someone in *immediate danger* ("he's in reception right now with a knife"):
  the reply leads with the UK crisis routes from prompts/safety.yaml;
* talk about *a person on probation's* self-harm or suicide risk ("he told me he wants to
  kill himself"): that is safeguarding, not the practitioner's crisis, so no banner, but
  `client_risk` is set so the reply leans on the safeguarding guidance.

Who is speaking is worked out crudely but predictably: quoted words introduced by "he
said" and the like belong to someone else; otherwise the last person named before the
phrase in the same sentence ("I", "he", "my client", "Dan said") is taken as its subject.
Everyday idiom ("this case is killing me") and negation ("I'm not suicidal") do not count.
tests/safety_cases.yaml holds the phrasings these rules are measured against.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

Kind = Literal["self", "danger"]
Owner = Literal["self", "other"]

# --- who is speaking ----------------------------------------------------------------------

FIRST_PERSON = frozenset("i i'm i've i'd i'll me my myself mine".split())
THIRD_PERSON = frozenset(
    """he she they him her them his hers their theirs himself herself themselves he's she's
    they're he'd she'd they'd he'll she'll they'll they've client clients person people man
    woman men women lad lads girl boy guy bloke someone somebody son daughter mum dad mother
    father brother sister friend partner pop pops probationer youngster kid kids child children
    resident tenant""".split()
)
NEGATIONS = frozenset("not never no nor without".split())
# A capitalised word followed by one of these is read as someone's name ("Dan said ...").
_NAME_VERBS = (
    r"is|was|has|had|said|says|told|tells|keeps|kept|wants|wanted|feels|felt|seems|seemed|"
    r"thinks|thought|will|would|might|may|could|can|does|did|doesn't|didn't|isn't|wasn't|"
    r"won't|can't|texted|rang|called|shouted|admitted|disclosed|mentioned"
)
_NOT_NAMES = frozenset(
    """i it this that there what everything everyone everybody nothing nobody anyone anybody
    life work today tonight honestly sometimes yesterday someone somebody which who why how
    when where he she they we you my the a and but so part home supervision team management
    everything something anything one""".split()
)
_NAME = re.compile(rf"\b([A-Z][a-z]+)(?='s\b|'d\b|\s+(?:{_NAME_VERBS})\b)")
_TOKEN = re.compile(r"\[[^\]]+\]|[a-z]+(?:'[a-z]+)?")
_SENTENCE_BREAK = re.compile(r"[.!?;\n]")
_CLAUSE_BREAK = re.compile(r"[.!?;:,\n]|\bbut\b")
_BUT = re.compile(r"\bbut\b")
_CONTRACTIONS = {
    "cant": "can't", "dont": "don't", "didnt": "didn't", "doesnt": "doesn't", "im": "i'm",
    "ive": "i've", "isnt": "isn't", "wasnt": "wasn't", "couldnt": "couldn't",
    "wouldnt": "wouldn't", "shouldnt": "shouldn't", "shes": "she's", "theyre": "they're",
    "whats": "what's", "wont": "won't",
}
_CONTRACTION = re.compile(r"\b(" + "|".join(_CONTRACTIONS) + r")\b", re.IGNORECASE)
# Dropped g's, as people type them ("endin it all", "cuttin again", "thinkin' of"): an -in'
# always, and these common verbs without the apostrophe (a bare -in is too often a word of its
# own: "cabin", "begin", "within").
_DROPPED_G = re.compile(
    r"\b([a-z]+in)'(?=\W|$)|\b((?:end|cutt|think|do|go|feel|gett|tak|say|look|plann|kill|"
    r"hurt|try|want|wonder|sitt|stand|driv|walk|jump|sav|hoard|stockpil|research|googl|writ|"
    r"giv|leav|drink|noth|someth|anyth|everyth)in)\b",
    re.IGNORECASE,
)
_REPORT_VERBS = (
    r"said|says|say|saying|told|tells|tell|telling|shouted|screamed|yelled|texted|wrote|"
    r"messaged|mentioned|disclosed|admitted|threatened|cried|whispered|asked|added|went|"
    r"kept\s+saying|keeps\s+saying|replied|answered|muttered|snapped"
)
_THIRD_RE = "|".join(sorted((re.escape(w) for w in THIRD_PERSON), key=len, reverse=True))
_QUOTE_FRAME_BEFORE = re.compile(
    rf"(?:\b(?:{_THIRD_RE})\b|\[[^\]]+\]|\x00)(?:\s+[\w']+){{0,2}}\s+(?:{_REPORT_VERBS})\b"
    r"(?:\s+[\w']+){0,3}[\s,:]*$"
)
_QUOTE_FRAME_AFTER = re.compile(
    rf"^[\s,]*(?:(?:{_REPORT_VERBS})\s+)?(?:\b(?:{_THIRD_RE})\b|\[[^\]]+\]|\x00)"
    rf"(?:\s+(?:{_REPORT_VERBS}))?"
)


@dataclass(frozen=True)
class Analysed:
    """A message normalised for matching, with what is needed to tell who a phrase is about.

    `text` is lowercased with typographic quotes straightened and common apostrophe-less
    contractions ("cant", "im") restored; positions in it are what `owner` and `negated`
    take. Compose uses this too, to attribute feelings ("he was angry" is not the
    practitioner's anger).
    """

    text: str
    names: frozenset[int]  # start offsets of words read as someone's name

    def owner(self, start: int, default: Owner | None = "self") -> Owner | None:
        """Whose is the phrase starting at `start`: the last person mentioned before it in
        its sentence, or `default` when nobody is."""
        last: Owner | None = None
        for word, at in self._sentences.words_before(start):
            if word in FIRST_PERSON:
                last = "self"
            elif word in THIRD_PERSON or word.startswith("[") or at in self.names:
                last = "other"
        return last or default

    def negated(self, start: int, window: int = 3) -> bool:
        """True when one of the few words just before `start`, in the same clause, negates
        it ("not angry", but not "not angry, just tired" for "tired")."""
        if start >= 3 and _BUT.match(self.text, start - 3, start):  # "...but|" ends a clause
            return False
        for word, _ in self._clauses.words_before(start, window):
            if word in NEGATIONS or word.endswith("n't") or word == "cannot":
                return True
        return False

    # Each call looks only at the words before one position; the text is cut into sentences
    # and clauses, and tokenised, once, so a long message costs time linear in its length
    # however many phrases are tested (a scan from the start each time was quadratic).
    @cached_property
    def _sentences(self) -> _Pieces:
        return _Pieces(self.text, _SENTENCE_BREAK)

    @cached_property
    def _clauses(self) -> _Pieces:
        return _Pieces(self.text, _CLAUSE_BREAK)


class _Pieces:
    """`text` cut at every match of `breaks`, each piece's words found once."""

    def __init__(self, text: str, breaks: re.Pattern[str]) -> None:
        self.text = text
        self.cuts = [0]  # where each piece starts
        ends = []
        for m in breaks.finditer(text):
            ends.append(m.start())
            self.cuts.append(m.end())
        ends.append(len(text))
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.words: list[str] = []
        self.first: list[int] = []  # index of the first word of each piece
        for lo, hi in zip(self.cuts, ends, strict=True):
            self.first.append(len(self.words))
            for tok in _TOKEN.finditer(text, lo, hi):
                self.starts.append(tok.start())
                self.ends.append(tok.end())
                self.words.append(tok.group())

    def words_before(self, start: int, last: int | None = None) -> list[tuple[str, int]]:
        """(word, offset) of the words of `start`'s piece that lie before it, in order (the
        `last` few only, if given): what `_TOKEN.finditer(text, piece_start, start)` gives."""
        piece = bisect_right(self.cuts, start) - 1
        lo = self.first[piece]
        i = bisect_right(self.ends, start, lo)  # words [lo, i) end by `start`
        if last is not None:
            lo = max(lo, i - last)
        found = [(self.words[j], self.starts[j]) for j in range(lo, i)]
        # a word cut off at `start` is read as far as `start`, as a scan stopping there would
        resume = self.ends[i - 1] if i > self.first[piece] else self.cuts[piece]
        found += [(t.group(), t.start()) for t in _TOKEN.finditer(self.text, resume, start)]
        return found if last is None else found[-last:]


def analyse(text: str) -> Analysed:
    """Normalise `text` (same length as the input after contractions are restored)."""
    cased = (
        text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
        .replace("\u201d", '"').replace("\u2013", "-").replace("\u2014", "-")
    )
    cased = _CONTRACTION.sub(lambda m: _CONTRACTIONS[m.group(1).lower()], cased)
    cased = _DROPPED_G.sub(lambda m: (m.group(1) or m.group(2)) + "g", cased)
    names = frozenset(
        m.start() for m in _NAME.finditer(cased) if m.group(1).lower() not in _NOT_NAMES
    )
    lower = cased.lower()
    if len(lower) != len(cased):  # a letter whose lower case is longer ("İ") keeps its case
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in cased)
    return Analysed(text=lower, names=names)


# --- the phrases ----------------------------------------------------------------------------

# Subject rules: "self"    - the phrase is first person by itself ("kill myself")
#                "needs"   - counts only with the practitioner named before it ("I ... suicidal")
#                "default" - the practitioner's unless someone else is named before it
Rule = Literal["self", "needs", "default"]


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    rule: Rule
    kind: Kind = "self"
    negatable: bool = False


def _p(pattern: str, rule: Rule, kind: Kind = "self", negatable: bool = False) -> _Pattern:
    return _Pattern(re.compile(pattern), rule, kind, negatable)


_SUICIDAL_NOUNS = (
    r"(?:thoughts?|ideation|feelings?|people|clients?|behaviou?r|risk|men|women|person|"
    r"individuals?|ideas?|crisis|patients?|young)\b"
)
_PILL_WORDS = r"tablets|pills|meds|medication|painkillers|paracetamol"
_PILLS = rf"(?:{_PILL_WORDS})"
_NOT_AN_ENDING = (
    r"(?!\s+(?:to|leave|holiday|about|at|for|in|into|a|an|the|working|training|courses?|that|"
    r"from|after|until|till|without|with\s+(?:the|my|our|that|this\s+(?:session|meeting|case|"
    r"report|course|conversation|stage)))\b|\s+(?!living\b|being\b)[a-z]+ing\b)"
)
_NOT_A_TRIP = (
    r"(?!\s+(?:to|on|into|off\s+to|with|at|from\s+(?:the|this|that|work)|"
    r"for\s+(?:a|an|the|two|three|some|half))\b)"
)
_END_OF_THOUGHT = r"(?=\s*(?:$|[.,!?;:]|any\s*more|any\s+longer|now|at\s+all|like\s+this))"

# Thinking about a method is a warning sign in itself (looking up bridges, weighing up how
# many tablets, the knives as "an option"): a place or means of harm and a way of weighing it.
_PLACES = (
    r"(?:motorway\s+)?bridges?|flyovers?|overpass\w*|level\s+crossings?|railway\s+(?:lines?|tracks?)|"
    r"(?:train\s+)?tracks|platform\s+edge|cliffs?|cliff\s+edge|multi-storeys?|tall\s+buildings?|"
    r"car\s+park\s+roofs?"
)
_MEANS = (
    rf"{_PILL_WORDS}|co-?codamol|codeine|insulin|morphine|antidepressants|sleeping\s+tablets|"
    r"knives|knife|blades?|razors?|rope|ligatures?|noose|hose(?:pipe)?|exhaust|car\s+fumes|"
    r"carbon\s+monoxide|overdose"
)
_WEIGH = (
    r"looking\s+up|looked\s+up|look\s+up|googl\w*|research\w*|search\w*(?:\s+for)?|"
    r"checking|checked\s+out|working\s+out|worked\s+out|figur\w*\s+out|scouting|"
    r"(?:keep|kept|been)\s+(?:looking\s+at|picturing|imagining|thinking\s+about)"
)

SELF_PATTERNS: tuple[_Pattern, ...] = (
    _p(
        r"\b(?:kill|killing|killed|hurt|hurting|harm|harming|harmed|injure|injuring|starve|"
        r"starving|cut|cutting|burn|burning)\s+myself\b(?!\s+(?:off|some|a|slack|short|out)\b)",
        "self",
        negatable=True,
    ),
    _p(r"\b(?:end|ending|ended|take|taking|took|taken)\s+my\s+(?:own\s+)?life\b", "self", "self",
       True),
    _p(
        r"\bbetter\s+off\s+(?:without\s+me|if\s+i\s+(?:was|were)\s+(?:dead|gone)|"
        r"if\s+i\s+(?:wasn't|weren't|was\s+not|were\s+not)\s+(?:here|around|alive))\b",
        "self",
    ),
    _p(r"\bbetter\s+off\s+dead\b", "default"),
    _p(r"\bbetter\s+(?:off\s+)?without\s+me\b(?=\s*(?:$|[.,!?;]|in\s+it|around|here))", "self"),
    _p(
        r"\b(?:easier|better)\s+(?:for\s+\w+\s+)?if\s+i\s+(?:just\s+)?(?:(?:wasn't|weren't|was\s+not|"
        r"were\s+not)\s+(?:here|around|alive)|(?:was|were)\s+(?:dead|gone)|disappeared|died)\b",
        "self",
    ),
    _p(rf"\b(?:{_PILL_WORDS}|rope|blade|razor)\s+(?:in\s+front\s+of|next\s+to|beside|ready\s+(?:by|for))"
       r"\s+me\b", "self"),
    _p(r"\bnot\s+safe\s+(?:with|around|from)\s+myself\b", "self"),
    # text-speak and UK slang: "kms", "top myself", "unalive myself"
    _p(r"(?<![\w'])kms(?![\w'])|\b(?:top|topping|topped|unalive|unaliving|off|offing)\s+myself\b"
       r"(?!\s+up\b)",
       "self", negatable=True),
    _p(r"\b(?:don't|do\s+not)\s+trust\s+myself\s+(?:not\s+to|around|with|tonight)\b", "self"),
    _p(r"\bwish(?:ed)?\s+i\s+(?:was|were)\s+dead\b", "self"),
    _p(r"\bwish(?:ed)?\s+i\s+(?:wasn't|weren't|was\s+not|were\s+not)\s+(?:here|alive|around|born)\b",
       "self"),
    _p(r"\b(?:hope|hoping|wish)\s+i\s+(?:don't|do\s+not|never)\s+wake\s+up\b", "self"),
    _p(r"\bsleep\s+and\s+(?:never|not)\s+wake\s+up\b", "default"),
    # "it'd be easier if I just didn't wake up", "wouldn't mind if I never woke up"
    _p(r"\b(?:easier|better|simpler|best|mind|relief|kinder)\s+(?:for\s+\w+\s+)?if\s+i\s+"
       r"(?:just\s+|simply\s+)?(?:didn't|did\s+not|never|don't|do\s+not|wouldn't|would\s+not)\s+"
       r"(?:wake|woke)\s+up\b(?!\s+(?:so\s+)?(?:early|late|at\s|in\s+the\s+night|every|so\s+often|"
       r"as\s+much|with|to\s+the|in\s+time|on\s+time))", "self"),
    _p(r"\b(?:want|wanted|wanting|wants|wish|wished)\s+to\s+(?:die|be\s+dead)\b", "default",
       negatable=True),
    _p(
        r"\b(?:don't|do\s+not|didn't|did\s+not)\s+want\s+to\s+(?:be\s+(?:here|alive|around)"
        rf"{_END_OF_THOUGHT}|live{_END_OF_THOUGHT}|exist\b|wake\s+up\b|carry\s+on{_END_OF_THOUGHT}"
        rf"|go\s+on{_END_OF_THOUGHT}|keep\s+going{_END_OF_THOUGHT})",
        "default",
    ),
    _p(rf"\b(?:can't|cannot|can\s+not|couldn't)\s+(?:go\s+on|carry\s+on|keep\s+going)\b"
       rf"{_NOT_AN_ENDING}", "default"),
    _p(r"\b(?:can't|cannot|can\s+not|couldn't)\s+(?:keep\s+living|live)\s+like\s+this\b|"
       r"\b(?:don't|do\s+not)\s+think\s+i\s+can\s+(?:go\s+on|carry\s+on|keep\s+going|"
       rf"keep\s+living|live){_END_OF_THOUGHT}", "default"),
    _p(r"\b(?:not\s+being|not\s+be|stop\s+being|no\s+longer\s+be(?:ing)?)\s+(?:here|alive|around)"
       r"(?=\s*(?:$|[.!?;]|any\s*more|any\s+longer))", "default"),
    _p(r"\bend(?:ing)?\s+things\b(?!\s+with)(?=\s*(?:$|[.,!?;]|tonight|for\s+good|now|today|"
       r"permanently))", "default", negatable=True),
    _p(r"\b(?:want|need|make)\s+(?:it\s+all|everything|it)\s+(?:to\s+)?stop\b[,\s]*"
       r"(?:permanently|for\s+good|forever|for\s+ever)\b", "default"),
    _p(r"\b(?:nobody|no\s+one|no-one|anyone|everyone)\s+would\s+(?:\w+\s+)?(?:notice|care|miss\s+me|"
       r"be\s+better)\b[^.!?]{0,20}?\bif\s+i\s+(?:was|were|wasn't|weren't|died|disappeared|went)\b",
       "self"),
    _p(r"\b(?:what\s+i\s+(?:might|could|would)\s+do)\s+to\s+myself\b", "self"),
    _p(r"\bwish\s+i(?:'d|\s+had)\s+never\s+been\s+born\b", "self"),
    _p(r"\b(?:a|such\s+a)\s+burden\s+(?:to|on)\s+(?:everyone|everybody|my\s+family|people|"
       r"all\s+of\s+them)\b", "default", negatable=True),
    _p(r"\b(?:want\w*|thought\s+about|think\w*\s+about|tempted|urge)\s+(?:to\s+)?(?:crash\w*\s+"
       r"(?:the|my)\s+car|(?:driv\w*|steer\w*)\s+(?:the|my)\s+car\s+(?:into|off))\b", "needs"),
    _p(
        r"\b(?:want|wanted|wanting|wants|wish|wished|like|love|longing)\s+(?:i\s+could\s+)?"
        rf"(?:to\s+)?(?:just\s+)?(?:disappear|vanish)(?:ing)?\b{_NOT_A_TRIP}",
        "default",
        negatable=True,
    ),
    _p(r"\bend(?:ing)?\s+it\s+all\b", "default", negatable=True),
    _p(r"\b(?:thinking|thought|think|thinks)\s+(?:about|of)\s+ending\s+(?:it|things)\b"
       r"(?!\s+with)", "default"),
    _p(r"\b(?:feel|feeling|felt)\s+(?:\w+\s+)?suicidal\b", "default", negatable=True),
    # "suicidal" on its own is the writer's unless someone else is named; as a label for a
    # kind of thought or person ("suicidal thoughts") it needs the writer named.
    _p(rf"\bsuicidal\b(?!\s+{_SUICIDAL_NOUNS})", "default", negatable=True),
    _p(rf"\bsuicidal\s+{_SUICIDAL_NOUNS}", "needs", negatable=True),
    _p(
        r"\b(?:thoughts?\s+(?:of|about)|thinking\s+(?:about|of)|thought\s+(?:about|of)|"
        r"think\s+about|considering|considered|contemplating|contemplated|planning|planned|"
        r"researching|googling|googled|looked\s+up)\s+(?:suicide|ways\s+to\s+die)\b",
        "needs",
        negatable=True,
    ),
    _p(r"\b(?:attempt|attempted|attempting|commit|committed|committing)\s+suicide\b|"
       r"\bsuicide\s+(?:attempt|note|plan)\b", "needs"),
    _p(r"\bself[-\s]?harm(?:ing|ed|s)?\b", "needs", negatable=True),
    _p(r"\b(?:been|started|start|am|i'm|keep)\s+cutting\s+(?:again|my\s+(?:arms?|legs?|thighs?|"
       r"wrists?|stomach))\b", "default", negatable=True),
    _p(r"\b(?:take|taking|took|taken|do|done|did|had)\s+(?:an?\s+)?overdose\b|"
       r"\boverdos(?:ed|ing)\b", "needs", negatable=True),
    _p(
        r"\b(?:take|taking|took|swallow\w*)\s+(?:all\s+(?:of\s+)?(?:my|the|those|these)|"
        rf"a\s+(?:load|bunch|handful)\s+of(?:\s+my)?)\s+{_PILLS}\b",
        "needs",
    ),
    _p(rf"\b(?:stockpil\w*|hoard\w*|saving\s+up)\s+(?:my\s+)?{_PILLS}\b", "needs"),
    _p(
        r"\b(?:step\w*|jump\w*|throw\w*\s+myself|threw\s+myself|walk\w*|driv\w*|drove)\s+"
        r"(?:out\s+)?in\s+front\s+of\s+(?:a|an|the)\s+(?:train|bus|lorry|car|van|traffic)\b",
        "needs",
    ),
    _p(
        r"\b(?:jump\w*|throw\w*\s+myself|threw\s+myself|step\w*)\s+off\s+(?:a|the)\s+"
        r"(?:bridge|building|roof|cliff|ledge|multi-storey|car\s+park)\b",
        "needs",
    ),
    _p(rf"\b(?:{_WEIGH})\s+(?:(?:which|where|what|the|how\s+high|how\s+tall|good|quiet|high)"
       rf"\s+)*(?:\w+\s+){{0,2}}(?:{_PLACES})\b", "needs"),
    _p(rf"\bhow\s+(?:many|much)\s+(?:\w+\s+){{0,2}}(?:{_MEANS})\b[^.!?]{{0,40}}?\b(?:would|to|will|"
       rf"does|do)\s+(?:it\s+)?(?:take|kill|finish|be\s+(?:enough|fatal|lethal)|do\s+it)\b",
       "default"),
    _p(r"\b(?:painless|surest|quickest|easiest|least\s+painful)\s+ways?\b(?=\s*(?:$|[.,!?;:'\")]|"
       r"to\s+(?:die|go|end\s+it|do\s+it|kill|check\s+out)\b|of\s+(?:dying|ending\s+it|doing\s+it)\b))",
       "default"),
    _p(rf"\b(?:{_MEANS})\b[^.!?]{{0,40}}?\b(?:an|the|the\s+only|my)\s+(?:option|way\s+out|answer|"
       r"escape)\b", "default"),
    _p(r"\b(?:nothing|no\s+one|nobody|no\s+reason)\s+(?:left\s+)?to\s+live\s+for\b", "default"),
    # a plan and not being there, in one sentence, with no leave, move or new job to explain it
    _p(r"(?:^|(?<=[.!?\n]))(?![^.!?\n]*\b(?:leave|holiday|annual|course|training|sick|maternity|"
       r"paternity|moving|move|new\s+job|secondment|retir\w*|notice|transfer\w*|off\s+to|trip|"
       r"flight|wedding|funeral|hospital|operation)\b)(?=[^.!?\n]*\b(?:planned|got\s+it\s+(?:all\s+)?"
       r"planned|made\s+my\s+mind\s+up|decided|picked\s+a\s+(?:date|day)|date\s+(?:picked|set)|"
       r"worked\s+out\s+how)\b)[^.!?\n]*?\bi(?:'m|\s+am)?\s+(?:won't|will\s+not|not\s+going\s+to)\s+"
       r"be\s+(?:around|here|alive)\b", "self"),
    _p(
        r"\b(?:what's|what\s+is|there's\s+no|there\s+is\s+no|no)\s+(?:the\s+)?point\s+(?:in|of)\s+"
        r"(?:living|being\s+alive|going\s+on|carrying\s+on|me\b|my\s+life|life\b)",
        "default",
    ),
    _p(r"\b(?:life|living|it)(?:'s|\s+is)?\s*(?:not|isn't|n't)\s+worth\s+living\b|"
       r"\bnot\s+worth\s+living\b", "default"),
    # the practitioner at risk from someone else
    _p(
        r"\bmy\s+(?:partner|husband|wife|boyfriend|girlfriend|ex)\b[^.!?]{0,40}?\b"
        r"(?:hit|hits|hitting|hurt|hurts|hurting|beat|beats|beating|strangl\w*|chok\w*|"
        r"threaten\w*|attack\w*|push\w*|kick\w*|punch\w*)\s+me\b",
        "self",
        "danger",
    ),
    _p(r"\b(?:scared|afraid|frightened|terrified)\s+to\s+go\s+home\b", "default", "danger"),
    _p(r"\bi(?:'m|\s+am)\s+not\s+safe\b(?!\s+to\s+drive)", "self", "danger"),
    _p(r"\b(?:don't|do\s+not)\s+feel\s+safe\s+(?:at\s+home|in\s+my\s+(?:own\s+)?(?:home|house|flat))",
       "default", "danger"),
)

# Someone (anyone) in immediate danger: no owner needed. "Right now" must sit within a few
# words of the harm ("in reception right now with a knife"), not anywhere in the sentence.
IMMEDIATE_GAP = 40  # characters
_IMMEDIATE = re.compile(
    r"\b(?:right\s+now|as\s+we\s+speak|this\s+(?:minute|second)|at\s+this\s+(?:very\s+)?moment)\b"
)
_HARM = re.compile(
    r"\b(?:(?:knife|knives|blade|weapon|gun|machete)(?!\s+(?:conviction|offence|incident|crime|"
    r"charge|history|record|marker))|bleeding|overdos\w*|pills|tablets|jump\w*|"
    r"roof|bridge|ledge|hanging|hanged|ligature|noose|unconscious|not\s+breathing|"
    r"unresponsive|collapsed|attack\w*|stab\w*|hitting|beating|strangl\w*|chok\w*|threaten\w*|"
    r"danger\w*|suicid\w*|(?:kill|hurt|harm|cut)(?:ing|s)?\s+(?:him|her|them|my)sel(?:f|ves)|"
    r"(?:kill|hurt|harm)(?:ing|s)?\s+(?:her|him|them|someone|somebody|us|the\s+\w+))\b"
)
DANGER_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\b(?:isn't|is\s+not|'s\s+not|not|stopped|aren't)\s+breathing\b"),
    re.compile(
        r"\babout\s+to\s+(?:jump|stab|attack|shoot|hang|overdose|take\s+an\s+overdose|"
        r"(?:kill|hurt|harm|cut)\s+(?:him|her|them|my)sel(?:f|ves)|"
        r"(?:kill|hurt|attack)\s+(?:him|her|them|someone|somebody|me))\b"
    ),
    re.compile(
        r"\b(?:has|have|'s|'ve)\s+(?:just\s+)?(?:taken|had|swallowed|done)\s+(?:an?\s+)?overdose\b"
        r"(?!\s+(?:before|previously|in\s+the\s+past|last|when|as|years|months|a\s+few|once|"
        r"twice|at\s+some))"
    ),
    re.compile(
        r"\b(?:has|have|'s|'ve)\s+just\s+(?:overdosed|cut\s+\w+sel(?:f|ves)|stabbed|attacked|"
        r"hanged|hung\s+\w+sel(?:f|ves)|taken\s+(?:a\s+load\s+of|all\s+(?:of\s+)?"
        r"(?:his|her|their|my|the))\s+\w+)\b"
    ),
    re.compile(
        r"\b(?:is|'s|are|'re|am|'m)\s+(?:currently\s+|still\s+|now\s+)?(?:bleeding|unconscious|"
        r"not\s+breathing|unresponsive|on\s+the\s+(?:roof|ledge|bridge|edge|railway|tracks)|"
        r"standing\s+on\s+the\s+(?:roof|ledge|bridge|edge)|holding\s+a\s+(?:knife|blade|weapon|gun)|"
        r"got\s+a\s+(?:knife|blade|weapon|gun|machete)\b(?!\s+(?:conviction|offence|charge|crime|"
        r"history|record|warning|marker)))"
    ),
    # someone has just swallowed something harmful, or shows the signs of an emergency now
    re.compile(
        r"\b(?:has|have|'s|'ve|had)\s+(?:just\s+)?(?:swallowed|drunk|drank|necked|taken)\s+"
        r"(?:all|a\s+(?:load|handful|bottle|packet|box|strip)|loads|the\s+(?:whole|rest))\s+"
        rf"(?:of\s+)?(?:(?:her|his|their|my|the|those|these|them)\s+)?(?:\w+\s+)?(?:{_PILL_WORDS}|"
        r"co-?codamol|bleach|antifreeze|blister\s+packs?)\b"
    ),
    re.compile(r"\b(?:drank|drunk|swallowed|swallowing|drinking)\s+(?:some\s+)?(?:bleach|antifreeze|"
               r"weedkiller|screenwash)\b"),
    re.compile(
        r"\b(?:is|'s|are|'re)\s+(?:now\s+|still\s+)?(?:barely\s+conscious|going\s+(?:grey|blue)|"
        r"turning\s+(?:grey|blue)|slurring|fitting|breathing\s+(?:really\s+)?(?:weird\w*|funny|"
        r"strange\w*|shallow\w*))\b|\bbreathing\s+(?:really\s+)?(?:weird|funny|strange)\w*\b"
    ),
    re.compile(
        r"\b(?:someone|somebody|a\s+child|the\s+child|a\s+baby|the\s+baby|children|kids|he|she|"
        r"they|i|we)(?:'s|\s+is|'re|\s+are|'m|\s+am)\s+in\s+(?:immediate\s+|real\s+|serious\s+|"
        r"grave\s+)?danger\b|\bin\s+immediate\s+danger\b"
    ),
)

# Words that mean someone else's self-harm or suicide risk is being talked about.
_CLIENT_RISK = re.compile(
    r"\b(?:suicid\w*|self[-\s]?harm\w*|overdos\w*|ligature\w*|"
    r"(?:kill|hurt|harm|cut)(?:ing|s)?\s+(?:him|her|them)sel(?:f|ves)(?!\s+laugh)|"
    r"end(?:ing|ed)?\s+(?:his|her|their)\s+(?:own\s+)?life|"
    r"(?:wants?|wanted|wanting)\s+to\s+die)\b"
)


# --- the check --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SafetyCheck:
    """What the safety check found in one message.

    `crisis` is True when the reply must lead with the crisis routes; `kind` says which
    banner ("self": the practitioner's own crisis or risk; "danger": someone in immediate
    danger). `client_risk` is True when someone else's self-harm or suicide risk is talked
    about, which calls for safeguarding guidance rather than the banner. `matched` is the
    phrase that decided it, for tests and debugging only: never shown or stored.
    """

    crisis: bool = False
    kind: Kind | None = None
    client_risk: bool = False
    matched: str = ""


NO_CRISIS = SafetyCheck()


def check(text: str) -> SafetyCheck:
    """Look for crisis language in one message. Instant; never needs the model."""
    if not text or not text.strip():
        return NO_CRISIS
    analysed = analyse(text)
    masked, quoted_risk = _mask_reported_speech(analysed)
    view = Analysed(text=masked, names=analysed.names)
    client_risk = quoted_risk or any(
        view.owner(m.start(), default=None) != "self" for m in _CLIENT_RISK.finditer(masked)
    )

    for start, end in _sentences(masked):
        near = _immediate_harm(view, start, end)
        if near:
            return SafetyCheck(True, "danger", client_risk, near)
    for danger in DANGER_PATTERNS:
        found = danger.search(masked)
        if found:
            return SafetyCheck(True, "danger", client_risk, found.group())
    for pattern in SELF_PATTERNS:
        for m in pattern.regex.finditer(masked):
            if pattern.negatable and view.negated(m.start()):
                continue
            if pattern.rule == "self":
                owner: Owner | None = "self"
            elif pattern.rule == "needs":
                owner = view.owner(m.start(), default=None)
            else:
                owner = view.owner(m.start(), default="self")
            if owner == "self":
                return SafetyCheck(True, pattern.kind, client_risk, m.group())
            client_risk = True
    return SafetyCheck(False, None, client_risk, "")


def _immediate_harm(view: Analysed, start: int, end: int) -> str:
    """'right now' and a word of harm close together (not negated) in one sentence."""
    nows = [m for m in _IMMEDIATE.finditer(view.text, start, end)]
    if not nows:
        return ""
    for harm in _HARM.finditer(view.text, start, end):
        if view.negated(harm.start()):
            continue
        for now in nows:
            gap = max(now.start(), harm.start()) - min(now.end(), harm.end())
            if gap <= IMMEDIATE_GAP:
                lo, hi = min(now.start(), harm.start()), max(now.end(), harm.end())
                return view.text[lo:hi]
    return ""


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_BREAK.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    return [s for s in spans if text[s[0] : s[1]].strip()]


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of quoted passages, quote marks included: "..." and '...'.

    A single quote opens only after a space or punctuation and closes only before one, so
    apostrophes ("can't", "Gibbs' cycle") are never read as quotes.
    """
    spans = [(m.start(), m.end()) for m in re.finditer(r'"[^"\n]+"', text)]
    quotes = [m.start() for m in re.finditer("'", text)]
    closers = [j for j in quotes if j and not text[j - 1].isspace()
               and (j + 1 == len(text) or not text[j + 1].isalnum())]
    newlines = [m.start() for m in re.finditer("\n", text)]
    resume = 0
    for i in quotes:
        if i < resume or (i and text[i - 1].isalnum()) or i + 1 == len(text) \
                or text[i + 1].isspace():
            continue
        k = bisect_left(closers, i + 1)
        if k == len(closers):
            continue
        close, line = closers[k], bisect_left(newlines, i + 1)
        if line == len(newlines) or newlines[line] > close:  # closed on the same line
            spans.append((i, close + 1))
            resume = close + 1
    return sorted(spans)


def _mask_reported_speech(analysed: Analysed) -> tuple[str, bool]:
    """Blank out quoted words that someone else said ("he said 'I want to die'").

    Returns the text with those quotes replaced by spaces (offsets unchanged) and whether
    any of them held crisis language, which makes it a safeguarding matter.
    """
    text = analysed.text
    # A name at a quote's edge counts as a speaker: mark it with \x00 for the frame regexes.
    marked = list(text)
    for pos in analysed.names:
        marked[pos] = "\x00" if pos < len(marked) else marked[pos]
    framed = "".join(marked)
    out = list(text)
    risky = False
    for start, end in _quoted_spans(text):
        before = framed[max(0, start - 80) : start]
        before = re.split(r"[.!?;\n]", before)[-1]
        after = framed[end : end + 40]
        if _QUOTE_FRAME_BEFORE.search(before) or _QUOTE_FRAME_AFTER.match(after):
            inner = text[start:end]
            if _CLIENT_RISK.search(inner) or any(p.regex.search(inner) for p in SELF_PATTERNS):
                risky = True
            out[start:end] = " " * (end - start)
    return "".join(out), risky
