"""Builders shared by the action unit tests: contexts and running an action."""

from __future__ import annotations

import asyncio

from myna.actions.executor import ActionExecutor, ActionResult
from myna.dialogue.actions.base import Action, ActionContext
from myna.dialogue.responses import TemplatedResponseGenerator
from myna.events import Event
from myna.project.domain import Domain
from myna.tracker import Tracker


def context_for(
    domain: Domain, channel: str = "collector", executor: ActionExecutor | None = None
) -> ActionContext:
    return ActionContext(domain, TemplatedResponseGenerator(domain, seed=0), channel, executor)


def run_action(action: Action, tracker: Tracker, context: ActionContext) -> list[Event]:
    return asyncio.run(action.run(tracker, context))


def shapes(events: list[Event]) -> list[dict[str, object]]:
    """Events as JSON without timestamps, for comparing whole sequences."""
    return [{k: v for k, v in e.to_dict().items() if k != "timestamp"} for e in events]


class FakeExecutor:
    """An in-memory `ActionExecutor`: canned results or errors by action name."""

    def __init__(self, results: dict[str, ActionResult | Exception]) -> None:
        self.results = results
        self.calls: list[str] = []

    async def run(self, action_name: str, tracker: Tracker, domain: Domain) -> ActionResult:
        self.calls.append(action_name)
        result = self.results[action_name]
        if isinstance(result, Exception):
            raise result
        return result
