"""Request bodies: JSON whatever the Content-Type (like Rasa), validated by pydantic.

Rasa reads `request.json` regardless of the Content-Type header, so `curl -d '{...}'`
(form-encoded by default) works; FastAPI's own body parsing would refuse it, hence
these dependencies. Every failure is a 400 in Rasa's error shape.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ConfigDict, ValidationError

from myna.events import Event, InvalidEventError, events_from_list
from myna.server.errors import bad_request

M = TypeVar("M", bound=BaseModel)


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


class RestMessage(_Body):
    sender: str = "default"
    message: str | None = None
    metadata: dict[str, Any] | None = None
    input_channel: str | None = None


class ParseRequest(_Body):
    text: str


class MessageRequest(_Body):
    text: str
    sender: str
    parse_data: dict[str, Any] | None = None


class IntentRequest(_Body):
    name: str
    entities: dict[str, Any] | list[dict[str, Any]] | None = None


class ActionRequest(_Body):
    name: str
    policy: str | None = None
    confidence: float | None = None


async def read_json(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw)
    except ValueError as error:
        raise bad_request(f"Failed when parsing body as json: {error}") from error


async def parse_body(request: Request, model: type[M]) -> M:
    """The request body as `model`; a 400 `ApiError` if it is not JSON or does not fit."""
    data = await read_json(request)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise bad_request(f"Invalid request body: {describe(error)}") from error


def json_body(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """A dependency reading the request body as `model`."""

    async def read(request: Request) -> M:
        return await parse_body(request, model)

    return read


def documented(model: type[BaseModel]) -> dict[str, Any]:
    """The `openapi_extra` of a route reading its body with `json_body(model)`."""
    schema = model.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def describe(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(map(str, item['loc'])) or 'body'}: {item['msg']}" for item in error.errors()
    )


async def events_body(request: Request) -> list[Event]:
    """One event object or a list of them, validated against the event schema."""
    data = await read_json(request)
    items = [data] if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise bad_request("The body must be an event object or a list of events.")
    try:
        return events_from_list(items)
    except InvalidEventError as error:
        raise bad_request(f"Invalid events: {error}") from error
