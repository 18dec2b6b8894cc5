"""DIETClassifier options: Rasa 3.x names and defaults (spec/dialogue-semantics.md §8.1)."""

import warnings
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_IGNORED_TENSORBOARD = ("tensorboard_log_directory", "tensorboard_log_level")
_REJECTED_CONFIDENCES = ("cosine", "inner", "linear_norm")


def check_batch_size(value: int | list[int]) -> int | list[int]:
    """Validate a `batch_size` option: a positive int or a [start, end] pair."""
    sizes = [value] if isinstance(value, int) else value
    if not 1 <= len(sizes) <= 2 or min(sizes) < 1:
        raise ValueError("batch_size must be a positive int or [start, end]")
    return value


def linear_batch_size(batch_size: int | list[int], epochs: int, epoch: int) -> int:
    """Batch size for `epoch` (0-based), increasing linearly from start to end."""
    if isinstance(batch_size, int):
        return batch_size
    start, end = batch_size[0], batch_size[-1]
    if epochs <= 1:
        return start
    return int(start + epoch * (end - start) / (epochs - 1))


class EmbeddingOptions(BaseModel):
    """The options DIETClassifier and TEDPolicy share, with the defaults both have in Rasa:
    batches, optimiser, attention heads, and the label-embedding similarity and loss."""

    batch_size: int | list[int] = Field(default_factory=lambda: [64, 256])
    batch_strategy: Literal["balanced", "sequence"] = "balanced"
    learning_rate: float = Field(0.001, gt=0)
    number_of_attention_heads: int = Field(4, ge=1)
    embedding_dimension: int = Field(20, ge=1)
    number_of_negative_examples: int = Field(20, ge=1)
    similarity_type: Literal["auto", "inner", "cosine"] = "auto"
    loss_type: Literal["cross_entropy", "margin"] = "cross_entropy"
    renormalize_confidences: bool = False
    maximum_positive_similarity: float = 0.8
    use_maximum_negative_similarity: bool = True
    negative_margin_scale: float = 0.8
    drop_rate_attention: float = Field(0.0, ge=0, lt=1)
    connection_density: float = Field(0.2, gt=0, le=1)
    constrain_similarities: bool = False
    model_confidence: Literal["softmax"] = "softmax"
    random_seed: int | None = None

    @field_validator("batch_size")
    @classmethod
    def _check_batch_size(cls, value: int | list[int]) -> int | list[int]:
        return check_batch_size(value)

    @property
    def resolved_similarity(self) -> Literal["inner", "cosine"]:
        """`auto` means inner for cross-entropy and cosine for margin loss."""
        if self.similarity_type != "auto":
            return self.similarity_type
        return "inner" if self.loss_type == "cross_entropy" else "cosine"


class DIETConfig(EmbeddingOptions):
    """Typed DIETClassifier options; unknown keys are errors.

    Myna extras: `quantize` (int8 dynamic quantisation of the exported ONNX graph) and
    `weight_averaging_fraction`: the trained weights are the mean of the end-of-epoch
    weights over that last fraction of the epochs (stochastic weight averaging, torch's
    `AveragedModel`). DIET trains at a constant learning rate, so its weights still move
    from epoch to epoch at the end, and where a run stops moves test accuracy by several
    examples between seeds; their mean sits nearer the middle. 0, or a fraction that
    rounds to one epoch, keeps the last epoch's weights as Rasa does; so does
    `checkpoint_model`, whose best evaluated epoch wins.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    epochs: int = Field(300, ge=1)
    hidden_layers_sizes: dict[str, list[int]] = {"text": [], "label": []}
    dense_dimension: dict[str, int] = {"text": 128, "label": 20}
    concat_dimension: dict[str, int] = {"text": 128, "label": 20}
    number_of_transformer_layers: int = Field(2, ge=0)
    transformer_size: int | None = 256
    use_key_relative_attention: Literal[False] = False
    use_value_relative_attention: Literal[False] = False
    max_relative_position: int | None = 5
    unidirectional_encoder: Literal[False] = False
    ranking_length: int = Field(10, ge=0)
    maximum_negative_similarity: float = -0.4
    scale_loss: bool = False
    regularization_constant: float = Field(0.002, ge=0)
    drop_rate: float = Field(0.2, ge=0, lt=1)
    weight_sparsity: float | None = Field(None, ge=0, lt=1)
    use_sparse_input_dropout: bool = True
    use_dense_input_dropout: bool = True
    intent_classification: bool = True
    entity_recognition: bool = True
    BILOU_flag: bool = True
    use_masked_language_model: Literal[False] = False
    evaluate_every_number_of_epochs: int = Field(20, ge=-1)
    evaluate_on_number_of_examples: int = Field(0, ge=0)
    checkpoint_model: bool = False
    split_entities_by_comma: bool | dict[str, bool] = True
    featurizers: list[str] = []
    tensorboard_log_directory: str | None = None
    tensorboard_log_level: str = "epoch"
    quantize: bool = False
    weight_averaging_fraction: float = Field(0.2, ge=0, le=1)

    @model_validator(mode="before")
    @classmethod
    def _migrate_legacy(cls, data: Any) -> Any:
        """Map `weight_sparsity` to `connection_density`; explain rejected confidences."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if data.get("model_confidence") in _REJECTED_CONFIDENCES:
            raise ValueError(
                f"model_confidence={data['model_confidence']!r} is not supported by Rasa 3.x; "
                "use 'softmax'"
            )
        sparsity = data.get("weight_sparsity")
        if sparsity is not None:
            warnings.warn(
                "weight_sparsity is deprecated: use connection_density = 1 - weight_sparsity",
                DeprecationWarning,
                stacklevel=2,
            )
            data.setdefault("connection_density", 1.0 - float(sparsity))
        for key in _IGNORED_TENSORBOARD:
            if data.get(key) not in (None, "epoch"):
                warnings.warn(f"{key} is ignored by Myna (no TensorBoard logging)", stacklevel=2)
        return data

    @model_validator(mode="after")
    def _check_dimensions(self) -> "DIETConfig":
        if self.number_of_transformer_layers > 0:
            size = self.transformer_size
            if size is None or size % self.number_of_attention_heads:
                raise ValueError(
                    "transformer_size must be set and divisible by number_of_attention_heads"
                )
        if self.loss_type == "margin" and self.similarity_type == "inner":
            raise ValueError("loss_type 'margin' needs similarity_type 'cosine' or 'auto'")
        return self

    def batch_size_at(self, epoch: int) -> int:
        """Batch size for `epoch` (0-based), increasing linearly from start to end."""
        return linear_batch_size(self.batch_size, self.epochs, epoch)

    def averages_epoch(self, epoch: int) -> bool:
        """Whether the weights after `epoch` (0-based) join the trained model's mean."""
        averaged = round(self.weight_averaging_fraction * self.epochs)
        return averaged > 1 and epoch >= self.epochs - averaged

    def splits_by_comma(self, entity_type: str) -> bool:
        """Whether entities of `entity_type` are split at commas when decoding."""
        if isinstance(self.split_entities_by_comma, bool):
            return self.split_entities_by_comma
        return self.split_entities_by_comma.get(entity_type, True)
