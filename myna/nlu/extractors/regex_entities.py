"""RegexEntityExtractor: entities found by the regexes and lookup tables named after them.

Only patterns whose name is an entity annotated somewhere in the training data are used;
each non-empty match becomes an entity with that name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from myna.nlu.message import Message
from myna.nlu.patterns import PatternComponent, PatternConfig

if TYPE_CHECKING:
    from myna.project.nlu import NLUData


class RegexEntityExtractorConfig(PatternConfig):
    case_sensitive: bool = False


class RegexEntityExtractor(PatternComponent):
    Config = RegexEntityExtractorConfig
    config: RegexEntityExtractorConfig

    def train(self, messages: Sequence[Message], training_data: NLUData) -> None:
        annotated = {e.entity for example in training_data.examples for e in example.entities}
        self.set_patterns([p for p in self.patterns_of(training_data) if p.name in annotated])

    def process(self, message: Message) -> None:
        for named, pattern in zip(self.patterns, self.compiled, strict=True):
            for match in pattern.finditer(message.text):
                if match.end() > match.start():
                    message.entities.append(
                        {
                            "entity": named.name,
                            "start": match.start(),
                            "end": match.end(),
                            "value": match.group(),
                            "extractor": self.name,
                        }
                    )
