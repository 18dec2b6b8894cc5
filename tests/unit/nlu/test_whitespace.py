"""WhitespaceTokenizer: exact offsets on tricky text."""

from __future__ import annotations

import itertools
import random
import re
import string

import pytest
from nlu_helpers import build

from myna.nlu.message import Message
from myna.nlu.tokenizers.whitespace import WhitespaceTokenizer, _split_inside, _trim

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


def _without_fast_path(text: str) -> list[tuple[str, int, int]]:
    """Every chunk through the trimming and splitting rules (what the fast path skips)."""
    tokens = [
        piece
        for chunk in re.finditer(r"\S+", text)
        for piece in _split_inside(text, *_trim(text, chunk.start(), chunk.end()))
    ]
    return [(t.text, t.start, t.end) for t in tokens] or [(text, 0, len(text))]


@pytest.mark.parametrize("seed", range(5))
def test_plain_words_take_a_shortcut_to_the_same_tokens(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + " .,-'!?$@#_&/é😀\t"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(200)]
    tokenizer = build(WhitespaceTokenizer)
    for text in [*texts, *(case for case, _ in CASES)]:
        got = [(t.text, t.start, t.end) for t in tokenizer.split(text)]
        assert got == _without_fast_path(text), text
