"""ASGI middleware refusing request bodies over a size limit with a 413 JSON answer.

A declared `Content-Length` over the limit is refused before reading; a body without
one (chunked) is read up to the limit and then handed on whole.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from myna.server.errors import payload_too_large


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._declared_length(scope) > self.max_body_bytes:
            await self._refuse(scope, receive, send)
            return
        body = b""
        more_body = True
        while more_body:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)
                return
            body += message.get("body", b"")
            more_body = message.get("more_body", False)
            if len(body) > self.max_body_bytes:
                await self._refuse(scope, receive, send)
                return
        await self.app(scope, _replay([{"type": "http.request", "body": body}], receive), send)

    @staticmethod
    def _declared_length(scope: Scope) -> int:
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit():
                return int(value)
        return 0

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        await payload_too_large(self.max_body_bytes).response()(scope, receive, send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A `receive` giving `messages` first, then whatever the server sends next."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed
