"""HTTP API authentication: `?token=` or a JWT in `Authorization: Bearer ...`.

With neither an auth token nor a JWT secret configured, only clients on this machine
(loopback addresses) are served: Rasa would serve everyone, but an open admin API must be
a choice (`--auth-token`), not a default. A matching token wins first. A valid JWT
carries `{"user": {"username", "role"}}`: `admin` may call any endpoint, `user` only the
endpoints of the conversation named like its username.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

import jwt
from fastapi import Request

from myna.server.deps import SettingsDep
from myna.server.errors import local_clients_only, not_authenticated, not_authorized
from myna.server.settings import ServerSettings


async def authorize(request: Request, settings: SettingsDep) -> None:
    """Router dependency of every HTTP API endpoint except `/` and `/version`."""
    if settings.auth_token is None and settings.jwt_secret is None:
        if _is_loopback(request):
            return
        raise local_clients_only()
    if _token_matches(request.query_params.get("token"), settings):
        return
    user = _jwt_user(_bearer(request), settings)
    if user is None:
        raise not_authenticated()
    if not _may_access(user, request.path_params.get("conversation_id")):
        raise not_authorized()


def _is_loopback(request: Request) -> bool:
    host = request.client.host if request.client is not None else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _token_matches(given: str | None, settings: ServerSettings) -> bool:
    if given is None or settings.auth_token is None:
        return False
    expected = settings.auth_token.get_secret_value()
    return hmac.compare_digest(given.encode(), expected.encode())


def _bearer(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    credentials = credentials.strip()
    return credentials if scheme.lower() == "bearer" and credentials else None


def _jwt_user(token: str | None, settings: ServerSettings) -> dict[str, Any] | None:
    """The `user` claim of a valid JWT (`{}` if absent); None when there is no valid JWT."""
    if token is None or settings.jwt_secret is None:
        return None
    try:
        payload = jwt.decode(
            token, settings.jwt_secret.get_secret_value(), algorithms=[settings.jwt_method]
        )
    except jwt.PyJWTError:
        return None
    user = payload.get("user")
    return user if isinstance(user, dict) else {}


def _may_access(user: dict[str, Any], conversation_id: str | None) -> bool:
    role = user.get("role")
    if role == "admin":
        return True
    return (
        role == "user" and conversation_id is not None and user.get("username") == conversation_id
    )
