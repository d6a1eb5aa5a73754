"""Words the practitioner marks to hide in the save preview hide what they wrote, never the
guidance a reply quotes; a name recognised in their words is still hidden in a reply."""

from __future__ import annotations

from reflect_bot.journal import Draft, Journal

REPLY = ("Under the Care Act 2014 you can ask for a needs assessment. "
         "Care leavers may have a personal adviser.")


def prepare(turns, extra, tags=()):
    return Journal.prepare(Draft(kind="conversation", turns=turns, tags=list(tags)), extra)


def test_extra_words_hide_the_practitioners_words_but_not_quoted_guidance():
    prepared = prepare([("practitioner", "Care told me he was sleeping rough again."),
                        ("reply", REPLY)], ["Care"], tags=["Care", "housing"])
    (_, mine), (_, reply) = prepared.turns
    assert mine.text == "[NAME-1] told me he was sleeping rough again."
    assert reply.text == REPLY and not reply.spans
    assert prepared.tags[0].text == "[NAME-1]"


def test_a_name_recognised_in_their_words_is_still_hidden_in_a_reply():
    prepared = prepare([("practitioner", "Mr Daniel Price shouted when Dan saw the letter."),
                        ("reply", "It sounds as if Daniel felt cornered by the Care Act letter.")],
                       ["Dan", "Care"])
    (_, mine), (_, reply) = prepared.turns
    assert "Daniel" not in mine.text and "Dan " not in mine.text
    assert "Daniel" not in reply.text and "[NAME-1]" in reply.text  # one number throughout
    assert "Care Act" in reply.text


def test_guided_answers_are_all_the_practitioners_words():
    draft = Draft(kind="reflection", model="gibbs", stages=["Description", "Feelings"],
                  turns=[("Description", "Care was late."), ("Feelings", "I felt Care was angry")])
    prepared = Journal.prepare(draft, ["Care"])
    assert [r.text for _, r in prepared.turns] == ["[NAME-1] was late.",
                                                   "I felt [NAME-1] was angry"]
