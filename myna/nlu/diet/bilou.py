"""Token tagging of entities (BILOU or IO) and decoding of tags back into entity dicts.

Pure Python, safe to import when serving. Tokens are `(start, end)` character offsets into
the message text. A token belongs to an entity when their character ranges overlap. One
`TagScheme` exists per tagged attribute: the entity type, and (when the data has them) its
role and group; roles and groups are tagged over the same tokens with the same prefixes.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

NO_TAG = "O"
ATTRIBUTES = ("entity", "role", "group")
_BILOU_PREFIXES = ("B", "I", "L", "U")
_CLOSING_PREFIXES = ("L", "U")
_OPENING_PREFIXES = ("B", "U")

Token = tuple[int, int]


@dataclass(frozen=True)
class TagScheme:
    """Tag names for one attribute: index 0 is `O`, then one tag per (prefix, label)."""

    tags: tuple[str, ...]
    bilou: bool

    @classmethod
    def from_labels(cls, labels: Sequence[str], bilou: bool) -> "TagScheme":
        ordered = sorted(set(labels))
        if bilou:
            tags = [f"{prefix}-{label}" for label in ordered for prefix in _BILOU_PREFIXES]
        else:
            tags = list(ordered)
        return cls(tags=(NO_TAG, *tags), bilou=bilou)

    def __len__(self) -> int:
        return len(self.tags)

    def split(self, tag_id: int) -> tuple[str, str | None]:
        """Return `(prefix, label)`; the label is None for `O`, the prefix empty for IO."""
        return self._parts[tag_id]

    @cached_property
    def _parts(self) -> tuple[tuple[str, str | None], ...]:
        """`split` of every tag, worked out once: decoding splits each tagged token's tag."""
        return tuple(self._split(tag) for tag in self.tags)

    def _split(self, tag: str) -> tuple[str, str | None]:
        if tag == NO_TAG:
            return "", None
        if self.bilou:
            prefix, label = tag.split("-", 1)
            return prefix, label
        return "", tag

    def span_tag_ids(self, label: str, length: int) -> list[int]:
        """Tag ids for a span of `length` tokens carrying `label`."""
        if not self.bilou:
            return [self.tags.index(label)] * length
        if length == 1:
            return [self.tags.index(f"U-{label}")]
        inner = [self.tags.index(f"I-{label}")] * (length - 2)
        return [self.tags.index(f"B-{label}"), *inner, self.tags.index(f"L-{label}")]

    def to_json(self) -> dict[str, Any]:
        return {"tags": list(self.tags), "bilou": self.bilou}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "TagScheme":
        return cls(tags=tuple(data["tags"]), bilou=bool(data["bilou"]))


def schemes_from_entities(
    entity_lists: Sequence[Sequence[Mapping[str, Any]]], bilou: bool
) -> dict[str, TagScheme]:
    """Build the tag schemes of the attributes present in training entities.

    `entity` is always present; `role` and `group` only when some entity has one.
    """
    labels: dict[str, set[str]] = {attribute: set() for attribute in ATTRIBUTES}
    for entities in entity_lists:
        for entity in entities:
            for attribute in ATTRIBUTES:
                if entity.get(attribute) is not None:
                    labels[attribute].add(str(entity[attribute]))
    return {
        attribute: TagScheme.from_labels(sorted(values), bilou)
        for attribute, values in labels.items()
        if attribute == "entity" or values
    }


def _covered_tokens(tokens: Sequence[Token], start: int, end: int) -> list[int]:
    return [i for i, (t_start, t_end) in enumerate(tokens) if t_start < end and t_end > start]


def encode_entities(
    tokens: Sequence[Token],
    entities: Sequence[Mapping[str, Any]],
    schemes: Mapping[str, TagScheme],
) -> dict[str, list[int]]:
    """Per-token tag ids for each attribute in `schemes` (0 = `O`)."""
    result = {attribute: [0] * len(tokens) for attribute in schemes}
    for entity in entities:
        covered = _covered_tokens(tokens, int(entity["start"]), int(entity["end"]))
        if not covered:
            continue
        for attribute, scheme in schemes.items():
            label = entity.get(attribute)
            if label is None:
                continue
            ids = scheme.span_tag_ids(str(label), len(covered))
            for position, tag_id in zip(covered, ids, strict=True):
                result[attribute][position] = tag_id
    return result


@dataclass
class _Open:
    """An entity being decoded, with the labels that decide whether it continues."""

    entity: dict[str, Any]
    labels: dict[str, str | None]
    closed: bool


def _continues(current: _Open, labels: dict[str, str | None], prefix: str, comma: bool) -> bool:
    if current.closed or current.labels != labels:
        return False
    return prefix not in _OPENING_PREFIXES and not comma


def _new_entity(
    text: str, token: Token, labels: dict[str, str | None], confidences: dict[str, float]
) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "entity": labels["entity"],
        "start": token[0],
        "end": token[1],
        "value": text[token[0] : token[1]],
        "confidence_entity": confidences["entity"],
    }
    for name in ATTRIBUTES[1:]:
        if labels.get(name) is not None:
            entity[name] = labels[name]
            entity[f"confidence_{name}"] = confidences[name]
    entity["extractor"] = "DIETClassifier"
    return entity


def _extend(entity: dict[str, Any], text: str, token: Token, confidences: dict[str, float]) -> None:
    entity["end"] = token[1]
    entity["value"] = text[entity["start"] : token[1]]
    for name, confidence in confidences.items():
        key = f"confidence_{name}"
        if key in entity:
            entity[key] = min(entity[key], confidence)


def decode_entities(
    text: str,
    tokens: Sequence[Token],
    tags: Mapping[str, Sequence[int]],
    confidences: Mapping[str, Sequence[float]],
    schemes: Mapping[str, TagScheme],
    split_by_comma: Callable[[str], bool] = lambda _: True,
) -> list[dict[str, Any]]:
    """Turn per-token tag ids into Rasa entity dicts.

    `tags` and `confidences` map attribute names (`entity`, optionally `role`, `group`) to
    per-token values. A new entity starts at a `B`/`U` tag, after an `L`/`U` tag, when the
    entity type, role or group changes, or (if `split_by_comma(type)`) when a comma ends the
    previous token or separates it from this one. The confidences of a multi-token entity
    are the minimum over its tokens.
    """
    entities: list[dict[str, Any]] = []
    current: _Open | None = None
    previous_end = 0
    entity_scheme = schemes["entity"]
    ids = {name: [int(i) for i in values] for name, values in tags.items()}
    scores = {name: [float(c) for c in values] for name, values in confidences.items()}
    for index, token in enumerate(tokens):
        prefix, entity_type = entity_scheme.split(ids["entity"][index])
        if entity_type is None:
            current = None
            continue
        labels = {name: schemes[name].split(values[index])[1] for name, values in ids.items()}
        token_conf = {name: values[index] for name, values in scores.items()}
        gap = text[max(previous_end - 1, 0) : token[0]]
        comma = split_by_comma(entity_type) and "," in gap
        if current is not None and _continues(current, labels, prefix, comma):
            _extend(current.entity, text, token, token_conf)
        else:
            current = _Open(_new_entity(text, token, labels, token_conf), labels, False)
            entities.append(current.entity)
        current.closed = prefix in _CLOSING_PREFIXES
        previous_end = token[1]
    return entities
