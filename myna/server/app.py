"""The app factory: the REST channel always, the HTTP API when enabled."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from myna import __version__
from myna.server.errors import install_error_handlers
from myna.server.limits import BodySizeLimit
from myna.server.ports import Assistant
from myna.server.routers import conversations, health, model_api, rest_channel
from myna.server.settings import ServerSettings


def create_app(settings: ServerSettings, assistant: Assistant) -> FastAPI:
    """A server for `assistant`; OpenAPI docs at `/docs`."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await assistant.close()

    app = FastAPI(
        title="Myna",
        version=__version__,
        description="Rasa 3.x compatible REST channel and HTTP API.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.assistant = assistant
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(rest_channel.router)
    if settings.enable_api:
        app.include_router(model_api.router)
        app.include_router(conversations.router)
    # Added first = innermost: behind the body limit and CORS, like the routes.
    app.add_middleware(rest_channel.WebhookFastPath)
    # Added last = outermost: even a refused (413) body gets CORS headers.
    app.add_middleware(BodySizeLimit, max_body_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    return app
