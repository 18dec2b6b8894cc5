"""Intent classification: gold intents against the parse results' top intents.

As in Rasa, a retrieval example such as ``faq/ask_name`` counts as the intent ``faq``
here; the response key is judged by the response-selection evaluation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

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
        intent = result.get("intent") or {}
        name = intent.get("name")
        confidence = float(intent.get("confidence") or 0.0)
        entry = {
            "text": example.text,
            "intent": target,
            "intent_prediction": {"name": name, "confidence": confidence},
        }
        collector.add(target, name, confidence, entry)
    return collector.build(INTENT_PREFIX, "Intent")
