"""Type names of the rasa_sdk API: the domain and tracker state as action code sees them.

Both are plain JSON dicts (typed dicts, so any key the engine sends stays readable).
"""

from __future__ import annotations

from typing import Any, TypedDict


class DomainDict(TypedDict, total=False):
    """The domain of the request (`domain`): the training domain as written, see the spec."""

    version: str
    config: dict[str, Any]
    session_config: dict[str, Any]
    intents: list[str | dict[str, Any]]
    entities: list[str | dict[str, Any]]
    slots: dict[str, dict[str, Any]]
    responses: dict[str, list[dict[str, Any]]]
    actions: list[str | dict[str, Any]]
    forms: dict[str, dict[str, Any]]
    e2e_actions: list[str]


class TrackerState(TypedDict, total=False):
    """The tracker of the request (`tracker`), events at verbosity ALL."""

    sender_id: str
    slots: dict[str, Any]
    latest_message: dict[str, Any]
    latest_event_time: float | None
    followup_action: str | None
    paused: bool
    events: list[dict[str, Any]]
    latest_input_channel: str | None
    active_loop: dict[str, Any]
    latest_action: dict[str, Any]
    latest_action_name: str | None
