"""Active loops (forms): `active_loop`, `loop_interrupted`, and the legacy readers.

The pre-3.0 names `form` and `form_validation` are read into the current classes and
therefore re-serialised as `active_loop` and `loop_interrupted`.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

from myna.events.base import Event, event_type


@event_type
class ActiveLoop(Event):
    """Activates loop `name`, or deactivates the active loop when `name` is None."""

    type_name: ClassVar[str] = "active_loop"

    name: str | None = None


@event_type
class LoopInterrupted(Event):
    type_name: ClassVar[str] = "loop_interrupted"

    is_interrupted: bool


def read_form_validation(data: Mapping[str, Any]) -> LoopInterrupted:
    """Legacy `form_validation {validate}`: the loop is interrupted when not validating."""
    return LoopInterrupted.from_dict({**data, "is_interrupted": not data.get("validate", True)})
