"""The REST channel: `POST /webhooks/rest/webhook` answers the bot's messages as JSON.

On an engine error or timeout the channel still answers 200 with the messages it has
(none), as Rasa does. With `?stream=true` the messages are sent as JSON lines.

The webhook is the server's hot path, so a plain `POST` (no query string) is answered by
`WebhookFastPath`, an ASGI middleware ahead of FastAPI's router: routing, dependency
solving and the exception middleware cost about a fifth of a turn's CPU. Both paths use
the same body parsing and answer the same JSON; the route stays registered for the
streaming variant and the OpenAPI docs.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from myna.server.bodies import RestMessage, documented, json_body, parse_body
from myna.server.collector import collected_messages
from myna.server.deps import COLLECTOR, AssistantDep, FlagParam, SettingsDep, flag
from myna.server.errors import ApiError
from myna.server.ports import Assistant, UserMessage

logger = logging.getLogger(__name__)

CHANNEL_NAME = "rest"
STREAM_CHANNEL = "queue"
DEFAULT_SENDER = "default"

router = APIRouter(prefix="/webhooks/rest", tags=["REST channel"])
WEBHOOK = "/webhook"
WEBHOOK_PATH = router.prefix + WEBHOOK

RestBody = Annotated[RestMessage, Depends(json_body(RestMessage))]


@router.get("/")
async def channel_health() -> dict[str, str]:
    return {"status": "ok"}


@router.post(WEBHOOK, response_model=None, openapi_extra=documented(RestMessage))
async def receive(
    body: RestBody, assistant: AssistantDep, settings: SettingsDep, stream: FlagParam = None
) -> JSONResponse | StreamingResponse:
    message = _user_message(body)
    if flag(stream):
        lines = _json_lines(assistant, message, settings.response_timeout)
        return StreamingResponse(lines, media_type="text/event-stream")
    return await _collected(assistant, message, settings.response_timeout)


class WebhookFastPath:
    """Answers `POST /webhooks/rest/webhook` without a query string; the rest goes on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != WEBHOOK_PATH
            or scope["method"] != "POST"
            or scope["query_string"]
        ):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        try:
            body = await parse_body(Request(scope, receive), RestMessage)
        except ApiError as error:
            response = error.response()
        else:
            timeout = state.settings.response_timeout
            response = await _collected(state.assistant, _user_message(body), timeout)
        await response(scope, receive, send)


def _user_message(body: RestMessage) -> UserMessage:
    return UserMessage(
        text=None if body.message is None else body.message.strip(),
        sender_id=body.sender or DEFAULT_SENDER,
        input_channel=body.input_channel or CHANNEL_NAME,
        metadata=body.metadata,
    )


async def _collected(assistant: Assistant, message: UserMessage, timeout: float) -> JSONResponse:
    replies = await _answer(assistant, message, timeout, COLLECTOR)
    return JSONResponse(collected_messages(message.sender_id, replies))


async def _json_lines(
    assistant: Assistant, message: UserMessage, timeout: float
) -> AsyncIterator[str]:
    replies = await _answer(assistant, message, timeout, STREAM_CHANNEL)
    for item in collected_messages(message.sender_id, replies):
        yield json.dumps(item) + "\n"


async def _answer(
    assistant: Assistant, message: UserMessage, timeout: float, output_channel: str
) -> list[dict[str, Any]]:
    try:
        async with asyncio.timeout(timeout):
            return await assistant.handle_message(message, output_channel)
    except TimeoutError:
        logger.error("no answer for %r within %s s", message.sender_id, timeout)
    except Exception:
        logger.exception("the message of %r could not be handled", message.sender_id)
    return []
