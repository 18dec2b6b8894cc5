"""WhitespaceTokenizer: exact offsets on tricky text."""

from __future__ import annotations

import itertools

import pytest
from nlu_helpers import build

from myna.nlu.message import Message
from myna.nlu.tokenizers.whitespace import WhitespaceTokenizer

CASES = [
    ("I don't like 4.5 stars!", ["I", "don't", "like", "4.5", "stars"]),
    ("Hello, world", ["Hello", "world"]),
    ("wait — what?!", ["wait", "what"]),
    ("e-mail me at a@b.com", ["e-mail", "me", "at", "a@b.com"]),
    ("see https://rasa.com/docs?x=1.", ["see", "https://rasa.com/docs?x=1"]),
    ("costs $5 or -5 or 10,000.00", ["costs", "$5", "or", "-5", "or", "10,000.00"]),
    ("I ❤ you 😀", ["I", "you"]),
    ("hi😀there", ["hi", "there"]),
    ("😀👨‍👩‍👧", ["😀👨‍👩‍👧"]),  # nothing left: the whole text is the one token
    ("नमस्ते दुनिया", ["नमस्ते", "दुनिया"]),
    ("مرحبا، عالم", ["مرحبا", "عالم"]),
    ("我想吃饭。", ["我想吃饭"]),
    ("  spaced\tout\n text ", ["spaced", "out", "text"]),
    ("(hello) #tag", ["hello", "#tag"]),
    ("", [""]),
    ("...", ["..."]),
    ("  ", ["  "]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_tokens_and_offsets(text: str, expected: list[str]) -> None:
    tokens = build(WhitespaceTokenizer).tokenize(text)
    assert [t.text for t in tokens] == expected
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert all(a.end <= b.start for a, b in itertools.pairwise(tokens))


def test_offsets_of_a_repeated_word() -> None:
    tokens = build(WhitespaceTokenizer).tokenize("to be or not to be")
    assert [(t.start, t.end) for t in tokens][-2:] == [(13, 15), (16, 18)]


def test_process_sets_message_tokens() -> None:
    message = Message("book a table")
    build(WhitespaceTokenizer).process(message)
    assert [t.text for t in message.tokens] == ["book", "a", "table"]


def test_token_pattern_splits_tokens_further() -> None:
    tokenizer = build(WhitespaceTokenizer, token_pattern=r"[a-z]+|\d+")
    tokens = tokenizer.tokenize("abc123 x-y")
    assert [(t.text, t.start, t.end) for t in tokens] == [
        ("abc", 0, 3),
        ("123", 3, 6),
        ("x", 7, 8),
        ("y", 9, 10),
    ]


def test_intent_tokens_follow_the_flag() -> None:
    plain = build(WhitespaceTokenizer)
    split = build(WhitespaceTokenizer, intent_tokenization_flag=True, intent_split_symbol="+")
    assert [t.text for t in plain.intent_tokens("ask+weather")] == ["ask+weather"]
    assert [(t.text, t.start) for t in split.intent_tokens("ask+weather")] == [
        ("ask", 0),
        ("weather", 4),
    ]
