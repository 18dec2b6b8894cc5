"""ResponseSelector (serving): picks the response of a retrieval intent (spec §8.2).

A DIET network without transformer (Rasa's defaults below) whose labels are the
``intent/response_key`` names (``faq/ask_name``) of the retrieval intents' examples, or of
one retrieval intent's with ``retrieval_intent``. Labels are one-hot, so
``use_text_as_label`` only renames them and changes no prediction; Myna always ranks the
response keys. Output: ``message.response_selector`` in the shape of
events-and-tracker.md §4, under the key ``retrieval_intent`` or ``default``. The training
half is ``myna.nlu.classifiers.diet_training.ResponseSelectorTrainer``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from myna.nlu.classifiers.diet_component import DIETComponent, TrainingSet, build_training_set
from myna.nlu.component import ComponentConfig
from myna.nlu.diet.config import DIETConfig
from myna.nlu.diet.runtime import DIETPrediction
from myna.nlu.message import Message

if TYPE_CHECKING:
    from myna.project.nlu import NLUData, NLUExample

DEFAULT_KEY = "default"


class ResponseSelectorConfig(DIETConfig, ComponentConfig):
    """ResponseSelector options: DIET's, with Rasa's ResponseSelector defaults."""

    hidden_layers_sizes: dict[str, list[int]] = Field({"text": [256, 128], "label": [256, 128]})
    dense_dimension: dict[str, int] = Field({"text": 512, "label": 512})
    concat_dimension: dict[str, int] = Field({"text": 512, "label": 512})
    number_of_transformer_layers: int = Field(0, ge=0)
    transformer_size: int | None = None
    connection_density: float = Field(1.0, gt=0, le=1)
    scale_loss: bool = True
    use_sparse_input_dropout: bool = False
    use_dense_input_dropout: bool = False
    intent_classification: Literal[True] = True
    entity_recognition: Literal[False] = False
    retrieval_intent: str | None = None
    use_text_as_label: bool = False


def response_key(example: NLUExample) -> str:
    """The label of a retrieval example: its full intent, ``faq/ask_name``."""
    return example.intent


class ResponseSelector(DIETComponent):
    Config = ResponseSelectorConfig
    config: ResponseSelectorConfig

    @property
    def key(self) -> str:
        return self.config.retrieval_intent or DEFAULT_KEY

    def selects(self, example: NLUExample | None) -> bool:
        """Whether ``example`` is one of the retrieval examples this selector learns."""
        if example is None or example.retrieval_intent is None:
            return False
        wanted = self.config.retrieval_intent
        return wanted is None or example.retrieval_intent == wanted

    def training_set(self, messages: Sequence[Message], training_data: NLUData) -> TrainingSet:
        """The retrieval examples, labelled ``intent/response_key``; also keeps the responses."""
        selected = [m for m in messages if self.selects(m.example)]
        labels = sorted({response_key(m.example) for m in selected if m.example is not None})
        self.state = {
            "all_retrieval_intents": list(training_data.retrieval_intents),
            "responses": {
                label: list(training_data.responses.get(f"utter_{label}", ())) for label in labels
            },
        }
        return build_training_set(
            selected, response_key, labels if len(labels) > 1 else [], {}, self.config.featurizers
        )

    def apply(self, message: Message, prediction: DIETPrediction, row: int, tokens: int) -> None:
        assert self.runtime is not None  # a prediction comes from the runtime
        ranking = self.runtime.intent_ranking(prediction, row)
        if not ranking:
            return
        selector = dict(message.response_selector or {})
        selector["all_retrieval_intents"] = list(self.state["all_retrieval_intents"])
        selector[self.key] = self._prediction(ranking)
        message.response_selector = selector

    def _prediction(self, ranking: list[dict[str, Any]]) -> dict[str, Any]:
        top = ranking[0]["name"]
        return {
            "response": {
                "responses": list(self.state["responses"].get(top, [])),
                "confidence": ranking[0]["confidence"],
                "intent_response_key": top,
                "utter_action": f"utter_{top}",
            },
            "ranking": [
                {"confidence": r["confidence"], "intent_response_key": r["name"]} for r in ranking
            ],
        }
