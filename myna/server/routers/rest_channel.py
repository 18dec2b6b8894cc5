"""The REST channel: `POST /webhooks/rest/webhook` answers the bot's messages as JSON.

On an engine error or timeout the channel still answers 200 with the messages it has
(none), as Rasa does. With `?stream=true` the messages are sent as JSON lines.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, StreamingResponse

from myna.server.bodies import RestMessage, documented, json_body
from myna.server.collector import collected_messages
from myna.server.deps import COLLECTOR, AssistantDep, FlagParam, SettingsDep, flag
from myna.server.ports import Assistant, UserMessage

logger = logging.getLogger(__name__)

CHANNEL_NAME = "rest"
STREAM_CHANNEL = "queue"
DEFAULT_SENDER = "default"

router = APIRouter(prefix="/webhooks/rest", tags=["REST channel"])

RestBody = Annotated[RestMessage, Depends(json_body(RestMessage))]


@router.get("/")
async def channel_health() -> dict[str, str]:
    return {"status": "ok"}


@router.post("/webhook", response_model=None, openapi_extra=documented(RestMessage))
async def receive(
    body: RestBody, assistant: AssistantDep, settings: SettingsDep, stream: FlagParam = None
) -> JSONResponse | StreamingResponse:
    message = UserMessage(
        text=None if body.message is None else body.message.strip(),
        sender_id=body.sender or DEFAULT_SENDER,
        input_channel=body.input_channel or CHANNEL_NAME,
        metadata=body.metadata,
    )
    if flag(stream):
        lines = _json_lines(assistant, message, settings.response_timeout)
        return StreamingResponse(lines, media_type="text/event-stream")
    replies = await _answer(assistant, message, settings.response_timeout, COLLECTOR)
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
