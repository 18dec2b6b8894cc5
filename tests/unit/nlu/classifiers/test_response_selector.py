"""ResponseSelector: Rasa's defaults, the parse-result shape, and picking faq answers."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Restaurant, story_texts, synthetic_data, tiny_specs

from myna.nlu.pipeline import Pipeline
from myna.nlu.selectors.response_selector import ResponseSelector, ResponseSelectorConfig
from myna.project.config import ComponentSpec
from myna.project.domain_responses import Response
from myna.project.errors import Source
from myna.project.story_model import UserStep

TINY_SELECTOR = {
    "epochs": 30,
    "learning_rate": 0.01,
    "hidden_layers_sizes": {"text": [32], "label": [32]},
    "dense_dimension": {"text": 32, "label": 32},
    "random_seed": 5,
}
RESPONSES = [
    Response("utter_faq/hours", ({"text": "We open at nine."},)),
    Response("utter_faq/parking", ({"text": "Park behind the house."},)),
    Response("utter_greet", ({"text": "Hi!"},)),
]


def test_defaults_are_rasas_response_selector_defaults() -> None:
    config = ResponseSelectorConfig()
    assert config.hidden_layers_sizes == {"text": [256, 128], "label": [256, 128]}
    assert config.number_of_transformer_layers == 0 and config.transformer_size is None
    assert config.connection_density == 1.0 and config.scale_loss
    assert config.dense_dimension == {"text": 512, "label": 512}
    assert not config.use_sparse_input_dropout and not config.use_dense_input_dropout
    assert config.retrieval_intent is None and config.ranking_length == 10


def _selector_pipeline(**options: Any) -> Pipeline:
    spec = ComponentSpec("ResponseSelector", {**TINY_SELECTOR, **options}, Source("c", 1), {})
    pipeline = Pipeline.from_specs([*tiny_specs(epochs=30, learning_rate=0.01), spec])
    pipeline.train(synthetic_data(), RESPONSES)
    return pipeline


def test_selector_keyed_by_its_retrieval_intent() -> None:
    pipeline = _selector_pipeline(retrieval_intent="faq")
    result = pipeline.parse("where do I park")
    selector = result["response_selector"]
    assert selector["all_retrieval_intents"] == ["faq"] and "default" not in selector
    assert selector["faq"]["response"] == {
        "responses": [{"text": "Park behind the house."}],
        "confidence": selector["faq"]["ranking"][0]["confidence"],
        "intent_response_key": "faq/parking",
        "utter_action": "utter_faq/parking",
    }
    assert {r["intent_response_key"] for r in selector["faq"]["ranking"]} == {
        "faq/hours",
        "faq/parking",
    }
    if result["intent"]["name"] == "faq":
        assert result["intent"]["full_retrieval_intent_name"] == "faq/parking"


def test_selector_restricted_to_another_retrieval_intent_learns_nothing() -> None:
    pipeline = _selector_pipeline(retrieval_intent="chitchat")
    selector = pipeline.components[-1]
    assert isinstance(selector, ResponseSelector) and selector.runtime is None
    assert "response_selector" not in pipeline.parse("where do I park")


@pytest.mark.slow
def test_picks_the_right_faq_answer_on_the_restaurant_example(restaurant: Restaurant) -> None:
    faq = [e for e in restaurant.data.examples if e.retrieval_intent == "faq"]
    steps = [s for story in restaurant.project.test_stories.stories for s in story.steps]
    held_out = [
        (s.text, s.intent)
        for s in steps
        if isinstance(s, UserStep) and s.text and s.intent and s.intent.startswith("faq/")
    ]
    assert held_out and all(text in story_texts(restaurant.project) for text, _ in held_out)
    picked = {
        text: restaurant.pipeline.parse(text)["response_selector"]["default"]["response"]
        for text in [e.text for e in faq] + [text for text, _ in held_out]
    }
    correct = sum(picked[e.text]["intent_response_key"] == e.intent for e in faq)
    assert correct >= 0.8 * len(faq)
    for text, intent in held_out:
        assert picked[text]["intent_response_key"] == intent
        response = restaurant.project.domain.responses[f"utter_{intent}"]
        assert picked[text]["responses"] == response.as_list()
