"""TEDPolicy serving (dialogue-semantics.md §7): onnxruntime and numpy only, never torch.

The trained model is an ONNX graph (`ted.onnx`: features [B, T, F] and mask [B, T] in,
softmax scores over the trained actions [B, A] out) plus its featurisation vocabulary
(`ted.json`). Prediction featurises the last `max_history` states of the ML view (rule-only
turns, slots and loops left out), runs the graph with one intra-op thread and maps the
scores onto `domain.action_names` by name. Training lives in
`myna.dialogue.policies.ted_training` (torch), reached through `registry.lookup_trainer`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Self

import numpy as np
import onnxruntime as ort
from pydantic import Field

from myna.dialogue.policies.base import Policy, PolicyConfig, PolicyPrediction
from myna.dialogue.policies.ted_features import TEDVocabulary, collate
from myna.dialogue.states import RuleOnlyData, tracker_states
from myna.dialogue.training_trackers import TrainingTracker
from myna.nlu.component import load_json, save_json
from myna.nlu.diet.config import EmbeddingOptions, linear_batch_size
from myna.nlu.diet.runtime import rank, session_options
from myna.project.domain import Domain
from myna.tracker import Tracker

MODEL_FILE = "ted.onnx"
VOCABULARY_FILE = "ted.json"
DIALOGUE = "dialogue"
_PER_ENCODER = {"text": 128, "action_text": 128, "label_action_text": 128, DIALOGUE: 128}
_DENSE = {
    **{key: 128 for key in ("text", "action_text", "label_action_text")},
    **{key: 20 for key in ("intent", "action_name", "label_action_name", "entities")},
    **{key: 20 for key in ("slots", "active_loop")},
}


class TEDConfig(PolicyConfig, EmbeddingOptions):
    """Rasa 3.x TEDPolicy options and defaults; text (end-to-end) options are accepted only.

    `transformer_size` and `number_of_transformer_layers` take an int or Rasa's dict per
    encoder; the dialogue encoder's value is used.
    """

    priority: int = 1
    epochs: int = Field(1, ge=1)
    hidden_layers_sizes: dict[str, list[int]] = Field(default_factory=dict)
    dense_dimension: dict[str, int] = Field(default_factory=lambda: dict(_DENSE))
    concat_dimension: dict[str, int] = Field(default_factory=dict)
    encoding_dimension: int = Field(50, ge=1)
    transformer_size: int | dict[str, int] = Field(default_factory=lambda: dict(_PER_ENCODER))
    number_of_transformer_layers: int | dict[str, int] = Field(
        default_factory=lambda: dict.fromkeys(_PER_ENCODER, 1)
    )
    ranking_length: int = Field(0, ge=0)
    maximum_negative_similarity: float = -0.2
    scale_loss: bool = True
    regularization_constant: float = Field(0.001, ge=0)
    drop_rate_dialogue: float = Field(0.1, ge=0, lt=1)
    drop_rate: float = Field(0.0, ge=0, lt=1)
    drop_rate_label: float = Field(0.0, ge=0, lt=1)
    e2e_confidence_threshold: float = 0.5

    def dialogue_option(
        self, name: Literal["transformer_size", "number_of_transformer_layers"]
    ) -> int:
        value = getattr(self, name)
        return value if isinstance(value, int) else int(value.get(DIALOGUE, _PER_ENCODER[DIALOGUE]))

    def batch_size_at(self, epoch: int) -> int:
        return linear_batch_size(self.batch_size, self.epochs, epoch)


def open_session(model: bytes) -> ort.InferenceSession:
    """An onnxruntime session for a TED graph: CPU, one intra-op thread."""
    return ort.InferenceSession(
        model, sess_options=session_options(1), providers=["CPUExecutionProvider"]
    )


class TEDPolicy(Policy):
    """Serves a trained TED graph; `train` is provided by `TEDPolicyTrainer`."""

    Config = TEDConfig
    config: TEDConfig
    scores_only = True

    def __init__(
        self,
        config: PolicyConfig,
        model: bytes | None = None,
        vocabulary: TEDVocabulary | None = None,
    ) -> None:
        super().__init__(config)
        self.model = model
        self.vocabulary = vocabulary
        self.session = None if model is None else open_session(model)

    def train(self, trackers: Sequence[TrainingTracker], domain: Domain) -> None:
        raise TypeError(
            "TEDPolicy is trained by myna.dialogue.policies.ted_training.TEDPolicyTrainer "
            "(use registry.lookup_trainer('TEDPolicy'))"
        )

    def features(
        self, tracker: Tracker, domain: Domain, rule_only_data: RuleOnlyData | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The graph inputs (features [1, T, F], mask [1, T]) for the tracker's next action."""
        if self.vocabulary is None:
            raise ValueError("TEDPolicy has no trained model")
        states = tracker_states(
            tracker,
            domain,
            max_history=self.config.max_history,
            hide_rule_turns=True,
            rule_only_data=rule_only_data,
        )
        return collate([self.vocabulary.dialogue(states)], self.vocabulary.width)

    def scores(self, features: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Softmax scores [B, trained actions] of the graph."""
        if self.session is None:
            raise ValueError("TEDPolicy has no trained model")
        outputs = self.session.run(None, {"features": features, "mask": mask})
        return np.asarray(outputs[0])

    def predict(
        self, tracker: Tracker, domain: Domain, rule_only_data: RuleOnlyData | None = None
    ) -> PolicyPrediction:
        if self.session is None or self.vocabulary is None:
            return self.prediction([0.0] * len(domain.action_names))
        scores = self.scores(*self.features(tracker, domain, rule_only_data))
        ids, confidences = rank(
            scores, self.config.ranking_length, self.config.renormalize_confidences
        )
        by_name = {
            self.vocabulary.actions[int(i)]: float(c)
            for i, c in zip(ids[0], confidences[0], strict=True)
        }
        return self.prediction([by_name.get(name, 0.0) for name in domain.action_names])

    def persist(self, directory: Path) -> None:
        if self.model is None or self.vocabulary is None:
            raise ValueError("TEDPolicy has no trained model to persist")
        (directory / MODEL_FILE).write_bytes(self.model)
        save_json(directory, VOCABULARY_FILE, self.vocabulary.to_json())

    @classmethod
    def load(cls, directory: Path, config: PolicyConfig) -> Self:
        vocabulary = TEDVocabulary.from_json(load_json(directory, VOCABULARY_FILE))
        return cls(config, (directory / MODEL_FILE).read_bytes(), vocabulary)
