"""Custom action execution: the `ActionExecutor` port and its adapters.

- `executor`: the port, its result and errors, and the protocol's request/response shapes;
- `webhook`: the rasa_sdk webhook client (HTTP, any rasa_sdk-compatible action server);
- `in_process`: Myna SDK actions run in the engine's process through the same JSON shapes;
- `server`: the action server app (`myna run actions`).
"""

from myna.actions.executor import (
    ActionExecutionError,
    ActionExecutor,
    ActionNotFound,
    ActionRejected,
    ActionResult,
    ActionServerError,
    build_request,
    parse_response,
)

__all__ = [
    "ActionExecutionError",
    "ActionExecutor",
    "ActionNotFound",
    "ActionRejected",
    "ActionResult",
    "ActionServerError",
    "build_request",
    "parse_response",
]
