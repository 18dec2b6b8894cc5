"""The model API: `GET /status`, `POST /model/parse`, `GET /domain` (authenticated)."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from myna.server.auth import authorize
from myna.server.bodies import ParseRequest, documented, json_body
from myna.server.deps import AssistantDep
from myna.server.errors import ApiError, failing_as

YAML_CONTENT_TYPE = "application/x-yaml"
NOT_ACCEPTABLE = (
    'Invalid Accept header. Domain can be provided as json ("Accept: application/json") '
    'or yml ("Accept: application/x-yml"). Make sure you\'ve set the appropriate Accept header.'
)

router = APIRouter(tags=["model"], dependencies=[Depends(authorize)])

ParseBody = Annotated[ParseRequest, Depends(json_body(ParseRequest))]


@router.get("/status")
async def status(assistant: AssistantDep) -> dict[str, Any]:
    return {
        "model_file": Path(assistant.model_path).name,
        "model_id": assistant.model_id,
        "num_active_training_jobs": 0,
    }


@router.post("/model/parse", openapi_extra=documented(ParseRequest))
async def parse(body: ParseBody, assistant: AssistantDep) -> dict[str, Any]:
    with failing_as("ParsingError"):
        return await run_in_threadpool(assistant.parse, body.text)


@router.get("/domain", response_model=None)
async def domain(
    assistant: AssistantDep, accept: Annotated[str, Header()] = "application/json"
) -> Response:
    """JSON for an Accept value ending in `json`, YAML for `yml`/`yaml`; else 406."""
    accept = accept.strip()
    if accept.endswith("json"):
        return JSONResponse(assistant.domain.as_dict())
    if accept.endswith(("yml", "yaml")):
        text = yaml.safe_dump(assistant.domain.as_dict(), sort_keys=False, allow_unicode=True)
        return Response(text, media_type=YAML_CONTENT_TYPE)
    raise ApiError(HTTPStatus.NOT_ACCEPTABLE, "NotAcceptable", NOT_ACCEPTABLE)
