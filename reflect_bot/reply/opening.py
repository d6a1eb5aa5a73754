"""The first and last lines of a reply, chosen by the kind of message and by what was said.

A feeling line is used only for a feeling the practitioner named about themselves; otherwise
the kind of message picks a line that claims nothing the message does not say. Choices are
deterministic (the same message gets the same line) and avoid lines already used in the
conversation.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from reflect_bot.prompts import Prompts
from reflect_bot.reply.understand import Understanding

# kinds of message where a named feeling is acknowledged before anything else
FEELING_FIRST = frozenset({"story", "own-state", "follow-up", "how-to", "good-news"})
POSITIVE = frozenset({"proud", "relieved"})
LONG_MESSAGE_WORDS = 40  # "there is a lot in what you have described" needs this many words


def pick(options: Sequence[str], seed: str, used: set[str] | frozenset[str] = frozenset()) -> str:
    """A deterministic choice that varies with the message and avoids lines already used."""
    fresh = [o for o in options if o not in used] or list(options)
    return fresh[zlib.crc32(seed.encode("utf-8", "surrogatepass")) % len(fresh)]


def acknowledgement(
    understood: Understanding, prompts: Prompts, used: set[str] | frozenset[str] = frozenset()
) -> str:
    check = understood.check
    if check.crisis and check.kind:
        return pick(prompts.safety.acknowledgements[check.kind], understood.text, used)
    by_id = {s.id: s for s in prompts.replies.feelings}
    feelings = [f for f in understood.feelings if understood.kind != "good-news" or f in POSITIVE]
    if feelings and understood.kind in FEELING_FIRST:
        if understood.kind == "good-news" or not set(feelings) <= POSITIVE:
            feelings = [f for f in feelings if f not in POSITIVE] or feelings
        return pick(by_id[feelings[0]].lines, understood.text, used)
    wording = prompts.replies.by_type[understood.kind]
    options = wording.openers
    if len(understood.text.split()) >= LONG_MESSAGE_WORDS:
        options = (*options, *wording.long_openers)
    return pick(options, understood.text, used)


def closing(
    understood: Understanding, prompts: Prompts, used: set[str] | frozenset[str] = frozenset()
) -> str:
    if understood.check.crisis:
        return prompts.safety.continue_offer
    return pick(prompts.replies.by_type[understood.kind].closings, understood.text, used)
