"""Training half of CountVectorsFeaturizer: scikit-learn's CountVectorizer fits the vocabulary.

The registry's ``NLU_TRAINERS`` maps ``CountVectorsFeaturizer`` here, so only training
imports scikit-learn. Every option maps onto ``CountVectorizer``; the word analyzer uses
the token pattern of Rasa (and of the serving analyzer), ``(?u)\\b\\w+\\b``. The built-in
``stop_words: english`` list is resolved here and persisted with the vocabulary.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from myna.nlu.component import ComponentConfig
from myna.nlu.featurizers.count_vectors import CountVectorsConfig, CountVectorsFeaturizer
from myna.nlu.featurizers.ngrams import WORD_TOKEN_PATTERN
from myna.nlu.message import Message

if TYPE_CHECKING:
    from myna.project.nlu import NLUData

logger = logging.getLogger(__name__)

# scikit-learn's ValueErrors for "nothing left to learn": an empty vocabulary for Myna.
_NOTHING_LEARNT = ("empty vocabulary", "no terms remain")


def resolve_stop_words(config: CountVectorsConfig) -> frozenset[str]:
    if config.stop_words == "english":
        return frozenset(ENGLISH_STOP_WORDS)
    return frozenset(config.stop_words or ())


def vectorizer(config: CountVectorsConfig) -> CountVectorizer:
    """A CountVectorizer with the featurizer's options."""
    return CountVectorizer(
        analyzer=config.analyzer,
        ngram_range=(config.min_ngram, config.max_ngram),
        lowercase=config.lowercase,
        strip_accents=config.strip_accents,
        stop_words=sorted(resolve_stop_words(config)) or None,
        token_pattern=WORD_TOKEN_PATTERN if config.analyzer == "word" else None,
        min_df=config.min_df,
        max_df=config.max_df,
        max_features=config.max_features,
        dtype=np.float32,
    )


def fit_vocabulary(documents: Sequence[str], config: CountVectorsConfig) -> dict[str, int]:
    """Term → column (alphabetical, as scikit-learn numbers them); empty if nothing is left."""
    try:
        fitted = vectorizer(config).fit(documents)
    except ValueError as error:
        if not any(reason in str(error) for reason in _NOTHING_LEARNT):
            raise
        return {}
    return {str(term): int(column) for term, column in sorted(fitted.vocabulary_.items())}


class CountVectorsTrainer(CountVectorsFeaturizer):
    """CountVectorsFeaturizer plus vocabulary fitting; persisted as the serving class."""

    def __init__(self, config: ComponentConfig) -> None:
        super().__init__(config)
        stop_words = resolve_stop_words(self.config)
        self.analyzer = dataclasses.replace(self.analyzer, stop_words=stop_words)

    @property
    def name(self) -> str:
        return CountVectorsFeaturizer.__name__

    def train(self, messages: Sequence[Message], training_data: NLUData) -> None:
        documents = [" ".join(self.training_words(message)) for message in messages]
        self.vocabulary = fit_vocabulary(documents, self.config)
        if not self.vocabulary:
            logger.warning("%s learnt an empty vocabulary and adds no features", self.name)
        elif self._uses_oov and not any(self.analyzer(self.config.OOV_token or "")):
            logger.warning("OOV_token %r yields no n-gram", self.config.OOV_token)
