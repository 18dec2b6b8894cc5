"""Bag-of-n-grams at serving time, without scikit-learn: CountVectors' analyzer and counts.

The analyzer reproduces scikit-learn's ``CountVectorizer`` analyzer
(``token_pattern=WORD_TOKEN_PATTERN``) for the options Rasa exposes — analyzers
``word``/``char``/``char_wb``, n-gram range, lowercasing, accent stripping, stop words —
so that serving looks n-grams up in a vocabulary scikit-learn fitted at training time
(``myna.nlu.featurizers.count_vectors_trainer``); the unit tests compare both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

AnalyzerName = Literal["word", "char", "char_wb"]
AccentStripping = Literal["ascii", "unicode"] | None

WORD_TOKEN_PATTERN = r"(?u)\b\w+\b"
_WORD_TOKEN = re.compile(WORD_TOKEN_PATTERN)
_WHITE_SPACES = re.compile(r"\s\s+")


def _strip_accents_unicode(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _strip_accents_ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


_ACCENT_FUNCTIONS: dict[str, Callable[[str], str]] = {
    "unicode": _strip_accents_unicode,
    "ascii": _strip_accents_ascii,
}


@dataclass(frozen=True, slots=True)
class Analyzer:
    """Turns a document into the list of its n-grams (with repetitions)."""

    analyzer: AnalyzerName = "word"
    min_ngram: int = 1
    max_ngram: int = 1
    lowercase: bool = True
    strip_accents: AccentStripping = None
    stop_words: frozenset[str] = frozenset()

    @property
    def per_word(self) -> bool:
        """Whether a document's n-grams are those of its words (none spans two words)."""
        return self.analyzer == "char_wb" or (self.analyzer == "word" and self.max_ngram == 1)

    def preprocess(self, text: str) -> str:
        if self.lowercase:
            text = text.lower()
        if self.strip_accents is not None:
            text = _ACCENT_FUNCTIONS[self.strip_accents](text)
        return text

    def __call__(self, document: str) -> list[str]:
        text = self.preprocess(document)
        if self.analyzer == "word":
            words = [w for w in _WORD_TOKEN.findall(text) if w not in self.stop_words]
            return _ngrams(words, self.min_ngram, self.max_ngram, " ".join)
        text = _WHITE_SPACES.sub(" ", text)
        if self.analyzer == "char":
            return _ngrams(text, self.min_ngram, self.max_ngram, "".join)
        return [gram for word in text.split() for gram in self._padded_word_ngrams(word)]

    def _padded_word_ngrams(self, word: str) -> list[str]:
        padded = f" {word} "
        grams: list[str] = []
        for n in range(self.min_ngram, self.max_ngram + 1):
            if n >= len(padded):
                grams.append(padded)  # a word no longer than n counts once, whole
                break
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        return grams


def _ngrams(
    items: Sequence[str], low: int, high: int, join: Callable[[Iterable[str]], str]
) -> list[str]:
    return [
        join(items[i : i + n])
        for n in range(low, min(high, len(items)) + 1)
        for i in range(len(items) - n + 1)
    ]


def count_row(grams: Iterable[str], vocabulary: dict[str, int]) -> dict[int, float]:
    """``{column: count}`` of the grams that are in the vocabulary."""
    counts: dict[int, float] = {}
    for gram in grams:
        column = vocabulary.get(gram)
        if column is not None:
            counts[column] = counts.get(column, 0.0) + 1.0
    return counts
