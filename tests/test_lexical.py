from reflect_bot.lexical import Lexical, tokens, words


def test_tokens_drop_stopwords_and_stem() -> None:
    assert words("He was CRYING and I didn't know") == ["crying", "know"]
    assert tokens("crying cries") == ["cri", "cri"]


def test_bm25_scores_matching_documents_only() -> None:
    lex = Lexical(["children in the room at a home visit", "burnout and exhaustion", "recall"])
    scores = lex.scores("the children were crying", 3)
    assert list(scores) == [0] and scores[0] > 0
    assert lex.scores("zzz unknown words", 3) == {}
