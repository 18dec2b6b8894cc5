"""Commands whose engines arrive with later work.

They already accept Rasa's flag names, so `--help` documents the final interface, but they
refuse to run and exit with NOT_AVAILABLE_EXIT instead of pretending to work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from myna.cli.common import not_available

NLU_ISSUE = "the NLU work (DIET trained in torch, served from ONNX)"
DIALOGUE_ISSUE = "the dialogue engine work"
SERVICES_ISSUE = "the services and deployment work"

ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help="Pipeline and policies.")]
DomainOpt = Annotated[Path, typer.Option("--domain", "-d", help="Domain file or folder.")]
DataOpt = Annotated[list[Path], typer.Option("--data", help="Training data files or folders.")]
OutOpt = Annotated[Path, typer.Option("--out", help="Folder for the trained model.")]
FixedNameOpt = Annotated[
    str | None, typer.Option("--fixed-model-name", help="Model file name, without suffix.")
]
ModelOpt = Annotated[
    Path, typer.Option("--model", "-m", help="Model file or folder (newest model in it).")
]
EndpointsOpt = Annotated[Path, typer.Option("--endpoints", help="Endpoints configuration.")]

train_app = typer.Typer(help="Train a model (NLU and dialogue) from a Rasa project.")
run_app = typer.Typer(help="Serve a trained model over HTTP (REST channel and HTTP API).")
shell_app = typer.Typer(help="Chat with a trained model in the terminal.")
test_app = typer.Typer(help="Evaluate a trained model on test data.")


@train_app.callback(invoke_without_command=True)
def train(
    ctx: typer.Context,
    config: ConfigOpt = Path("config.yml"),
    domain: DomainOpt = Path("domain.yml"),
    data: DataOpt = [Path("data")],  # noqa: B006 - typer reads list defaults, never mutates
    out: OutOpt = Path("models"),
    fixed_model_name: FixedNameOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Retrain every part.")] = False,
) -> None:
    """Train NLU and dialogue into one model file."""
    if ctx.invoked_subcommand is None:
        not_available("train", f"{NLU_ISSUE} and {DIALOGUE_ISSUE}")


@train_app.command("nlu")
def train_nlu(
    config: ConfigOpt = Path("config.yml"),
    nlu: Annotated[Path, typer.Option("--nlu", "-u", help="NLU data file or folder.")] = Path(
        "data"
    ),
    out: OutOpt = Path("models"),
    fixed_model_name: FixedNameOpt = None,
) -> None:
    """Train the NLU pipeline only."""
    not_available("train nlu", NLU_ISSUE)


@train_app.command("core")
def train_core(
    config: ConfigOpt = Path("config.yml"),
    domain: DomainOpt = Path("domain.yml"),
    stories: Annotated[Path, typer.Option("--stories", "-s", help="Stories and rules.")] = Path(
        "data"
    ),
    out: OutOpt = Path("models"),
    fixed_model_name: FixedNameOpt = None,
) -> None:
    """Train the dialogue policies only."""
    not_available("train core", DIALOGUE_ISSUE)


@run_app.callback(invoke_without_command=True)
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
    credentials: Annotated[Path, typer.Option("--credentials", help="Channel credentials.")] = Path(
        "credentials.yml"
    ),
    endpoints: EndpointsOpt = Path("endpoints.yml"),
) -> None:
    """Start the assistant in one process (embedded mode)."""
    if ctx.invoked_subcommand is None:
        not_available("run", DIALOGUE_ISSUE)


@run_app.command("actions")
def run_actions(
    actions: Annotated[str, typer.Option("--actions", help="Python package of actions.")] = (
        "actions"
    ),
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = 5055,
) -> None:
    """Serve custom actions over the rasa_sdk webhook protocol."""
    not_available("run actions", DIALOGUE_ISSUE)


@shell_app.callback(invoke_without_command=True)
def shell(
    ctx: typer.Context,
    model: ModelOpt = Path("models"),
    endpoints: EndpointsOpt = Path("endpoints.yml"),
    conversation_id: Annotated[
        str | None, typer.Option("--conversation-id", help="Conversation to continue.")
    ] = None,
) -> None:
    """Chat with the assistant in the terminal."""
    if ctx.invoked_subcommand is None:
        not_available("shell", DIALOGUE_ISSUE)


@shell_app.command("nlu")
def shell_nlu(model: ModelOpt = Path("models")) -> None:
    """Type messages and see the NLU parse result."""
    not_available("shell nlu", NLU_ISSUE)


@test_app.callback(invoke_without_command=True)
def test(ctx: typer.Context, model: ModelOpt = Path("models")) -> None:
    """Evaluate NLU and dialogue."""
    if ctx.invoked_subcommand is None:
        not_available("test", f"{NLU_ISSUE} and {DIALOGUE_ISSUE}")


@test_app.command("nlu")
def test_nlu(
    model: ModelOpt = Path("models"),
    nlu: Annotated[Path, typer.Option("--nlu", "-u", help="NLU test data.")] = Path("data"),
    cross_validation: Annotated[
        bool, typer.Option("--cross-validation", help="Cross-validate instead.")
    ] = False,
    folds: Annotated[int, typer.Option("--folds", "-f", help="Cross-validation folds.")] = 5,
    out: Annotated[Path, typer.Option("--out", help="Report folder.")] = Path("results"),
) -> None:
    """Evaluate the NLU model: reports, confusion matrix, histograms."""
    not_available("test nlu", NLU_ISSUE)


@test_app.command("core")
def test_core(
    model: ModelOpt = Path("models"),
    stories: Annotated[Path, typer.Option("--stories", "-s", help="Test stories.")] = Path("tests"),
    out: Annotated[Path, typer.Option("--out", help="Report folder.")] = Path("results"),
) -> None:
    """Evaluate the dialogue model on test stories."""
    not_available("test core", DIALOGUE_ISSUE)


def up() -> None:
    """Start every Myna service locally (gateway, nlu, dialogue, actions, tracker)."""
    not_available("up", SERVICES_ISSUE)
