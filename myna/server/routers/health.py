"""Unauthenticated liveness endpoints: `GET /` and `GET /version`."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from myna import RASA_COMPATIBILITY

router = APIRouter(tags=["health"])


@router.get("/", response_class=PlainTextResponse)
async def hello() -> str:
    return f"Hello from Rasa: {RASA_COMPATIBILITY}"


@router.get("/version")
async def version() -> dict[str, str]:
    return {"version": RASA_COMPATIBILITY, "minimum_compatible_version": RASA_COMPATIBILITY}
