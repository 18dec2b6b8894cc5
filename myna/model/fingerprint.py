"""Stable fingerprints of training data: equal hashes mean a part needs no retraining.

Like Rasa's ``TrainingData.fingerprint``, the hash ignores the order of examples and of
synonyms (training sees them as a set and a mapping) but not the order of regexes and
lookup tables (their order is the order of the features they produce).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from myna.project.domain import Domain
from myna.project.nlu import NLUData, NLUExample
from myna.project.stories import StoryData


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, non-JSON values as their str."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def nlu_data_hash(data: NLUData) -> str:
    """sha256 over the examples (text, intent, entities), synonyms, regexes, lookups and
    retrieval responses (what a ResponseSelector returns)."""
    payload = {
        "examples": sorted(canonical_json(_example(example)) for example in data.examples),
        "synonyms": data.entity_synonyms(),
        "regexes": [[regex.name, regex.pattern] for regex in data.regexes],
        "lookups": [[table.name, list(table.elements)] for table in data.lookups],
        "responses": data.responses,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def _example(example: NLUExample) -> dict[str, Any]:
    entities = [
        [entity.entity, entity.start, entity.end, entity.value, entity.role, entity.group]
        for entity in example.entities
    ]
    return {"text": example.text, "intent": example.intent, "entities": entities}


def core_data_hash(domain: Domain, stories: StoryData) -> str:
    """sha256 over what the policies learn from: the domain and every story and rule.

    Where a step was written (file, line) does not count: moving a story changes nothing.
    """
    payload = {
        "domain": domain.as_dict(),
        "stories": [_without_sources(story) for story in stories.stories],
        "rules": [_without_sources(rule) for rule in stories.rules],
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def _without_sources(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _without_sources(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if field.name != "source"
        } | {"type": type(value).__name__}
    if isinstance(value, list | tuple):
        return [_without_sources(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _without_sources(item) for key, item in value.items()}
    return value
