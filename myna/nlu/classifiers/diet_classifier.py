"""DIETClassifier (serving): intent ranking and entities from one DIET model.

Rasa's options and defaults are ``myna.nlu.diet.config.DIETConfig`` (spec §8.1). A
retrieval intent such as ``faq/ask_name`` is classified as its base intent ``faq``, as in
Rasa; the ResponseSelector picks the response key. The training half is
``myna.nlu.classifiers.diet_training.DIETClassifierTrainer``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from myna.nlu.classifiers.diet_component import (
    DIETComponent,
    TrainingSet,
    build_training_set,
    entity_schemes,
)
from myna.nlu.component import ComponentConfig
from myna.nlu.diet.config import DIETConfig
from myna.nlu.diet.runtime import DIETPrediction
from myna.nlu.message import Message

if TYPE_CHECKING:
    from myna.project.nlu import NLUData, NLUExample


class DIETClassifierConfig(DIETConfig, ComponentConfig):
    """DIETClassifier options (Rasa names and defaults), frozen like every component's."""


def base_intent(example: NLUExample) -> str:
    """The intent DIET learns: ``faq`` for ``faq/ask_name``."""
    return example.retrieval_intent or example.intent


class DIETClassifier(DIETComponent):
    Config = DIETClassifierConfig
    config: DIETClassifierConfig

    def training_set(self, messages: Sequence[Message], training_data: NLUData) -> TrainingSet:
        """Intent labels (at least two, else no intent head) and entity tag schemes."""
        labels: list[str] = []
        if self.config.intent_classification:
            labels = sorted({base_intent(m.example) for m in messages if m.example is not None})
        schemes = {}
        if self.config.entity_recognition:
            schemes = entity_schemes(messages, self.config.BILOU_flag)
        return build_training_set(
            messages,
            base_intent,
            labels if len(labels) > 1 else [],
            schemes,
            self.config.featurizers,
        )

    def apply(self, message: Message, prediction: DIETPrediction, row: int, tokens: int) -> None:
        assert self.runtime is not None  # a prediction comes from the runtime
        ranking = self.runtime.intent_ranking(prediction, row)
        if ranking:
            message.intent = dict(ranking[0])
            message.intent_ranking = ranking
        if self.runtime.heads:
            spans = [(t.start, t.end) for t in message.tokens[:tokens]]
            message.entities.extend(self.runtime.entities(prediction, row, message.text, spans))
