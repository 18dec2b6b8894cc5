"""`WebhookActionExecutor`: run custom actions on a rasa_sdk-compatible action server.

One `httpx.AsyncClient` per executor (connection reuse); close it with `aclose()`. The
endpoint's `url`, `params`, `headers`, `basic_auth`, `token` (sent as the `token_name`
query parameter), `cafile` and `enable_selective_domain` are honoured, and with
`COMPRESS_ACTION_SERVER_REQUEST=true` the body is deflate-compressed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import ssl
import zlib
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

import httpx

from myna.actions.executor import (
    ActionNotFound,
    ActionRejected,
    ActionResult,
    ActionServerError,
    build_request,
    parse_response,
    sends_domain,
)
from myna.project.domain import Domain
from myna.project.endpoints import EndpointConfig
from myna.tracker import Tracker

logger = logging.getLogger(__name__)

COMPRESS_ENV = "COMPRESS_ACTION_SERVER_REQUEST"
DEFAULT_TIMEOUT = 300.0  # seconds, Rasa's: an action may legitimately take long
CONNECT_TIMEOUT = 10.0
DEFAULT_RETRIES = 2
DEFAULT_BACKOFF = 0.2  # seconds before the first retry, doubled for each further one
# Newer rasa_sdk versions answer 449 when the domain was left out (selective domain)
# and they have none cached; the action did not run, so the call is repeated with it.
MISSING_DOMAIN_STATUS = 449

# Errors raised before any byte of the request reached the server: the action cannot
# have run, so the request is safe to repeat.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)


def compression_requested(environ: Mapping[str, str]) -> bool:
    return environ.get(COMPRESS_ENV, "").strip().lower() in ("true", "1", "yes")


class WebhookActionExecutor:
    """The `ActionExecutor` adapter that POSTs the protocol request to `endpoint.url`."""

    def __init__(
        self,
        endpoint: EndpointConfig,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        compress: bool | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """`compress` None reads COMPRESS_ACTION_SERVER_REQUEST; `transport` is for tests."""
        if not endpoint.url:
            raise ValueError("the action endpoint has no 'url'")
        if retries < 0:
            raise ValueError(f"retries must be 0 or more, not {retries}")
        self.url = endpoint.url
        self.selective_domain = bool(endpoint.kwargs.get("enable_selective_domain", False))
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.compress = compression_requested(os.environ) if compress is None else compress
        self._client = httpx.AsyncClient(
            params=_query_params(endpoint),
            headers={str(key): str(value) for key, value in endpoint.headers.items()},
            auth=_basic_auth(endpoint),
            verify=_tls_verification(endpoint.cafile),
            timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)),
            transport=transport,
        )

    async def run(self, action_name: str, tracker: Tracker, domain: Domain) -> ActionResult:
        with_domain = sends_domain(action_name, domain, self.selective_domain)
        response = await self._post(
            action_name, build_request(action_name, tracker, domain, with_domain)
        )
        if response.status_code == MISSING_DOMAIN_STATUS and not with_domain:
            logger.debug("The action server asks for the domain; calling '%s' again.", action_name)
            response = await self._post(
                action_name, build_request(action_name, tracker, domain, True)
            )
        return _read_answer(action_name, response)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _encode(self, body: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        content = json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.compress:
            content = zlib.compress(content)
            headers["Content-Encoding"] = "deflate"
        return content, headers

    async def _post(self, action_name: str, body: dict[str, Any]) -> httpx.Response:
        """POST with retries on connection errors only.

        A timeout (or a connection lost after sending) is final: the server may have
        received the call and run the action, with effects outside the conversation (a
        booking made, an email sent), and repeating it could do that twice.
        """
        content, headers = self._encode(body)
        failure: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                return await self._client.post(self.url, content=content, headers=headers)
            except _NOT_SENT as error:
                failure = error
                logger.warning(
                    "Action server %s unreachable (try %d): %r", self.url, attempt + 1, error
                )
            except httpx.TimeoutException as error:
                reason = f"no answer from {self.url} within {self.timeout:g} s"
                raise ActionServerError(action_name, reason) from error
            except httpx.HTTPError as error:
                raise ActionServerError(
                    action_name, f"request to {self.url} failed: {error!r}"
                ) from error
        reason = f"cannot connect to {self.url} after {self.retries + 1} attempts: {failure!r}"
        raise ActionServerError(action_name, reason) from failure


def _read_answer(action_name: str, response: httpx.Response) -> ActionResult:
    status = response.status_code
    if status == httpx.codes.BAD_REQUEST:
        raise _rejection(action_name, response)
    if status == httpx.codes.NOT_FOUND:
        raise ActionNotFound(action_name)
    if not response.is_success:
        raise ActionServerError(action_name, f"HTTP {status}: {response.text:.300}")
    try:
        body = response.json()
    except ValueError:  # not JSON, or not text at all
        raise ActionServerError(
            action_name, f"the answer is not JSON: {response.text:.300}"
        ) from None
    return parse_response(action_name, body)


def _rejection(action_name: str, response: httpx.Response) -> Exception:
    """400 with `{error, action_name}` is a rejection; any other 400 a plain failure."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and "action_name" in body:
        error = body.get("error")
        return ActionRejected(action_name, error if isinstance(error, str) else None)
    return ActionServerError(action_name, f"HTTP 400: {response.text:.300}")


def _query_params(endpoint: EndpointConfig) -> dict[str, Any]:
    params = dict(endpoint.params)
    if endpoint.token is not None:
        params[endpoint.token_name] = endpoint.token
    return params


def _basic_auth(endpoint: EndpointConfig) -> httpx.BasicAuth | None:
    auth = endpoint.basic_auth
    if auth is None:
        return None
    return httpx.BasicAuth(str(auth["username"]), str(auth["password"]))


def _tls_verification(cafile: str | None) -> ssl.SSLContext | bool:
    if cafile is None:
        return True
    try:
        return ssl.create_default_context(cafile=cafile)
    except (OSError, ssl.SSLError) as error:
        raise ValueError(f"cannot read the action endpoint's cafile {cafile}: {error}") from error
