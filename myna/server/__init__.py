"""Myna's HTTP server: the REST channel and the Rasa-compatible HTTP API (FastAPI)."""

from myna.server.app import create_app
from myna.server.ports import Assistant, UserMessage
from myna.server.settings import ServerSettings

__all__ = ["Assistant", "ServerSettings", "UserMessage", "create_app"]
