"""Bag-of-n-grams without scikit-learn: the analyzer and vocabulary fitting of CountVectors.

This reproduces scikit-learn's ``CountVectorizer`` (``token_pattern=r"(?u)\\b\\w+\\b"``) for
the options Rasa exposes — analyzers ``word``/``char``/``char_wb``, n-gram range,
lowercasing, accent stripping, stop words, ``min_df``/``max_df``/``max_features`` — so
that neither training nor serving needs scikit-learn; the unit tests check the output
against scikit-learn itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

AnalyzerName = Literal["word", "char", "char_wb"]
AccentStripping = Literal["ascii", "unicode"] | None

_WORD_TOKEN = re.compile(r"(?u)\b\w+\b")
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
    counts = Counter(vocabulary[g] for g in grams if g in vocabulary)
    return {column: float(count) for column, count in counts.items()}


def fit_vocabulary(
    documents: Collection[list[str]],
    *,
    min_df: float = 1,
    max_df: float = 1.0,
    max_features: int | None = None,
) -> dict[str, int]:
    """Vocabulary (term → column, alphabetical) of analysed ``documents``.

    Integer ``min_df``/``max_df`` count documents, floats are fractions of them. With
    ``max_features`` the most frequent terms are kept (ties broken like scikit-learn).
    Returns an empty vocabulary when no term is left.
    """
    document_frequency: Counter[str] = Counter()
    term_frequency: Counter[str] = Counter()
    for grams in documents:
        term_frequency.update(grams)
        document_frequency.update(set(grams))
    terms = sorted(term_frequency)
    if not terms:
        return {}
    n = len(documents)
    high = max_df if isinstance(max_df, int) else max_df * n
    low = min_df if isinstance(min_df, int) else min_df * n
    if high < low:
        raise ValueError("max_df corresponds to fewer documents than min_df")
    dfs = np.array([document_frequency[t] for t in terms])
    mask = (dfs <= high) & (dfs >= low)
    if max_features is not None and mask.sum() > max_features:
        tfs = np.array([term_frequency[t] for t in terms])
        best = (-tfs[mask]).argsort()[:max_features]
        kept = np.zeros(len(terms), dtype=bool)
        kept[np.flatnonzero(mask)[best]] = True
        mask = kept
    kept_terms = [term for term, keep in zip(terms, mask, strict=True) if keep]
    return {term: column for column, term in enumerate(kept_terms)}
