"""The port the HTTP server drives: one assistant (NLU pipeline + dialogue processor).

`UserMessage` is the dialogue engine's message type (a plain dataclass, re-exported).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from myna.dialogue.message import UserMessage
from myna.events import Event
from myna.project.domain import Domain
from myna.tracker import Tracker


class Assistant(Protocol):
    """A loaded model: NLU parsing plus the message loop over stored conversations."""

    @property
    def domain(self) -> Domain: ...

    @property
    def model_id(self) -> str: ...

    @property
    def model_path(self) -> str | Path: ...

    @property
    def assistant_id(self) -> str: ...

    def parse(self, text: str) -> dict[str, Any]:
        """NLU parse data of `text` (the `/model/parse` body)."""
        ...

    async def handle_message(
        self, message: UserMessage, output_channel: str = "collector"
    ) -> list[dict[str, Any]]:
        """Run one user turn; the bot messages as channel dicts."""
        ...

    async def get_tracker(self, sender_id: str) -> Tracker: ...

    async def append_events(
        self, sender_id: str, events: list[Event], output_channel: str, side_effects: bool
    ) -> None: ...

    async def close(self) -> None:
        """Stop background work (pending reminders) when the server shuts down."""
        ...

    async def replace_events(self, sender_id: str, events: list[Event]) -> None: ...

    async def trigger_intent(
        self,
        sender_id: str,
        intent: str,
        entities: dict[str, Any] | list[dict[str, Any]] | None,
        output_channel: str,
    ) -> list[dict[str, Any]]: ...

    async def predict_next(self, sender_id: str) -> dict[str, Any]: ...

    async def execute_action(
        self,
        sender_id: str,
        action_name: str,
        output_channel: str,
        policy: str | None = None,
        confidence: float | None = None,
    ) -> tuple[list[dict[str, Any]], Tracker]:
        """Run one action: its bot messages and the tracker as it was before it ran."""
        ...


__all__ = ["Assistant", "UserMessage"]
