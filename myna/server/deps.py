"""Shared dependencies of the routers, as `Annotated` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from myna.server.errors import bad_request
from myna.server.ports import Assistant
from myna.server.settings import ServerSettings
from myna.tracker import EventVerbosity

COLLECTOR = "collector"


async def _assistant(request: Request) -> Assistant:
    return request.app.state.assistant


async def _settings(request: Request) -> ServerSettings:
    return request.app.state.settings


async def _include_events(
    include_events: str = EventVerbosity.AFTER_RESTART.value,
) -> EventVerbosity:
    try:
        return EventVerbosity.parse(include_events)
    except ValueError as error:
        raise bad_request(str(error)) from error


async def _until(until: str | None = None) -> float | None:
    """A timestamp; a value that is not a number is ignored, as Rasa does."""
    try:
        return None if until is None else float(until)
    except ValueError:
        return None


def flag(value: str | None) -> bool:
    """Rasa's boolean query parameters: true only for the string `true`."""
    return value is not None and value.strip().lower() == "true"


AssistantDep = Annotated[Assistant, Depends(_assistant)]
SettingsDep = Annotated[ServerSettings, Depends(_settings)]
IncludeEvents = Annotated[EventVerbosity, Depends(_include_events)]
Until = Annotated[float | None, Depends(_until)]
OutputChannel = Annotated[
    str,
    Query(description="`collector` (return bot messages), a channel name, or `latest`"),
]
FlagParam = Annotated[str | None, Query(description="true only for the string 'true'")]
