"""DIET inputs of one message: token rows, the sentence row's sparse features apart."""

from __future__ import annotations

import numpy as np
import pytest

from myna.nlu.classifiers import diet_component
from myna.nlu.classifiers.diet_component import message_inputs, message_rows
from myna.nlu.features import Features, sparse_rows
from myna.nlu.message import Message, Token


def _message(*features: Features) -> Message:
    message = Message("book it")
    message.tokens = [Token("book", 0, 4), Token("it", 5, 7)]
    message.features = list(features)
    return message


def test_sentence_features_come_apart_from_the_token_rows() -> None:
    sentence = {0: 1.0, 1: 1.0, 2: 1.0, 3: 2.0}
    sparse = Features(sparse_rows([{0: 1.0}, {1: 1.0}], 4), sparse_rows([sentence], 4), "A")
    inputs = message_inputs(_message(sparse))
    assert inputs is not None and inputs.dense is None
    np.testing.assert_array_equal(inputs.indices, [[1], [2], [0]])  # K of the tokens only
    np.testing.assert_array_equal(inputs.sentence_indices, [[1, 2, 3, 4]])
    np.testing.assert_array_equal(inputs.sentence_values, [[1, 1, 1, 2]])
    rows = message_rows(_message(sparse))  # training's layout: the sentence row in place
    assert rows is not None
    np.testing.assert_array_equal(rows.indices, [[1, 0, 0, 0], [2, 0, 0, 0], [1, 2, 3, 4]])


def test_dense_features_only_give_padding_ids() -> None:
    dense = Features(np.ones((2, 3), np.float32), np.full((1, 3), 2.0, np.float32), "D")
    inputs = message_inputs(_message(dense))
    assert inputs is not None and inputs.dense is not None
    assert inputs.indices.shape == (3, 1) and not inputs.indices.any()
    assert inputs.sentence_indices.shape == (1, 1) and not inputs.sentence_indices.any()
    np.testing.assert_array_equal(inputs.dense[2], [2, 2, 2])


def test_long_messages_keep_the_first_tokens_and_an_empty_sentence_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(diet_component, "MAX_TOKENS", 2)
    message = Message("a b c")
    message.tokens = [Token("a", 0, 1), Token("b", 2, 3), Token("c", 4, 5)]
    rows = [{0: 1.0}, {1: 1.0, 2: 1.0}, {0: 1.0, 1: 1.0, 2: 1.0}]  # the widest row is cut
    message.features = [Features(sparse_rows(rows, 3), sparse_rows([{2: 3.0}], 3), "A")]
    inputs = message_inputs(message)
    assert inputs is not None
    # K is that of all the tokens' rows, as the layout is built before the cut
    np.testing.assert_array_equal(inputs.indices, [[1, 0, 0], [2, 3, 0], [0, 0, 0]])
    np.testing.assert_array_equal(inputs.values, [[1, 0, 0], [1, 1, 0], [0, 0, 0]])
    np.testing.assert_array_equal(inputs.sentence_indices, [[3]])
