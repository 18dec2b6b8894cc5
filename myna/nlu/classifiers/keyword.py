"""KeywordIntentClassifier: an intent when a training example's text occurs in the message.

Each training example's text is a keyword for its intent, matched as a whole word
sequence. A text given for two different intents is ambiguous and dropped (with a
warning); the first keyword, in training order, that matches decides.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Self

from myna.nlu.component import Component, ComponentConfig, load_json, save_json
from myna.nlu.message import Message

if TYPE_CHECKING:
    from myna.project.nlu import NLUData

logger = logging.getLogger(__name__)

_KEYWORDS_FILE = "keywords.json"


class KeywordConfig(ComponentConfig):
    case_sensitive: bool = True


class KeywordIntentClassifier(Component):
    Config = KeywordConfig
    config: KeywordConfig

    def __init__(self, config: ComponentConfig, keywords: Mapping[str, str] | None = None) -> None:
        super().__init__(config)
        self._set_keywords(keywords or {})

    def _set_keywords(self, keywords: Mapping[str, str]) -> None:
        self.keywords = dict(keywords)
        flags = 0 if self.config.case_sensitive else re.IGNORECASE
        self._patterns = [
            (re.compile(rf"\b{re.escape(keyword)}\b", flags), intent)
            for keyword, intent in self.keywords.items()
        ]

    def train(self, messages: Sequence[Message], training_data: NLUData) -> None:
        keywords: dict[str, str] = {}
        ambiguous: set[str] = set()
        for example in training_data.examples:
            if not example.text or not example.intent:
                continue
            known = keywords.setdefault(example.text, example.intent)
            if known != example.intent:
                ambiguous.add(example.text)
        for text in sorted(ambiguous):
            logger.warning("keyword %r belongs to several intents and is not used", text)
            del keywords[text]
        self._set_keywords(keywords)

    def process(self, message: Message) -> None:
        for pattern, intent in self._patterns:
            if pattern.search(message.text):
                message.intent = {"name": intent, "confidence": 1.0}
                return
        message.intent = {"name": None, "confidence": 0.0}

    def persist(self, directory: Path) -> None:
        save_json(directory, _KEYWORDS_FILE, self.keywords)

    @classmethod
    def load(cls, directory: Path, config: ComponentConfig) -> Self:
        return cls(config, load_json(directory, _KEYWORDS_FILE))
