"""Intent classification: gold intents against the parse results' top intents.

As in Rasa, a retrieval example such as ``faq/ask_name`` counts as the intent ``faq``
here; the response key is judged by the response-selection evaluation. Also as in Rasa,
a FallbackClassifier prediction is undone first: the classifier's own top intent is
judged, which the fallback would otherwise hide (the fallback is a policy for the
conversation, not an answer of the classifier).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from myna.nlu.classifiers.fallback import FALLBACK_INTENT
from myna.nlu.evaluation.reports import LabelCollector, LabelEvaluation
from myna.project.nlu import NLUExample

INTENT_PREFIX = "intent"


def evaluate_intents(
    examples: Sequence[NLUExample], results: Sequence[Mapping[str, Any]]
) -> LabelEvaluation:
    """``results[i]`` is the parse result of ``examples[i]``."""
    collector = LabelCollector()
    for example, result in zip(examples, results, strict=True):
        target = example.retrieval_intent or example.intent
        intent = _without_fallback(result)
        name = intent.get("name")
        confidence = float(intent.get("confidence") or 0.0)
        entry = {
            "text": example.text,
            "intent": target,
            "intent_prediction": {"name": name, "confidence": confidence},
        }
        collector.add(target, name, confidence, entry)
    return collector.build(INTENT_PREFIX, "Intent")


def _without_fallback(result: Mapping[str, Any]) -> Mapping[str, Any]:
    """The predicted intent, or under an `nlu_fallback` the best other ranked intent."""
    intent = result.get("intent") or {}
    if intent.get("name") != FALLBACK_INTENT:
        return intent
    ranked = [
        entry
        for entry in result.get("intent_ranking") or []
        if entry.get("name") != FALLBACK_INTENT
    ]
    return ranked[0] if ranked else intent
