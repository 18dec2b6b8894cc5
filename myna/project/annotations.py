"""Rasa's inline entity grammar and ``/intent{json}`` payloads.

Annotations: ``[text](type)``, ``[text](type:value)``, ``[text]{"entity": ..., "value": ...,
"role": ..., "group": ...}`` and ``[text][{...}, {...}]`` (several entities on one span).
The brackets are removed to form the plain text; offsets refer to the plain text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# A bracketed span (no brackets inside), then either the short form "(type[:value])" or
# the opener of another form: "{", "[{", or a "(" that is not a valid short form.
_ANNOTATION = re.compile(
    r"\[(?P<span>[^\[\]]+)\]"
    r"(?:\((?P<type>[^():]+)(?::(?P<value>[^)]+))?\)|(?P<opener>\(|\{|\[(?=\s*\{)))"
)
_PAYLOAD = re.compile(r"/(?P<intent>[^\s{@\[]+)(?:@[0-9.]+)?(?P<entities>[{\[].*)?", re.DOTALL)
_MALFORMED = "malformed entity annotation: expected [text](entity_type) or [text](type:value)"
_JSON_KEYS = frozenset({"entity", "value", "role", "group"})
_DECODER = json.JSONDecoder()

# entity type, value, role, group
_Attributes = tuple[str, Any, str | None, str | None]


@dataclass(frozen=True, slots=True)
class EntityAnnotation:
    """An entity in a training text; ``start``/``end`` index the plain text."""

    entity: str
    start: int
    end: int
    value: Any
    role: str | None = None
    group: str | None = None
    text: str = ""


class AnnotationError(ValueError):
    """A malformed annotation; ``offset`` indexes the annotated (not the plain) text."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


def parse_annotated(text: str) -> tuple[str, tuple[EntityAnnotation, ...]]:
    """Split an annotated training text into plain text and its entities.

    Raises AnnotationError at the ``[`` of the first malformed annotation.
    """
    if "[" not in text:
        return text, ()
    pieces: list[str] = []
    entities: list[EntityAnnotation] = []
    position = plain_length = 0
    while match := _ANNOTATION.search(text, position):
        span, entity, value = match.group("span", "type", "value")
        pieces.append(text[position : match.start()])
        plain_length += match.start() - position
        end = plain_length + len(span)
        if entity is not None:
            entity, value = entity.strip(), span if value is None else value.strip()
            if not entity or not value:
                raise AnnotationError(match.start(), _MALFORMED)
            entities.append(EntityAnnotation(entity, plain_length, end, value, text=span))
            position = match.end()
        else:
            attributes, position = _json_form(text, match.start("opener"), span, match.start())
            entities.extend(
                EntityAnnotation(entity, plain_length, end, value, role, group, span)
                for entity, value, role, group in attributes
            )
        pieces.append(span)
        plain_length = end
    pieces.append(text[position:])
    return "".join(pieces), tuple(entities)


def _json_form(text: str, at: int, span: str, offset: int) -> tuple[list[_Attributes], int]:
    """``{...}`` (one entity) or ``[{...}, ...]`` (several) starting at ``text[at]``."""
    if text[at] == "(":
        raise AnnotationError(offset, _MALFORMED)
    data, end = _decode(text, at, offset)
    if text[at] == "{":
        return [_json_attributes(data, span, offset)], end
    return [_json_attributes(item, span, offset) for item in data], end


def _decode(text: str, at: int, offset: int) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, at)
    except json.JSONDecodeError as exc:
        raise AnnotationError(offset, f"invalid JSON in entity annotation: {exc.msg}") from None


def _json_attributes(data: Any, span: str, offset: int) -> _Attributes:
    if not isinstance(data, dict):
        raise AnnotationError(offset, "entity annotation must be a JSON object")
    unknown = sorted(data.keys() - _JSON_KEYS)
    if unknown:
        raise AnnotationError(
            offset,
            f"unknown key '{unknown[0]}' in entity annotation "
            "(allowed: entity, value, role, group)",
        )
    entity = data.get("entity")
    if not isinstance(entity, str) or not entity.strip():
        raise AnnotationError(offset, "entity annotation needs an 'entity' key naming the type")
    role, group = data.get("role"), data.get("group")
    for key, label in (("role", role), ("group", group)):
        if label is not None and not isinstance(label, str):
            raise AnnotationError(offset, f"entity annotation '{key}' must be a string")
    value = data.get("value")
    return entity.strip(), span if value is None else value, role, group


def parse_intent_payload(text: str) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """Parse ``/intent``, ``/intent@0.9`` or ``/intent{"type": value}`` into intent + entities.

    A list value yields one entity per item. Raises AnnotationError.
    """
    match = _PAYLOAD.fullmatch(text)
    if not match:
        raise AnnotationError(0, 'malformed intent payload: expected /intent{"entity": "value"}')
    raw = match.group("entities")
    if raw is None:
        return match.group("intent"), ()
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise AnnotationError(
            match.start("entities"), f"invalid JSON in intent payload: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise AnnotationError(match.start("entities"), "intent payload entities must be an object")
    entities = tuple(
        (entity, value)
        for entity, values in data.items()
        for value in (values if isinstance(values, list) else [values])
    )
    return match.group("intent"), entities
