"""The event envelope shared by every event type, and its JSON (de)serialisation.

Every concrete event is a frozen, slotted dataclass whose payload field names are the
JSON keys of the Rasa wire format, so one generic `to_dict`/`from_dict` pair serves all
types. Payload dicts and lists (`parse_data`, `data`, `metadata`, ...) are stored as
given: events compare by value but are deliberately unhashable. `to_dict` returns a new
top-level dict whose nested payload objects are shared with the event.
"""

import dataclasses
import functools
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self, TypeVar, dataclass_transform

_E = TypeVar("_E")

ENVELOPE_FIELDS = frozenset({"timestamp", "metadata"})


class InvalidEventError(ValueError):
    """An event body does not satisfy the event schema."""


class UnknownEventError(InvalidEventError):
    """The `event` name of an event body is not a known event type."""

    def __init__(self, name: object, known: list[str]) -> None:
        super().__init__(f"unknown event type {name!r}; known types: {', '.join(known)}")
        self.name = name
        self.known = known


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def event_type(cls: type[_E]) -> type[_E]:
    """Make `cls` a frozen, slotted, unhashable dataclass (the form of every event)."""
    made = dataclasses.dataclass(frozen=True, slots=True)(cls)
    made.__hash__ = None  # type: ignore[assignment]  # payload dicts are mutable
    return made


@event_type
class Event:
    """Envelope fields common to all events; subclasses add the payload fields."""

    type_name: ClassVar[str] = ""
    # `user` and `bot` always serialise `metadata`; other types only when non-empty.
    always_metadata: ClassVar[bool] = False
    # Payload fields that Rasa reads on input but never writes: emitted only when set.
    input_only: ClassVar[frozenset[str]] = frozenset()
    # Payload fields that must be JSON objects (or null, which means the default).
    object_fields: ClassVar[frozenset[str]] = frozenset()
    # Per-field converters between the JSON value and the attribute value.
    encoders: ClassVar[Mapping[str, Callable[[Any], Any]]] = {}
    decoders: ClassVar[Mapping[str, Callable[[Any], Any]]] = {}

    timestamp: float = dataclasses.field(default_factory=time.time, kw_only=True)
    metadata: dict[str, Any] = dataclasses.field(default_factory=dict, kw_only=True)

    def to_dict(self) -> dict[str, Any]:
        """The Rasa JSON form of this event."""
        out: dict[str, Any] = {"event": self.type_name, "timestamp": self.timestamp}
        if self.metadata or self.always_metadata:
            out["metadata"] = self.metadata
        for field in payload_fields(type(self)):
            value = getattr(self, field.name)
            if value is None and field.name in self.input_only:
                continue
            encode = self.encoders.get(field.name)
            out[field.name] = encode(value) if encode and value is not None else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Build the event from its JSON form (the `event` key is not checked here).

        A missing timestamp becomes now; a missing or null payload key takes the field's
        default; unknown keys are ignored.
        """
        timestamp, metadata = _read_envelope(data)
        _check_object_fields(cls, data)
        cls.validate_payload(data)
        kwargs: dict[str, Any] = {}
        for field in payload_fields(cls):
            value = data.get(field.name)
            if value is None and _has_default(field):
                continue
            if field.name not in data:
                raise InvalidEventError(
                    f"a {cls.type_name!r} event needs a {field.name!r} key: {dict(data)}"
                )
            decode = cls.decoders.get(field.name)
            kwargs[field.name] = decode(value) if decode and value is not None else value
        return cls(**kwargs, timestamp=timestamp, metadata=metadata)

    @classmethod
    def validate_payload(cls, data: Mapping[str, Any]) -> None:
        """Type-specific schema checks beyond required keys; raise InvalidEventError."""


@functools.cache
def payload_fields(cls: type[Event]) -> tuple[dataclasses.Field[Any], ...]:
    return tuple(f for f in dataclasses.fields(cls) if f.name not in ENVELOPE_FIELDS)


def _has_default(field: dataclasses.Field[Any]) -> bool:
    return (
        field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
    )


def _check_object_fields(cls: type[Event], data: Mapping[str, Any]) -> None:
    for name in cls.object_fields:
        value = data.get(name)
        if value is not None and not isinstance(value, dict):
            raise InvalidEventError(
                f"{name!r} of a {cls.type_name!r} event must be an object, got {value!r}"
            )


def _read_envelope(data: Mapping[str, Any]) -> tuple[float, dict[str, Any]]:
    timestamp = data.get("timestamp")
    if timestamp is None:
        timestamp = time.time()
    elif isinstance(timestamp, bool) or not isinstance(timestamp, int | float):
        raise InvalidEventError(f"'timestamp' must be a number or null, got {timestamp!r}")
    metadata = data.get("metadata")
    if metadata is None:
        metadata = {}
    elif not isinstance(metadata, dict):
        raise InvalidEventError(f"'metadata' must be an object or null, got {metadata!r}")
    return timestamp, dict(metadata)


def stamp_metadata(
    event: Event,
    model_id: str | None,
    assistant_id: str | None,
    timestamp: float | None = None,
) -> Event:
    """A copy of `event` whose metadata carries `model_id` and `assistant_id` and, if one is
    given, whose timestamp is `timestamp` (one copy: a turn logs every event through here).

    Keys already present are kept; a None id is not added.
    """
    additions = {
        key: value
        for key, value in (("model_id", model_id), ("assistant_id", assistant_id))
        if value is not None and key not in event.metadata
    }
    changes: dict[str, Any] = {} if timestamp is None else {"timestamp": timestamp}
    if additions:
        changes["metadata"] = {**event.metadata, **additions}
    return dataclasses.replace(event, **changes) if changes else event
