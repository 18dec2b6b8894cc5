"""RegexFeaturizer: one binary feature per regex / lookup-table pattern.

A token gets feature ``i`` when a match of pattern ``i`` overlaps it; the sentence row
gets it when the pattern matches anywhere in the text. Patterns are learnt from the
training data and stored as JSON.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from myna.nlu.features import Features, sparse_rows
from myna.nlu.message import Message
from myna.nlu.patterns import PatternComponent

if TYPE_CHECKING:
    from myna.project.nlu import NLUData


class RegexFeaturizer(PatternComponent):
    processes_training_data = True

    def train(self, messages: Sequence[Message], training_data: NLUData) -> None:
        self.set_patterns(self.patterns_of(training_data))

    def process(self, message: Message) -> None:
        if not self.patterns:
            return
        token_rows: list[dict[int, float]] = [{} for _ in message.tokens]
        sentence_row: dict[int, float] = {}
        for column, pattern in enumerate(self.compiled):
            for start, end in _match_spans(pattern, message.text):
                sentence_row[column] = 1.0
                for row, token in zip(token_rows, message.tokens, strict=True):
                    if token.start < end and start < token.end:
                        row[column] = 1.0
        width = len(self.patterns)
        message.features.append(
            Features(sparse_rows(token_rows, width), sparse_rows([sentence_row], width), self.name)
        )


def _match_spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text) if match.end() > match.start()]
