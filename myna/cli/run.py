"""`myna run`: serve a trained model in one process (REST channel and, optionally, the API).

`myna run actions` (the action server) is registered on the same group.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError

from myna.cli import actions
from myna.cli.common import EndpointsOpt, ModelOpt, err_console, fail, print_problems
from myna.embedded import EmbeddedAssistant, Wiring, build_assistant
from myna.model.artifact import ModelError
from myna.project.endpoints import load_endpoints
from myna.project.errors import Problem, Severity
from myna.server.app import create_app
from myna.server.settings import ServerSettings

app = typer.Typer(help="Serve a trained model over HTTP (REST channel and HTTP API).")
app.command("actions")(actions.run_actions)

ActionsPackageOpt = Annotated[
    str | None,
    typer.Option(
        "--actions",
        help="Run this package of myna.sdk actions in-process (when endpoints.yml names "
        "no action server).",
    ),
]


def load_wiring(endpoints: Path, actions_package: str | None, persist: bool) -> Wiring:
    """endpoints.yml (with ${ENV} substitution); errors end the command in one line."""
    problems: list[Problem] = []
    loaded = load_endpoints(endpoints, problems)
    print_problems(err_console, problems)
    if any(p.severity is Severity.ERROR for p in problems):
        fail(f"cannot use {endpoints}")
    return Wiring(
        endpoints=loaded,
        project_dir=Path.cwd(),
        sdk_actions=actions.load_actions(actions_package) if actions_package else None,
        persist_trackers=persist,
    )


def load_assistant(model: Path, wiring: Wiring) -> EmbeddedAssistant:
    try:
        return build_assistant(model, wiring)
    except ModelError as error:
        fail(str(error))


@app.callback(invoke_without_command=True)
def run(
    ctx: typer.Context,
    model: ModelOpt = Path("models"),
    enable_api: Annotated[bool, typer.Option("--enable-api", help="Serve the HTTP API.")] = False,
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = 5005,
    interface: Annotated[str, typer.Option("--interface", "-i", help="Address.")] = "0.0.0.0",
    auth_token: Annotated[
        str | None, typer.Option("--auth-token", help="Token the HTTP API requires.")
    ] = None,
    jwt_secret: Annotated[str | None, typer.Option("--jwt-secret", help="JWT secret.")] = None,
    cors: Annotated[
        list[str] | None, typer.Option("--cors", help="Allowed CORS origin (repeatable).")
    ] = None,
    endpoints: EndpointsOpt = Path("endpoints.yml"),
    actions_package: ActionsPackageOpt = None,
    access_log: Annotated[
        bool, typer.Option("--access-log", help="Log every HTTP request (costs ~2% per turn).")
    ] = False,
) -> None:
    """Start the assistant in one process (embedded mode)."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        settings = ServerSettings(
            interface=interface,
            port=port,
            enable_api=enable_api,
            auth_token=auth_token,
            jwt_secret=jwt_secret,
            cors_origins=cors or [],
        )
    except ValidationError as error:
        fail(f"invalid option: {error.errors()[0]['msg']}")
    assistant = load_assistant(model, load_wiring(endpoints, actions_package, persist=True))
    # The model's objects live as long as the server: keep the garbage collector from
    # walking them again on every collection of the objects turns create.
    gc.collect()
    gc.freeze()
    err_console.print(f"Serving {assistant.model_path} on http://{interface}:{port}")
    if enable_api and auth_token is None and jwt_secret is None:
        err_console.print(
            "The HTTP API has no --auth-token or --jwt-secret: it answers local clients only."
        )
    app = create_app(settings, assistant)
    uvicorn.run(app, host=interface, port=port, log_level="info", access_log=access_log)
