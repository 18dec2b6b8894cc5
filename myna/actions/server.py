"""The action server: Myna SDK actions behind the rasa_sdk webhook protocol (FastAPI).

`POST /webhook` answers `200 {events, responses}`, `400 {error, action_name}` for a
rejection, `404 {error, action_name}` for an unknown action, `400 {error, reason}` for a
body that is not an action call, and `500 {error, request_body}` when the action raises.
`GET /health` and `GET /actions` complete rasa_sdk's surface. Deflate-compressed bodies
(`Content-Encoding: deflate`) are accepted.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from myna.sdk.executor import ActionExecutor as SdkRegistry
from myna.sdk.executor import InvalidActionCall
from myna.sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

logger = logging.getLogger(__name__)

INVALID_BODY = "Invalid body request"


def _registry(request: Request) -> SdkRegistry:
    return request.app.state.registry


Registry = Annotated[SdkRegistry, Depends(_registry)]

health_router = APIRouter()
webhook_router = APIRouter()


@health_router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@webhook_router.get("/actions")
async def list_actions(registry: Registry) -> list[dict[str, str]]:
    return [{"name": name} for name in registry.list_actions()]


@webhook_router.post("/webhook")
async def webhook(request: Request, registry: Registry) -> JSONResponse:
    try:
        call = _read_call(await request.body(), request.headers.get("content-encoding"))
    except InvalidActionCall as error:
        return JSONResponse({"error": INVALID_BODY, "reason": str(error)}, status_code=400)
    return await _answer(registry, call)


def create_action_app(registry: SdkRegistry, *, cors_origins: Sequence[str] = ()) -> FastAPI:
    """The app serving `registry`'s actions; CORS only for the given origins."""
    app = FastAPI(title="Myna action server", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.registry = registry
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["*"],
            allow_headers=["*"],
        )
    app.include_router(health_router)
    app.include_router(webhook_router)
    return app


def _read_call(raw: bytes, encoding: str | None) -> dict[str, Any]:
    if encoding is not None and encoding.strip().lower() == "deflate":
        try:
            raw = zlib.decompress(raw)
        except zlib.error as error:
            raise InvalidActionCall(f"the body is not deflate-compressed: {error}") from None
    try:
        call = json.loads(raw)
    except ValueError as error:
        raise InvalidActionCall(f"the body is not JSON: {error}") from None
    if not isinstance(call, dict):
        raise InvalidActionCall("the body must be a JSON object")
    return call


async def _answer(registry: SdkRegistry, call: dict[str, Any]) -> JSONResponse:
    try:
        return JSONResponse(await registry.run(call))
    except InvalidActionCall as error:
        return JSONResponse({"error": INVALID_BODY, "reason": str(error)}, status_code=400)
    except ActionExecutionRejection as error:
        logger.debug("Action '%s' rejected execution: %s", error.action_name, error.message)
        return _named_error(error.message, error.action_name, 400)
    except ActionNotFoundException as error:
        logger.error("%s", error.message)
        return _named_error(error.message, error.action_name, 404)
    except Exception as error:  # the action's bug: report it like rasa_sdk, keep serving
        logger.exception("Action '%s' raised an exception.", call.get("next_action"))
        return JSONResponse({"error": str(error), "request_body": call}, status_code=500)


def _named_error(message: str, action_name: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message, "action_name": action_name}, status_code=status)
