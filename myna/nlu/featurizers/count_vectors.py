"""CountVectorsFeaturizer: bag-of-n-grams counts over the message's tokens.

Sequence features: one row per token, the n-grams of that token's text (for ``char`` and
``char_wb`` the character n-grams of the token). Sentence features: the n-grams of the
whole message (tokens joined by spaces), so word n-grams across tokens count there; when
no n-gram can span two words (``char_wb``, or ``word`` unigrams) that is the sum of the
token rows, which serving uses instead of analysing the text again. A token's row depends
on its text only, so it is kept in a bounded memo (``token_memo``): training and serving
get the same rows, without analysing a frequent word again.
Training (``myna.nlu.featurizers.count_vectors_trainer``) fits the vocabulary with
scikit-learn's ``CountVectorizer``; the vocabulary and the stop words used are stored as
JSON, and serving looks n-grams up with ``myna.nlu.featurizers.ngrams``, never importing
scikit-learn (its analyzer equals scikit-learn's, see the unit tests).

With ``OOV_token`` set (``word`` analyzer), training replaces the ``OOV_words`` by the
token, and serving replaces every token none of whose n-grams is in the vocabulary.
``use_lemma`` and ``use_shared_vocab`` are accepted for compatibility: Myna's tokens
carry no lemmas and only the message text is featurized, so they change nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal, Self

from myna.nlu.component import Component, ComponentConfig, load_json, save_json
from myna.nlu.features import Features, SparseRow, join_rows, sparse_row, sparse_rows, summed_row
from myna.nlu.featurizers.ngrams import AccentStripping, Analyzer, count_row
from myna.nlu.featurizers.token_memo import TokenMemo
from myna.nlu.message import Message

_VOCABULARY_FILE = "vocabulary.json"
_STOP_WORDS_FILE = "stop_words.json"


class CountVectorsConfig(ComponentConfig):
    analyzer: Literal["word", "char", "char_wb"] = "word"
    min_ngram: int = 1
    max_ngram: int = 1
    lowercase: bool = True
    strip_accents: AccentStripping = None
    # A list of words, or scikit-learn's built-in 'english' list (resolved when training).
    stop_words: list[str] | Literal["english"] | None = None
    min_df: int | float = 1
    max_df: int | float = 1.0
    max_features: int | None = None
    OOV_token: str | None = None
    OOV_words: tuple[str, ...] = ()
    use_shared_vocab: bool = False
    use_lemma: bool = True


def token_row(analyzer: Analyzer, vocabulary: dict[str, int], word: str) -> SparseRow:
    """The n-gram counts of one word (read-only arrays: the memo shares them)."""
    row = sparse_row(count_row(analyzer(word), vocabulary))
    for part in row:
        part.flags.writeable = False
    return row


class CountVectorsFeaturizer(Component):
    Config = CountVectorsConfig
    config: CountVectorsConfig
    processes_training_data = True

    def __init__(
        self,
        config: ComponentConfig,
        vocabulary: dict[str, int] | None = None,
        stop_words: Iterable[str] | None = None,
    ) -> None:
        """``stop_words`` are the words actually removed (the resolved ``stop_words``)."""
        super().__init__(config)
        self.vocabulary: dict[str, int] = dict(vocabulary or {})
        if stop_words is None and isinstance(self.config.stop_words, list):
            stop_words = self.config.stop_words
        self.analyzer = Analyzer(
            analyzer=self.config.analyzer,
            min_ngram=self.config.min_ngram,
            max_ngram=self.config.max_ngram,
            lowercase=self.config.lowercase,
            strip_accents=self.config.strip_accents,
            stop_words=frozenset(stop_words or ()),
        )
        self._oov_words = {self.analyzer.preprocess(w) for w in self.config.OOV_words}
        self._rows = TokenMemo(token_row)

    @property
    def _uses_oov(self) -> bool:
        return self.config.OOV_token is not None and self.config.analyzer == "word"

    def training_words(self, message: Message) -> list[str]:
        """The message's words as training sees them (``OOV_words`` replaced)."""
        words = [t.text for t in message.tokens]
        if not self._uses_oov:
            return words
        oov = self.config.OOV_token or ""
        return [oov if self.analyzer.preprocess(w) in self._oov_words else w for w in words]

    def process(self, message: Message) -> None:
        if not self.vocabulary:
            return
        row_of = self._rows.function(self.analyzer, self.vocabulary)
        words = [t.text for t in message.tokens]
        rows = [row_of(word) for word in words]
        if self._uses_oov:  # a word none of whose n-grams is known becomes the OOV token
            oov = self.config.OOV_token or ""
            words = [word if row[0].size else oov for word, row in zip(words, rows, strict=True)]
            rows = [row if row[0].size else row_of(oov) for row in rows]
        width = len(self.vocabulary)
        sequence = join_rows(rows, width)
        if self.analyzer.per_word:
            sentence = summed_row(sequence)
        else:
            sentence = sparse_rows(
                [count_row(self.analyzer(" ".join(words)), self.vocabulary)], width
            )
        message.features.append(Features(sequence, sentence, self.name))

    def persist(self, directory: Path) -> None:
        save_json(directory, _VOCABULARY_FILE, self.vocabulary)
        save_json(directory, _STOP_WORDS_FILE, sorted(self.analyzer.stop_words))

    @classmethod
    def load(cls, directory: Path, config: ComponentConfig) -> Self:
        stop_words = load_json(directory, _STOP_WORDS_FILE)
        return cls(config, load_json(directory, _VOCABULARY_FILE), stop_words)
