"""EntitySynonymMapper: replace extracted entity values by their canonical synonym.

Synonyms come from the training data's ``synonym:`` blocks and from annotated entities
whose value differs from their text (``NLUData.entity_synonyms()``); lookups ignore case.
An entity whose value changes gets ``"EntitySynonymMapper"`` appended to ``processors``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Self

from myna.nlu.component import Component, ComponentConfig, load_json, save_json
from myna.nlu.message import Message

if TYPE_CHECKING:
    from myna.project.nlu import NLUData

_SYNONYMS_FILE = "synonyms.json"


class EntitySynonymMapper(Component):
    def __init__(self, config: ComponentConfig, synonyms: Mapping[str, str] | None = None) -> None:
        super().__init__(config)
        self.synonyms = {key.lower(): value for key, value in (synonyms or {}).items()}

    def train(self, messages: Sequence[Message], training_data: NLUData) -> None:
        self.synonyms = {k.lower(): v for k, v in training_data.entity_synonyms().items()}

    def process(self, message: Message) -> None:
        for entity in message.entities:
            canonical = self.synonyms.get(str(entity.get("value")).lower())
            if canonical is None or canonical == entity.get("value"):
                continue
            entity["value"] = canonical
            entity["processors"] = [*entity.get("processors", []), self.name]

    def persist(self, directory: Path) -> None:
        save_json(directory, _SYNONYMS_FILE, self.synonyms)

    @classmethod
    def load(cls, directory: Path, config: ComponentConfig) -> Self:
        return cls(config, load_json(directory, _SYNONYMS_FILE))
