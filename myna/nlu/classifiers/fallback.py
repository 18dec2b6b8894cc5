"""FallbackClassifier: turn an uncertain intent prediction into ``nlu_fallback``.

Triggers when the top confidence is below ``threshold``, or when at least two intents
are ranked and the top two are closer than ``ambiguity_threshold``. The intent then
becomes ``{"name": "nlu_fallback", "confidence": threshold}``, also put first in the
ranking. Place it after the intent classifier.

An empty or blank text always falls back. Rasa lets the classifier's scores for the one
empty token decide, which makes the outcome an accident of training (the recorded
`/model/parse` of `""` fell back on ambiguity); a user who sent nothing gets the fallback.
"""

from __future__ import annotations

from myna.nlu.component import Component, ComponentConfig
from myna.nlu.message import Message

FALLBACK_INTENT = "nlu_fallback"


class FallbackConfig(ComponentConfig):
    threshold: float = 0.3
    ambiguity_threshold: float = 0.1


class FallbackClassifier(Component):
    Config = FallbackConfig
    config: FallbackConfig

    def should_fall_back(self, message: Message) -> bool:
        if not message.text.strip():
            return True
        confidence = float((message.intent or {}).get("confidence") or 0.0)
        if confidence < self.config.threshold:
            return True
        ranking = message.intent_ranking or []
        if len(ranking) < 2:
            return False
        margin = float(ranking[0]["confidence"]) - float(ranking[1]["confidence"])
        return margin < self.config.ambiguity_threshold

    def process(self, message: Message) -> None:
        if not self.should_fall_back(message):
            return
        fallback = {"name": FALLBACK_INTENT, "confidence": self.config.threshold}
        message.intent = fallback
        message.intent_ranking = [dict(fallback), *(message.intent_ranking or [])]
