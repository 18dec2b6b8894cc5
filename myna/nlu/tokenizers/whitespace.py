"""WhitespaceTokenizer: split on white space and on punctuation that is not inside a word.

Rules, applied to every run of non-space characters:

* punctuation at the end is dropped (``hello!`` → ``hello``);
* punctuation at the start is dropped unless a digit follows (``-5`` and ``$5`` stay);
* inside, characters that commonly join a word (``'`` ``.`` ``-`` ``/`` ``@`` ``:`` …, as in
  ``don't``, ``4.5``, ``e-mail``, ``a@b.com``, ``https://x.org``) stay; any other symbol
  (emoji, ``…``, ``|``, ``"`` …) splits the run, unless it sits between two digits;
* pieces with no word character are dropped;
* a text left with no token at all (empty, blank, emoji or punctuation only) becomes one
  token spanning the whole text, as in Rasa: `""` → `[0, 0]`, so NLU still scores it.

Word characters are letters, digits and combining marks (so Devanagari or Arabic words
with vowel signs stay whole), plus ``_ # @ &``. Offsets always index the original text.
"""

from __future__ import annotations

import re
import unicodedata

from myna.nlu.message import Token
from myna.nlu.tokenizers.base import Tokenizer

_WORD_SYMBOLS = frozenset("_#@&")
_JOINERS = frozenset(".-_~:/?#[]()@!$&*+,;='\u2019")
_CHUNK = re.compile(r"\S+")


def _is_word_char(char: str) -> bool:
    return char in _WORD_SYMBOLS or unicodedata.category(char)[0] in "LNM"


def _is_digit(char: str) -> bool:
    return unicodedata.category(char) == "Nd"


class WhitespaceTokenizer(Tokenizer):
    """Rasa's default tokenizer for languages that separate words by spaces."""

    def split(self, text: str) -> list[Token]:
        tokens: list[Token] = []
        for chunk in _CHUNK.finditer(text):
            word = chunk.group()
            if word.isascii() and word.isalnum():  # the usual word: nothing to trim or split
                tokens.append(Token(word, chunk.start(), chunk.end()))
                continue
            start, end = _trim(text, chunk.start(), chunk.end())
            tokens.extend(_split_inside(text, start, end))
        return tokens or [Token(text, 0, len(text))]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop trailing punctuation, and leading punctuation unless a digit follows it."""
    while end > start and not _is_word_char(text[end - 1]):
        end -= 1
    first_word = start
    while first_word < end and not _is_word_char(text[first_word]):
        first_word += 1
    if first_word < end and not _is_digit(text[first_word]):
        start = first_word
    return start, end


def _split_inside(text: str, start: int, end: int) -> list[Token]:
    """Cut ``text[start:end]`` at separator runs and keep the pieces with a word character."""
    pieces: list[Token] = []
    piece_start = position = start
    while position < end:
        if _is_word_char(text[position]) or text[position] in _JOINERS:
            position += 1
            continue
        run_end = position
        while run_end < end and not _is_word_char(text[run_end]) and text[run_end] not in _JOINERS:
            run_end += 1
        between_digits = (
            position > start
            and run_end < end
            and _is_digit(text[position - 1])
            and _is_digit(text[run_end])
        )
        if not between_digits:
            pieces.append(Token(text[piece_start:position], piece_start, position))
            piece_start = run_end
        position = run_end
    pieces.append(Token(text[piece_start:end], piece_start, end))
    return [_trimmed(text, piece) for piece in pieces if any(map(_is_word_char, piece.text))]


def _trimmed(text: str, piece: Token) -> Token:
    start, end = _trim(text, piece.start, piece.end)
    return Token(text[start:end], start, end)
