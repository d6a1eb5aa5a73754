from reflect_bot.lexical import Lexical, expand, tokens, words


def test_tokens_drop_stopwords_and_stem() -> None:
    assert words("He was CRYING and I didn't know") == ["crying", "know"]
    assert tokens("crying cries") == ["cri", "cri"]


def test_expand_adds_guidance_terms_for_whole_words_only() -> None:
    glossary = {"kids": ("children", "safeguarding"), "kicked off": ("anger",)}
    assert expand("his kids were there", glossary).endswith("children safeguarding")
    assert expand("he kicked off again", glossary).endswith("anger")
    assert expand("skids on the road", glossary) == "skids on the road"


def test_bm25_scores_matching_documents_only() -> None:
    lex = Lexical(["children in the room at a home visit", "burnout and exhaustion", "recall"])
    scores = lex.scores("the children were crying", 3)
    assert list(scores) == [0] and scores[0] > 0
    assert lex.scores("zzz unknown words", 3) == {}
