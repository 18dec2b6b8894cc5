"""The `ActionExecutor` port, its result and errors, and the wire shapes both adapters use.

`build_request` makes the body the engine POSTs to an action server and `parse_response`
reads the answer (action-server-protocol.md §2-§3). The webhook adapter sends the body
over HTTP; the in-process adapter hands the same JSON to the SDK, so both behave alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from myna import RASA_COMPATIBILITY
from myna.events import Event, InvalidEventError, event_from_dict
from myna.project.domain import Domain
from myna.tracker import EventVerbosity, Tracker

# rasa_sdk only warns when major.minor differs from its own version: report Rasa's.
PROTOCOL_VERSION = RASA_COMPATIBILITY


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What an action returned: events to apply and `responses` items for the NLG.

    A response item is the protocol's raw dict: text and rich parts, or `response`
    (alias `template`) naming a domain response, plus extra keys as NLG variables.
    """

    events: list[Event] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)


class ActionExecutionError(Exception):
    """A custom action did not produce a result."""

    def __init__(self, action_name: str, message: str) -> None:
        super().__init__(message)
        self.action_name = action_name


class ActionRejected(ActionExecutionError):
    """The action refused to run (protocol 400, SDK `ActionExecutionRejection`)."""

    def __init__(self, action_name: str, message: str | None = None) -> None:
        self.message = message or f"Custom action '{action_name}' rejected execution."
        super().__init__(action_name, self.message)


class ActionNotFound(ActionExecutionError):
    """The action server has no action of this name (protocol 404)."""

    def __init__(self, action_name: str) -> None:
        super().__init__(action_name, f"No registered action found for name '{action_name}'.")


class ActionServerError(ActionExecutionError):
    """Any other failure: server down or timing out, an error status, a broken answer."""

    def __init__(self, action_name: str, reason: str) -> None:
        super().__init__(action_name, f"Custom action '{action_name}' failed: {reason}")
        self.reason = reason


class ActionExecutor(Protocol):
    """Runs custom actions. Raises ActionRejected, ActionNotFound or ActionServerError."""

    async def run(self, action_name: str, tracker: Tracker, domain: Domain) -> ActionResult: ...


def sends_domain(action_name: str, domain: Domain, selective_domain: bool) -> bool:
    """Whether the request carries the domain (selective domain: only if the action asks)."""
    return not selective_domain or domain.action_needs_domain(action_name)


def build_request(
    action_name: str, tracker: Tracker, domain: Domain, send_domain: bool
) -> dict[str, Any]:
    """The request body: the tracker with ALL events, the domain unless left out.

    `tracker` must already be what the action should see (see the spec for the
    temporary tracker of `validate_<form>` calls). Without the domain, the `domain`
    key is absent, as in Rasa; rasa_sdk then reads `{}`.
    """
    body: dict[str, Any] = {
        "next_action": action_name,
        "sender_id": tracker.sender_id,
        "tracker": tracker.current_state(EventVerbosity.ALL),
        "version": PROTOCOL_VERSION,
    }
    if send_domain:
        body["domain"] = domain.as_dict()
    return body


def parse_response(action_name: str, body: object) -> ActionResult:
    """Read a 200 answer; a body that breaks the schema raises ActionServerError.

    `events` and `responses` may be missing or null (nothing); when present they must be
    lists of event objects (validated like the HTTP API's events) and of objects. One
    invalid item rejects the whole answer: none of its events may be applied.
    """
    if not isinstance(body, Mapping):
        raise ActionServerError(action_name, f"the answer is not a JSON object: {body!r:.200}")
    events = _list_field(action_name, body, "events")
    responses = _list_field(action_name, body, "responses")
    for index, item in enumerate(responses):
        if not isinstance(item, dict):
            raise ActionServerError(action_name, f"responses[{index}] is not an object: {item!r}")
    return ActionResult(_read_events(action_name, events), responses)


def _list_field(action_name: str, body: Mapping[str, Any], key: str) -> list[Any]:
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ActionServerError(action_name, f"'{key}' is not a list: {value!r:.200}")
    return value


def _read_events(action_name: str, items: list[Any]) -> list[Event]:
    events = []
    for index, item in enumerate(items):
        try:
            event = event_from_dict(item)
        except InvalidEventError as error:
            raise ActionServerError(action_name, f"events[{index}] is invalid: {error}") from None
        if event is not None:  # None: an ignored legacy event (`topic`)
            events.append(event)
    return events
