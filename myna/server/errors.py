"""Error bodies: Rasa's API error shape, and Sanic's shape for unknown routes.

API errors answer `{"version", "status": "failure", "message", "reason", "details",
"help", "code"}` like Rasa 3.6. Where Rasa answers 500 for a body that is not JSON,
Myna answers 400 with the same shape.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from myna import RASA_COMPATIBILITY

logger = logging.getLogger(__name__)

SECURITY_HELP = (
    "https://rasa.com/docs/rasa/user-guide/configuring-http-api/#security-considerations"
)


class ApiError(Exception):
    """An HTTP API failure, answered with Rasa's error body."""

    def __init__(
        self,
        status: int,
        reason: str,
        message: str,
        details: dict[str, Any] | None = None,
        help_url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message
        self.details = details or {}
        self.help_url = help_url

    def body(self) -> dict[str, Any]:
        return {
            "version": RASA_COMPATIBILITY,
            "status": "failure",
            "message": self.message,
            "reason": self.reason,
            "details": self.details,
            "help": self.help_url,
            "code": self.status,
        }

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status)


def bad_request(message: str) -> ApiError:
    return ApiError(HTTPStatus.BAD_REQUEST, "BadRequest", message)


def not_authenticated() -> ApiError:
    return ApiError(
        HTTPStatus.UNAUTHORIZED,
        "NotAuthenticated",
        "User is not authenticated.",
        None,
        SECURITY_HELP,
    )


def not_authorized() -> ApiError:
    return ApiError(
        HTTPStatus.FORBIDDEN,
        "NotAuthorized",
        "User has insufficient permissions.",
        None,
        SECURITY_HELP,
    )


def local_clients_only() -> ApiError:
    return ApiError(
        HTTPStatus.FORBIDDEN,
        "NotAuthorized",
        "The HTTP API has no --auth-token or --jwt-secret, so it serves local clients only.",
        None,
        SECURITY_HELP,
    )


def payload_too_large(limit: int) -> ApiError:
    return ApiError(
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
        "PayloadTooLarge",
        f"The request body is larger than {limit} bytes.",
        {"max_body_bytes": limit},
    )


@contextlib.contextmanager
def failing_as(reason: str) -> Iterator[None]:
    """Turn an unexpected engine exception into Rasa's 500 body with `reason`."""
    try:
        yield
    except ApiError:
        raise
    except Exception as error:
        logger.exception("request failed (%s)", reason)
        raise ApiError(
            HTTPStatus.INTERNAL_SERVER_ERROR,
            reason,
            f"An unexpected error occurred. Error: {error}",
        ) from error


async def _api_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return error.response()


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    """Routing errors in Sanic's shape, as Rasa answers them (`{description, message, status}`)."""
    assert isinstance(error, StarletteHTTPException)
    status = HTTPStatus(error.status_code)
    if status is HTTPStatus.NOT_FOUND:
        message = f"Requested URL {request.url.path} not found"
    elif status is HTTPStatus.METHOD_NOT_ALLOWED:
        message = f"Method {request.method} not allowed for URL {request.url.path}"
    else:
        message = str(error.detail)
    body = {"description": status.phrase, "message": message, "status": status.value}
    return JSONResponse(body, status_code=status.value, headers=error.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
