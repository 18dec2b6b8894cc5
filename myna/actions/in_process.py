"""`InProcessActionExecutor`: run Myna SDK actions inside the engine's process.

The call goes through the protocol's JSON shapes exactly like a webhook call
(`build_request` → SDK dispatch → `parse_response`), with a JSON round trip each way:
the action gets its own copy of the conversation (it cannot change the engine's events),
and an answer that would not survive HTTP fails here too. Both adapters therefore behave
the same, and a bot can move its actions to a separate server without surprises.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from types import ModuleType
from typing import Any, Self

from myna.actions.executor import (
    ActionNotFound,
    ActionRejected,
    ActionResult,
    ActionServerError,
    build_request,
    parse_response,
    sends_domain,
)
from myna.project.domain import Domain
from myna.sdk import Action
from myna.sdk.executor import ActionExecutor as SdkRegistry
from myna.sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from myna.tracker import Tracker

logger = logging.getLogger(__name__)


class InProcessActionExecutor:
    """The `ActionExecutor` adapter over a registry of SDK actions in this process."""

    def __init__(
        self, actions: Iterable[Action] | SdkRegistry, *, selective_domain: bool = False
    ) -> None:
        """`actions`: the action objects, or an SDK registry that already holds them."""
        if isinstance(actions, SdkRegistry):
            self._registry = actions
        else:
            self._registry = SdkRegistry()
            for action in actions:
                self._registry.register_action(action)
        self.selective_domain = selective_domain

    @classmethod
    def from_package(cls, package: str | ModuleType, *, selective_domain: bool = False) -> Self:
        """The actions found in an actions package (see `ActionExecutor.register_package`)."""
        registry = SdkRegistry()
        registry.register_package(package)
        return cls(registry, selective_domain=selective_domain)

    @property
    def action_names(self) -> list[str]:
        return self._registry.list_actions()

    async def run(self, action_name: str, tracker: Tracker, domain: Domain) -> ActionResult:
        with_domain = sends_domain(action_name, domain, self.selective_domain)
        request = _json_copy(build_request(action_name, tracker, domain, with_domain))
        try:
            answer = await self._registry.run(request)
        except ActionExecutionRejection as error:
            raise ActionRejected(action_name, error.message) from error
        except ActionNotFoundException as error:
            raise ActionNotFound(action_name) from error
        except Exception as error:  # the action's own bug: what a server answers with 500
            logger.exception("Custom action '%s' raised an exception.", action_name)
            raise ActionServerError(action_name, f"the action raised {error!r}") from error
        try:
            body = _json_copy(answer)
        except (TypeError, ValueError) as error:
            raise ActionServerError(action_name, f"the answer is not JSON: {error}") from error
        return parse_response(action_name, body)


def _json_copy(value: dict[str, Any]) -> Any:
    return json.loads(json.dumps(value))
