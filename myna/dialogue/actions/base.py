"""What every action is, and what it gets to run.

An action reads the tracker and returns events; bot messages are `BotUttered` events
among them, so the message loop has one place that applies events and one place that
sends messages. Actions never write to the tracker themselves.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Protocol

from myna.actions.executor import ActionExecutor
from myna.events import Event
from myna.project.domain import Domain
from myna.tracker import Tracker


class ResponseGenerator(Protocol):
    """Turns a response name into a message dict (text, buttons, image, custom, ...).

    ``channel`` is the output channel's name, for channel-specific variations; extra
    keyword arguments are interpolation variables besides the tracker's slots. Returns
    None when the domain has no usable variation for this name.
    """

    def generate(
        self, response: str, tracker: Tracker, channel: str, **kwargs: Any
    ) -> dict[str, Any] | None: ...


@dataclass(frozen=True, slots=True)
class ActionContext:
    """Everything an action may use besides the tracker."""

    domain: Domain
    nlg: ResponseGenerator
    channel: str
    executor: ActionExecutor | None = None


class ActionRejection(Exception):
    """The action refuses to run now (e.g. a form that cannot fill the requested slot).

    The loop then appends only `action_execution_rejected` and predicts again.
    """

    def __init__(self, action_name: str, message: str = "") -> None:
        super().__init__(message or f"action '{action_name}' rejected execution")
        self.action_name = action_name


class Action(ABC):
    """One named step of the dialogue."""

    @property
    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    async def run(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        """Events to append after this action's `action` event; may raise ActionRejection."""


class NamedAction(Action):
    """An action whose name is given when it is built (responses, forms, custom actions)."""

    def __init__(self, name: str) -> None:
        self._name = name

    @property
    def name(self) -> str:
        return self._name
