"""`ActionExecutor`, the action registry, and (re-exported) rasa_sdk's `CollectingDispatcher`.

`ActionExecutor` is the action registry: it discovers the `Action` subclasses of an
actions package and answers one protocol request dict (`next_action`, `sender_id`,
`tracker`, `domain`, `version`) with the response dict (`events`, `responses`).
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
from collections.abc import Awaitable, Callable, Iterator, Mapping
from types import ModuleType
from typing import Any, TypeVar

from myna.sdk.dispatcher import CollectingDispatcher
from myna.sdk.events import EventType
from myna.sdk.interfaces import Action, ActionNotFoundException, Tracker
from myna.sdk.types import DomainDict

logger = logging.getLogger(__name__)

__all__ = [
    "ActionExecutor",
    "CollectingDispatcher",
    "InvalidActionCall",
    "call_potential_coroutine",
]

_T = TypeVar("_T")
_SDK_PACKAGE = __name__.rpartition(".")[0]
ActionRun = Callable[
    [CollectingDispatcher, Tracker, DomainDict],
    list[EventType] | Awaitable[list[EventType]] | None,
]


class InvalidActionCall(ValueError):
    """A request body that is not an action call (no action name, no tracker state)."""


async def call_potential_coroutine(result: _T | Awaitable[_T]) -> _T:
    """The value of a sync or async user method's result."""
    if inspect.isawaitable(result):
        return await result
    return result


class ActionExecutor:
    """The registered actions, by name, and the dispatch of one action call."""

    def __init__(self) -> None:
        self.actions: dict[str, ActionRun] = {}

    def register_function(self, name: str, run: ActionRun) -> None:
        if name in self.actions:
            logger.warning("Re-registered the action '%s'.", name)
        self.actions[name] = run

    def register_action(self, action: Action | type[Action]) -> None:
        instance = action() if isinstance(action, type) else action
        self.register_function(instance.name(), instance.run)

    def register_package(self, package: str | ModuleType) -> None:
        """Import a module or package (with every submodule) and register its actions.

        An action is a concrete `Action` subclass found in one of those modules (defined
        or imported there) whose `name()` is implemented; base classes are skipped.
        """
        for cls in _action_classes(_import_all(package)):
            instance = cls()
            try:
                instance.name()
            except NotImplementedError:
                logger.debug("Skipping %s: it does not implement name().", cls.__qualname__)
                continue
            self.register_action(instance)

    def list_actions(self) -> list[str]:
        return list(self.actions)

    async def run(self, action_call: Mapping[str, Any]) -> dict[str, Any]:
        """Run the requested action; the answer is `{"events": [...], "responses": [...]}`.

        Raises InvalidActionCall, ActionNotFoundException, the action's
        ActionExecutionRejection, or whatever else the action raises.
        """
        name = action_call.get("next_action")
        if not isinstance(name, str) or not name.strip():
            raise InvalidActionCall("the body needs a 'next_action' naming the action to run")
        run = self.actions.get(name)
        if run is None:
            raise ActionNotFoundException(name)
        state = action_call.get("tracker")
        if not isinstance(state, dict) or not isinstance(state.get("sender_id"), str):
            raise InvalidActionCall("the body needs a 'tracker' object with a 'sender_id'")
        domain = action_call.get("domain") or {}
        dispatcher = CollectingDispatcher()
        events = await call_potential_coroutine(run(dispatcher, Tracker.from_dict(state), domain))
        return {"events": _checked_events(name, events or []), "responses": dispatcher.messages}


def _checked_events(action_name: str, events: list[Any]) -> list[EventType]:
    """The returned events that are event dicts; anything else is dropped with a log line."""
    kept = []
    for event in events:
        if isinstance(event, dict) and event.get("event"):
            kept.append(event)
        else:
            logger.error("Action '%s' returned a non-event, dropped: %r", action_name, event)
    return kept


def _import_all(package: str | ModuleType) -> list[ModuleType]:
    """The module and, for a package, all its submodules (imported in name order)."""
    root = importlib.import_module(package) if isinstance(package, str) else package
    modules = [root]
    if hasattr(root, "__path__"):
        prefix = f"{root.__name__}."
        for info in pkgutil.walk_packages(root.__path__, prefix):
            modules.append(importlib.import_module(info.name))
    return modules


def _action_classes(modules: list[ModuleType]) -> Iterator[type[Action]]:
    seen: set[type[Action]] = set()
    for module in modules:
        for value in vars(module).values():
            if _is_user_action(value) and value not in seen:
                seen.add(value)
                yield value


def _is_user_action(value: object) -> bool:
    return (
        isinstance(value, type)
        and issubclass(value, Action)
        and not _is_sdk_module(value.__module__)
        and not inspect.isabstract(value)
    )


def _is_sdk_module(name: str) -> bool:
    return name == _SDK_PACKAGE or name.startswith(f"{_SDK_PACKAGE}.")
