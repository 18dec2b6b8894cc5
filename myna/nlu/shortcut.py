"""The ``/intent@confidence{"entity": "value"}`` shortcut that bypasses NLU.

``/greet`` → intent ``greet`` with confidence 1.0; ``/inform@0.8{"city": "Rome"}`` adds
the confidence and entities whose ``start``/``end`` span the JSON part; a list value
gives one entity per item. An intent that is not known is not a shortcut: the text then
goes through the pipeline like any other.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Collection
from typing import Any

from myna.nlu.message import Entity, Message

logger = logging.getLogger(__name__)

_SHORTCUT = re.compile(
    r"/(?P<intent>[^{@\s]+)(?:@(?P<confidence>\d*\.?\d+))?(?P<entities>\{.*\})?\s*",
    re.DOTALL,
)


def decode_shortcut(text: str, known_intents: Collection[str]) -> Message | None:
    """The message a shortcut stands for, or None when ``text`` is not a shortcut."""
    match = _SHORTCUT.fullmatch(text)
    if match is None or match["intent"] not in known_intents:
        return None
    confidence = float(match["confidence"]) if match["confidence"] else 1.0
    intent = {"name": match["intent"], "confidence": confidence}
    return Message(
        text=text,
        intent=intent,
        intent_ranking=[dict(intent)],
        entities=_entities(match),
    )


def _entities(match: re.Match[str]) -> list[Entity]:
    if match["entities"] is None:
        return []
    try:
        parsed: Any = json.loads(match["entities"])
    except json.JSONDecodeError as error:
        logger.warning("ignoring the entities of %r: invalid JSON (%s)", match.string, error)
        return []
    if not isinstance(parsed, dict):
        logger.warning("ignoring the entities of %r: not a JSON object", match.string)
        return []
    start, end = match.span("entities")
    return [
        {"entity": name, "start": start, "end": end, "value": value}
        for name, values in parsed.items()
        for value in (values if isinstance(values, list) else [values])
    ]
