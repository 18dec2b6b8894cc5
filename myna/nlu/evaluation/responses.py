"""Response selection: gold ``intent/response`` keys against the ResponseSelector's choice.

Only examples of retrieval intents are judged. The prediction is read from the selector
named after the gold retrieval intent, or from the ``default`` selector (Rasa's rule).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from myna.nlu.evaluation.reports import LabelCollector, LabelEvaluation
from myna.project.nlu import NLUExample

RESPONSE_PREFIX = "response_selection"
DEFAULT_SELECTOR = "default"


def evaluate_responses(
    examples: Sequence[NLUExample], results: Sequence[Mapping[str, Any]]
) -> LabelEvaluation | None:
    """None when no example belongs to a retrieval intent."""
    collector = LabelCollector()
    for example, result in zip(examples, results, strict=True):
        if example.retrieval_intent is None:
            continue
        response = _chosen_response(example.retrieval_intent, result)
        key = response.get("intent_response_key")
        confidence = float(response.get("confidence") or 0.0)
        entry = {
            "text": example.text,
            "intent_response_key_target": example.intent,
            "intent_response_key_prediction": {"name": key, "confidence": confidence},
        }
        collector.add(example.intent, key, confidence, entry)
    if not collector.gold:
        return None
    return collector.build(RESPONSE_PREFIX, "Response selection")


def _chosen_response(retrieval_intent: str, result: Mapping[str, Any]) -> Mapping[str, Any]:
    selectors = result.get("response_selector") or {}
    selector = selectors.get(retrieval_intent) or selectors.get(DEFAULT_SELECTOR) or {}
    return selector.get("response") or {}
