"""What the user and the bot said: `user`, `bot`, `user_featurization`, `entities`."""

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Self

from myna.events.base import Event, InvalidEventError, event_type

EXTERNAL_MESSAGE_PREFIX = "EXTERNAL: "
# Response keys that go into a bot event's `data`; every other key goes into `metadata`.
BOT_DATA_KEYS = ("elements", "quick_replies", "buttons", "attachment", "image", "custom")


def parse_data_shape(
    text: str | None = None,
    message_id: str | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The parse data of a message nothing was predicted for (also the empty message)."""
    return {
        "intent": {},
        "entities": [],
        "text": text,
        "message_id": message_id,
        "metadata": dict(metadata or {}),
    }


def entity_list(
    entities: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None,
) -> list[dict[str, Any]]:
    """Entities given as a list of entity objects or as a `{type: value}` map."""
    if entities is None:
        return []
    if isinstance(entities, Mapping):
        return [{"entity": name, "value": value} for name, value in entities.items()]
    return [dict(entity) for entity in entities]


@event_type
class UserUttered(Event):
    """A user message; `parse_data` is completed to the full NLU shape on creation."""

    type_name: ClassVar[str] = "user"
    always_metadata: ClassVar[bool] = True
    object_fields: ClassVar[frozenset[str]] = frozenset({"parse_data"})

    text: str | None = None
    parse_data: dict[str, Any] = dataclasses.field(default_factory=dict)
    input_channel: str | None = None
    message_id: str | None = None

    def __post_init__(self) -> None:
        shape = parse_data_shape(self.text, self.message_id, self.metadata)
        object.__setattr__(self, "parse_data", shape | self.parse_data)

    @classmethod
    def external(
        cls,
        intent: str,
        entities: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None = None,
        input_channel: str | None = None,
    ) -> Self:
        """The message injected for reminders and `trigger_intent`."""
        return cls(
            text=f"{EXTERNAL_MESSAGE_PREFIX}{intent}",
            parse_data={"intent": {"name": intent}, "entities": entity_list(entities)},
            input_channel=input_channel,
            metadata={"is_external": True},
        )

    @property
    def intent(self) -> dict[str, Any]:
        return self.parse_data.get("intent") or {}

    @property
    def intent_name(self) -> str | None:
        return self.intent.get("name")

    @property
    def entities(self) -> list[dict[str, Any]]:
        return self.parse_data.get("entities") or []


@event_type
class BotUttered(Event):
    type_name: ClassVar[str] = "bot"
    always_metadata: ClassVar[bool] = True
    object_fields: ClassVar[frozenset[str]] = frozenset({"data"})

    text: str | None = None
    data: dict[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_response(
        cls, response: Mapping[str, Any], extra_metadata: Mapping[str, Any] | None = None
    ) -> Self:
        """The bot event for a generated response dict.

        `text` → `text`; the rich-content keys → `data` (a missing `attachment` falls
        back to `image`); all remaining keys, then `extra_metadata` → `metadata`.
        """
        rest = dict(response)
        text = rest.pop("text", None)
        data = {key: rest.pop(key, None) for key in BOT_DATA_KEYS}
        data["attachment"] = data["attachment"] or data["image"]
        return cls(text=text, data=data, metadata={**rest, **(extra_metadata or {})})

    def channel_message(self) -> dict[str, Any]:
        """The message dict handed to an output channel: data, text, timestamp, metadata.

        `attachment` is dropped when it equals `image` (it was only copied from it).
        """
        message = {**self.data, "text": self.text, "timestamp": self.timestamp, **self.metadata}
        if message.get("attachment") == message.get("image"):
            message.pop("attachment", None)
        return message


@event_type
class DefinePrevUserUtteredFeaturization(Event):
    """Whether the latest user turn is featurized by its text (true) or intent (false)."""

    type_name: ClassVar[str] = "user_featurization"

    use_text_for_featurization: bool


@event_type
class EntitiesAdded(Event):
    """Entities predicted by a policy, added to the latest user message."""

    type_name: ClassVar[str] = "entities"

    entities: list[dict[str, Any]]

    @classmethod
    def validate_payload(cls, data: Mapping[str, Any]) -> None:
        entities = data.get("entities")
        if not isinstance(entities, list):
            raise InvalidEventError(f"'entities' must be a list of entities, got {entities!r}")
        for entity in entities:
            if not isinstance(entity, dict) or not {"entity", "value"} <= entity.keys():
                raise InvalidEventError(
                    f"an entity needs the keys 'entity' and 'value', got {entity!r}"
                )
