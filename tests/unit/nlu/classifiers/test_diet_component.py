"""DIET inputs of one message (token rows, the sentence row's sparse features apart) and
the label features of the intents."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from myna.nlu.classifiers import diet_component
from myna.nlu.classifiers.diet_component import label_bags, message_inputs, message_rows
from myna.nlu.diet.data import DIETDims
from myna.nlu.features import Features, sparse_rows
from myna.nlu.message import Message, Token
from myna.nlu.tokenizers.whitespace import WhitespaceTokenizer
from myna.project.errors import Source
from myna.project.nlu import NLUExample


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


def _labelled(intents: list[str], **tokenizer_options: Any) -> list[Message]:
    """Training messages of `intents`, through a WhitespaceTokenizer."""
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.Config(**tokenizer_options))
    messages = []
    for intent in intents:
        message = Message.from_example(NLUExample("hi there", intent, (), None, Source("t", 1)))
        tokenizer.process(message)
        messages.append(message)
    return messages


def test_multi_intent_labels_share_the_words_of_their_parts() -> None:
    labels = ["atis_airfare", "atis_flight", "atis_flight#atis_airfare"]
    assert label_bags(labels, _labelled(labels)) == ()  # not tokenized: whole names
    split = _labelled(labels, intent_tokenization_flag=True, intent_split_symbol="#")
    assert label_bags(labels, split) == ((0,), (1,), (0, 1))
    features = DIETDims(
        sparse_size=1, n_intents=3, label_bags=((0,), (1,), (0, 1))
    ).label_features()
    np.testing.assert_array_equal(features, [[1, 0], [0, 1], [1, 1]])


def test_labels_of_one_word_each_stay_one_hot() -> None:
    labels = ["AddToPlaylist", "BookRestaurant", "greet"]
    assert label_bags(labels, _labelled(labels, intent_tokenization_flag=True)) == ()
    np.testing.assert_array_equal(DIETDims(sparse_size=1, n_intents=3).label_features(), np.eye(3))


def test_the_intent_tokenization_flag_splits_label_names() -> None:
    labels = ["ask_time", "ask_weather", "greet"]
    assert label_bags(labels, _labelled(labels)) == ()  # `ask_time` is one word unsplit
    split = _labelled(labels, intent_tokenization_flag=True, intent_split_symbol="_")
    # words: ask 0, greet 1, time 2, weather 3
    assert label_bags(labels, split) == ((0, 2), (0, 3), (1,))


def test_retrieval_labels_are_split_at_the_slash_first() -> None:
    messages = _labelled(["faq/opening_hours", "faq/parking_lot"], intent_tokenization_flag=True)
    assert messages[0].label_tokens == {
        "faq": ["faq"],
        "faq/opening_hours": ["faq", "opening", "hours"],
    }
    # faq 0, hours 1, lot 2, opening 3, parking 4
    labels = ["faq/opening_hours", "faq/parking_lot"]
    assert label_bags(labels, messages) == ((0, 1, 3), (0, 2, 4))


def test_labels_that_would_share_a_bag_stay_one_hot() -> None:
    labels = ["Greet", "greet", "a#b"]  # "Greet" and "greet" are one lowercased word
    flagged = _labelled(labels, intent_tokenization_flag=True, intent_split_symbol="#")
    assert label_bags(labels, flagged) == ()


def test_label_bags_survive_the_metadata_round_trip() -> None:
    dims = DIETDims(sparse_size=5, n_intents=3, label_bags=((0,), (1,), (0, 1)))
    assert DIETDims.from_json(json.loads(json.dumps(dims.to_json()))) == dims
