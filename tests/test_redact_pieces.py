"""reflect_bot.redact reads a long text in bounded pieces (reflect_bot/redact/pieces.py):
the cuts, and that cutting changes nothing a reader can see."""

from __future__ import annotations

import pytest
from test_redact import load_cases

from reflect_bot.redact import pieces, redact
from reflect_bot.redact.pieces import split_pieces


def _check_cover(text: str, cuts: list[tuple[int, int]]) -> None:
    assert cuts[0][0] == 0 and cuts[-1][1] == len(text)
    for (_, a_end), (b_start, _) in zip(cuts, cuts[1:], strict=False):
        assert a_end == b_start


def test_pieces_cover_the_text_and_cut_after_line_breaks() -> None:
    text = "".join(f"line {i} about the session\r\n" for i in range(2000))
    cuts = split_pieces(text, 1000)
    _check_cover(text, cuts)
    assert len(cuts) > 40
    for start, end in cuts:
        assert end - start <= 1001
        assert text[end - 2 : end] == "\r\n" or end == len(text)


def test_a_long_line_is_cut_after_a_sentence_then_at_a_space_then_anywhere() -> None:
    sentences = "He came in late. " * 500
    cuts = split_pieces(sentences, 1000)
    _check_cover(sentences, cuts)
    assert all(sentences[e - 2 : e] == ". " for _, e in cuts[:-1])
    words = "word " * 1000
    cuts = split_pieces(words, 1000)
    _check_cover(words, cuts)
    assert all(words[e - 1] == " " for _, e in cuts[:-1])
    solid = "x" * 5000
    cuts = split_pieces(solid, 1000)
    _check_cover(solid, cuts)
    assert [e - s for s, e in cuts] == [1000] * 5


def test_short_text_is_one_piece() -> None:
    assert split_pieces("Met Kyle today.", 1000) == [(0, 15)]
    assert split_pieces("", 1000) == [(0, 0)]


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pieces, "PIECE", 120)


def test_a_name_found_late_is_hidden_early_with_one_number(small_pieces: None) -> None:
    early = "We talked about Zorblatt and the hostel.\n"
    filler = "We talked about the curfew and how it was going.\n" * 20
    late = "Mr Zorblatt rang again.\n"
    result = redact(early + filler + late + "Zorblatt's sister came too.\n")
    lines = result.text.splitlines()
    assert lines[0] == "We talked about [NAME-1] and the hostel."
    assert lines[21] == "[NAME-1] rang again." or lines[21] == "Mr [NAME-1] rang again."
    assert lines[22] == "[NAME-1]'s sister came too."
    assert "Zorblatt" not in result.text


def test_pieces_find_what_the_whole_text_finds(small_pieces: None) -> None:
    positive, unchanged = load_cases()
    text = "\n".join([c.text for c in positive if not c.names] + unchanged)
    cut = redact(text)
    pieces.PIECE = 10_000_000
    whole = redact(text)
    assert [(s.start, s.end, s.type) for s in cut.spans] == [
        (s.start, s.end, s.type) for s in whole.spans
    ]
    assert len(cut.text.splitlines()) == len(text.splitlines())
