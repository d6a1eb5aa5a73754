"""The one input policy (reflect_bot.inputs): decoding, cleaning and the message cap."""

from __future__ import annotations

import io

import pytest

from reflect_bot.errors import UsageError
from reflect_bot.inputs import (
    MAX_MESSAGE_CHARS,
    clean,
    from_argument,
    prepare,
    read_lines,
)


def lines(data: bytes, **kwargs) -> list:
    return list(read_lines(io.BytesIO(data), **{"strict": True, **kwargs}))


def test_lines_come_without_their_endings_numbered_from_one():
    got = lines(b"one\ntwo\r\n\nthree")
    assert [(x.number, x.text, x.cut) for x in got] == [
        (1, "one", 0), (2, "two", 0), (3, "", 0), (4, "three", 0)
    ]
    assert lines(b"") == []


def test_bytes_that_are_not_utf8_name_the_line_in_a_pipe():
    with pytest.raises(UsageError, match=r"not UTF-8 text \(line 2, character 9\)") as err:
        lines(b"he shouted\nI froze \xff\xfe and left\n")
    assert "\n" not in str(err.value)


def test_bytes_that_are_not_utf8_are_replaced_when_typed():
    got = lines(b"fine\nI froze \xff and left\n", strict=False)
    assert [x.text for x in got] == ["fine", "I froze \ufffd and left"]
    assert [x.replaced for x in got] == [False, True]


def test_random_bytes_are_an_error_not_a_crash():
    binary = bytes(range(256)) * 400
    with pytest.raises(UsageError, match=r"\(line 2, "):  # byte 10 ends line 1
        lines(binary)


def test_a_huge_line_is_read_only_up_to_the_cap_and_the_rest_is_counted():
    story = "é" * (3 * MAX_MESSAGE_CHARS)  # two bytes a character
    got = lines(story.encode() + b"\nnext\n")
    assert len(got[0].text) == MAX_MESSAGE_CHARS
    assert got[0].cut == 2 * MAX_MESSAGE_CHARS
    assert got[1].text == "next" and got[1].cut == 0


def test_a_character_cut_at_the_byte_limit_is_counted_not_an_error():
    text = "a" * (4 * MAX_MESSAGE_CHARS + 3) + "é" + "b"
    (got,) = lines(text.encode())
    assert len(got.text) == MAX_MESSAGE_CHARS
    assert got.cut == len(text) - MAX_MESSAGE_CHARS


def test_a_text_stream_is_read_with_the_same_cap():
    got = list(read_lines(io.StringIO("a\n" + "b" * 30 + "\nc"), strict=True, limit=10))
    assert [(x.text, x.cut) for x in got] == [("a", 0), ("b" * 10, 20), ("c", 0)]


def test_ten_thousand_lines_are_ten_thousand_messages():
    data = b"".join(b"line %d\n" % i for i in range(10_000))
    got = lines(data)
    assert len(got) == 10_000 and got[-1].text == "line 9999" and got[-1].number == 10_000


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("\x1b[31mI froze\x1b[0m", "I froze"),
        ("he shouted\x00 at me", "he shouted at me"),
        ("\x1b]0;title\x07window", "window"),
        ("bell\x07 and \x9b2J csi", "bell and  csi"),
        ("tab\tthen\r\nline", "tab    then\nline"),
    ],
)
def test_escapes_and_control_characters_never_reach_the_core(typed, kept):
    assert clean(typed) == kept
    assert prepare(typed).text == kept


def test_a_message_is_capped_with_a_notice():
    message = prepare("x" * 5_000_000)
    assert len(message.text) == MAX_MESSAGE_CHARS
    assert message.cut == 5_000_000 - MAX_MESSAGE_CHARS
    assert "20,000" in message.notice and "\n" not in message.notice
    assert prepare("short").notice == ""


def test_escapes_do_not_count_towards_the_cap():
    message = prepare("\x1b[0m" * 100 + "y" * MAX_MESSAGE_CHARS)
    assert message.text == "y" * MAX_MESSAGE_CHARS and message.cut == 0


def test_an_argument_with_bytes_that_are_not_utf8_is_read_with_replacements():
    # Python hands such bytes over in argv as lone surrogates (surrogateescape)
    argument = b"I froze \xff".decode("utf-8", "surrogateescape")
    assert from_argument(argument) == ("I froze \ufffd", True)
    assert from_argument("all fine") == ("all fine", False)
