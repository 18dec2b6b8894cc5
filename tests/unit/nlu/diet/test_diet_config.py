"""DIETConfig: Rasa names and defaults, aliases, rejected values."""

import warnings

import pytest
from pydantic import ValidationError

from myna.nlu.diet.config import DIETConfig


def test_defaults_follow_the_spec() -> None:
    config = DIETConfig()
    assert config.epochs == 300
    assert config.batch_size == [64, 256]
    assert config.maximum_negative_similarity == -0.4
    assert config.connection_density == 0.2
    assert config.dense_dimension == {"text": 128, "label": 20}
    assert config.model_confidence == "softmax"
    assert config.resolved_similarity == "inner"
    assert DIETConfig(loss_type="margin").resolved_similarity == "cosine"


def test_unknown_option_is_rejected() -> None:
    with pytest.raises(ValidationError, match="epoch"):
        DIETConfig(epoch=3)


@pytest.mark.parametrize("value", ["cosine", "inner", "linear_norm"])
def test_rasa2_confidences_are_rejected(value: str) -> None:
    with pytest.raises(ValidationError, match="softmax"):
        DIETConfig(model_confidence=value)


def test_weight_sparsity_maps_to_connection_density() -> None:
    with pytest.warns(DeprecationWarning):
        config = DIETConfig(weight_sparsity=0.7)
    assert config.connection_density == pytest.approx(0.3)


def test_tensorboard_options_are_ignored_with_a_warning() -> None:
    with pytest.warns(UserWarning, match="ignored"):
        DIETConfig(tensorboard_log_directory="logs")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        DIETConfig()


def test_batch_size_increases_linearly() -> None:
    config = DIETConfig(epochs=5, batch_size=[64, 256])
    assert [config.batch_size_at(e) for e in range(5)] == [64, 112, 160, 208, 256]
    assert DIETConfig(batch_size=32).batch_size_at(100) == 32


def test_transformer_size_must_split_into_heads() -> None:
    with pytest.raises(ValidationError, match="divisible"):
        DIETConfig(transformer_size=30, number_of_attention_heads=4)


def test_split_entities_by_comma_per_type() -> None:
    config = DIETConfig(split_entities_by_comma={"address": False})
    assert not config.splits_by_comma("address")
    assert config.splits_by_comma("city")
