"""The object a pipeline passes from component to component, and its parse-result shape.

A ``Message`` starts as text; the tokenizer fills ``tokens``, featurizers append to
``features``, and classifiers/extractors set the outputs (``intent``, ``intent_ranking``,
``entities``, ``response_selector``). ``to_parse_result`` renders Rasa's ``/model/parse``
dictionary (events-and-tracker.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from myna.nlu.features import Features

if TYPE_CHECKING:
    from myna.project.nlu import NLUExample

Entity = dict[str, Any]
IntentPrediction = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Token:
    """A piece of the text: ``text == message.text[start:end]`` (end exclusive)."""

    text: str
    start: int
    end: int


@dataclass(slots=True)
class Message:
    """One user utterance on its way through the pipeline.

    ``example`` is the training example the message was built from (gold intent and
    entities); it is ``None`` at serving time. Components never write gold labels into
    the output fields, so a training message's outputs stay empty.
    """

    text: str
    tokens: list[Token] = field(default_factory=list)
    features: list[Features] = field(default_factory=list)
    intent: IntentPrediction | None = None
    intent_ranking: list[IntentPrediction] | None = None
    entities: list[Entity] = field(default_factory=list)
    response_selector: dict[str, Any] | None = None
    example: NLUExample | None = None
    # Set by the tokenizer: Rasa then answers `text_tokens`, even when there are none.
    tokenized: bool = False
    # Set by a tokenizer with `intent_tokenization_flag` on training messages: the label
    # tokens of each label the example has (its intent; for `faq/ask_name` also `faq`).
    label_tokens: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_example(cls, example: NLUExample) -> Message:
        return cls(text=example.text, example=example)

    def sparse_features(self) -> list[Features]:
        return [f for f in self.features if f.is_sparse]

    def dense_features(self) -> list[Features]:
        return [f for f in self.features if not f.is_sparse]

    def to_parse_result(self) -> dict[str, Any]:
        """Rasa's parse dictionary: top-level keys whose value is null are left out."""
        intent = dict(self.intent) if self.intent else {"name": None, "confidence": 0.0}
        _add_full_retrieval_intent_name(intent, self.response_selector)
        result: dict[str, Any] = {
            "text": self.text,
            "intent": intent,
            "entities": [dict(entity) for entity in self.entities],
            "intent_ranking": self.intent_ranking,
            "text_tokens": [[t.start, t.end] for t in self.tokens]
            if self.tokens or self.tokenized
            else None,
            "response_selector": self.response_selector,
        }
        return {key: value for key, value in result.items() if value is not None}


def _add_full_retrieval_intent_name(
    intent: IntentPrediction, selector: dict[str, Any] | None
) -> None:
    """For a retrieval intent, name the chosen ``intent/response`` key (or null)."""
    if not selector or intent.get("name") not in selector.get("all_retrieval_intents", ()):
        return
    chosen = selector.get(intent["name"])
    key = chosen["response"].get("intent_response_key") if chosen else None
    intent["full_retrieval_intent_name"] = key
