"""`myna run actions`: serve a package of custom actions over the rasa_sdk webhook protocol.

The drop-in for `rasa run actions` / `python -m rasa_sdk`: `--actions` is a dotted module
or package importable from the working directory (which is put on `sys.path`, as rasa_sdk
does), every action in it is registered, and uvicorn serves `POST /webhook`.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Annotated

import typer
import uvicorn

from myna.actions.server import create_action_app
from myna.cli.common import err_console, fail
from myna.sdk.executor import ActionExecutor

DEFAULT_PORT = 5055
HOST_ENV = "SANIC_HOST"  # rasa_sdk's variable for the listening address
RASA_SDK_HINT = " (to run rasa_sdk actions here, import from myna.sdk instead of rasa_sdk)"

ActionsOpt = Annotated[
    str, typer.Option("--actions", help="Python module or package of the actions.")
]
PortOpt = Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")]
InterfaceOpt = Annotated[
    str | None,
    typer.Option(
        "--interface", "-i", help=f"Address to listen on (default ${HOST_ENV} or 0.0.0.0)."
    ),
]
CorsOpt = Annotated[
    list[str] | None, typer.Option("--cors", help="Allowed CORS origin (repeatable).")
]
LogLevelOpt = Annotated[str, typer.Option("--log-level", help="uvicorn log level.")]


def run_actions(
    actions: ActionsOpt = "actions",
    port: PortOpt = DEFAULT_PORT,
    interface: InterfaceOpt = None,
    cors: CorsOpt = None,
    log_level: LogLevelOpt = "info",
) -> None:
    """Serve custom actions over the rasa_sdk webhook protocol."""
    registry = load_actions(actions)
    names = registry.list_actions()
    err_console.print(f"Registered {len(names)} action(s) from '{actions}': {', '.join(names)}")
    host = interface or os.environ.get(HOST_ENV, "0.0.0.0")
    logging.basicConfig(level=log_level.upper())
    app = create_action_app(registry, cors_origins=cors or ())
    uvicorn.run(app, host=host, port=port, log_level=log_level)


def load_actions(package: str) -> ActionExecutor:
    """The registry of the actions in `package`, imported relative to the working directory."""
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    registry = ActionExecutor()
    try:
        registry.register_package(package)
    except ImportError as error:
        hint = RASA_SDK_HINT if error.name == "rasa_sdk" else ""
        fail(f"cannot import the actions package '{package}' from {cwd}: {error}{hint}")
    return registry
