from reflect_bot.lexical import Lexical, tokens, words


def test_tokens_drop_stopwords_and_stem() -> None:
    assert words("He was CRYING and I didn't know") == ["crying", "know"]
    assert tokens("crying cries") == ["cri", "cri"]


def test_bm25_scores_matching_documents_only() -> None:
    lex = Lexical.build(
        ["children in the room at a home visit", "burnout and exhaustion", "recall"]
    )
    scores = lex.scores("the children were crying", 3)
    assert list(scores) == [0] and scores[0] > 0
    assert lex.scores("zzz unknown words", 3) == {}


def test_scores_equal_bm25s(corpus) -> None:
    """The numpy scoring over the cached arrays gives bm25s's own scores."""
    import bm25s
    import numpy as np

    from reflect_bot.index import lexical_documents

    documents = lexical_documents(corpus)
    ours = Lexical.build(documents)
    assert ours.problem() == ""
    theirs = bm25s.BM25()
    theirs.index([tokens(d) or ["\u2205"] for d in documents], show_progress=False)
    for query in ("he shouted at me and I froze", "recall recall licence conditions",
                  "her children were taken into care", "supervision burnout tired"):
        ids = [t for t in tokens(query) if t in theirs.vocab_dict]
        expected = theirs.get_scores(ids)
        got = ours.scores(query, len(documents))
        dense = np.zeros(len(documents), dtype=np.float32)
        for i, score in got.items():
            dense[i] = score
        assert np.allclose(dense, np.where(expected > 0, expected, 0), atol=1e-5), query
        assert got  # every query matches something
