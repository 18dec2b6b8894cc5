"""An incoming user message and how it becomes a `user` event."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from myna.events import UserUttered

DEFAULT_SENDER_ID = "default"
DEFAULT_INPUT_CHANNEL = "rest"


class NLUParser(Protocol):
    """Turns text into a Rasa parse result (`/intent{json}` shortcuts included)."""

    def parse(self, text: str) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class UserMessage:
    """What a channel received. `parse_data`, when given, replaces running NLU."""

    text: str | None
    sender_id: str = DEFAULT_SENDER_ID
    input_channel: str = DEFAULT_INPUT_CHANNEL
    message_id: str | None = None
    metadata: dict[str, Any] | None = None
    parse_data: dict[str, Any] | None = None


def empty_parse(text: str | None) -> dict[str, Any]:
    """The parse result when nothing was predicted (spec: events-and-tracker.md §4)."""
    return {"text": text or "", "intent": {"name": None, "confidence": 0.0}, "entities": []}


def needs_nlu(message: UserMessage, nlu: NLUParser | None) -> bool:
    """Whether `parse_message` would run the NLU (it has text and no parse data of its own)."""
    return message.parse_data is None and nlu is not None and message.text is not None


def parse_message(message: UserMessage, nlu: NLUParser | None) -> dict[str, Any]:
    """The message's own parse data, else the NLU result, else the empty parse."""
    if message.parse_data is not None:
        return dict(message.parse_data)
    if nlu is None or message.text is None:
        return empty_parse(message.text)
    return nlu.parse(message.text)


def user_event(
    message: UserMessage, parse_data: Mapping[str, Any], timestamp: float
) -> UserUttered:
    """The `user` event logged for `message`; a missing message id becomes a new uuid."""
    message_id = message.message_id or uuid.uuid4().hex
    return UserUttered(
        text=message.text,
        parse_data={**parse_data, "message_id": message_id},
        input_channel=message.input_channel,
        message_id=message_id,
        metadata=dict(message.metadata or {}),
        timestamp=timestamp,
    )
