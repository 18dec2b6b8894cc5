"""`myna train`: `train nlu` is built; `train` (NLU + dialogue) and `train core` are planned."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from myna.cli import planned
from myna.cli.common import (
    ConfigOpt,
    DataOpt,
    FixedNameOpt,
    OutOpt,
    err_console,
    fail,
    print_problems,
)
from myna.model.artifact import NLU_PART, InvalidModelNameError, read_manifest
from myna.model.training import (
    NLUInput,
    TrainingRefused,
    read_nlu_input,
    train_model,
    train_nlu,
)
from myna.project.loader import ProjectPaths

app = typer.Typer(help="Train a model (NLU and dialogue) from a Rasa project.")
app.command("core")(planned.train_core)


@app.callback(invoke_without_command=True)
def train(
    ctx: typer.Context,
    config: ConfigOpt = Path("config.yml"),
    domain: Annotated[
        Path | None, typer.Option("--domain", "-d", help="Domain file or folder.")
    ] = None,
    data: DataOpt = [Path("data")],  # noqa: B006 - typer reads list defaults, never mutates
    out: OutOpt = Path("models"),
    fixed_model_name: FixedNameOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Retrain every part.")] = False,
) -> None:
    """Train NLU and dialogue into one model file; unchanged parts are reused."""
    if ctx.invoked_subcommand is not None:
        return
    paths = ProjectPaths.for_root(Path.cwd(), config=config, domain=domain, data=tuple(data))
    try:
        outcome = train_model(paths, out, fixed_model_name, force)
    except TrainingRefused as refused:
        print_problems(err_console, refused.problems)
        fail(f"training refused: {len(refused.problems)} error(s) in the project")
    except InvalidModelNameError as error:
        fail(str(error))
    reused = f" (reused unchanged: {', '.join(outcome.reused)})" if outcome.reused else ""
    size = _human_size(outcome.model_file.stat().st_size)
    console.print(
        f"[bold green]Model saved:[/] {escape(str(outcome.model_file))} ({size}){reused}",
        soft_wrap=True,
    )


console = Console(highlight=False)


@app.command("nlu")
def train_nlu_command(
    config: ConfigOpt = Path("config.yml"),
    nlu: Annotated[Path, typer.Option("--nlu", "-u", help="NLU data file or folder.")] = Path(
        "data"
    ),
    domain: Annotated[
        Path | None, typer.Option("--domain", "-d", help="Domain (retrieval responses).")
    ] = None,
    out: OutOpt = Path("models"),
    fixed_model_name: FixedNameOpt = None,
) -> None:
    """Train the NLU pipeline only."""
    paths = ProjectPaths.for_root(Path.cwd(), config=config, domain=domain, data=(nlu,))
    nlu_input = read_nlu_input(paths)
    print_problems(err_console, nlu_input.problems)
    if nlu_input.errors:
        fail(f"training refused: {len(nlu_input.errors)} error(s) in the project")
    console.print(_plan(nlu_input), markup=False)
    try:
        model_file = train_nlu(nlu_input, out, fixed_model_name)
    except TrainingRefused as refused:
        print_problems(err_console, refused.problems)
        fail(f"training refused: {len(refused.problems)} error(s) in the project")
    except InvalidModelNameError as error:
        fail(str(error))
    seconds = read_manifest(model_file).parts[NLU_PART].metrics["train_seconds"]
    console.print(
        f"[bold green]Model saved:[/] {escape(str(model_file))} "
        f"({_human_size(model_file.stat().st_size)}, trained in {seconds:.2f} s)",
        soft_wrap=True,
    )


def _plan(nlu_input: NLUInput) -> str:
    data, components = nlu_input.data, nlu_input.config.pipeline
    names = ", ".join(spec.name for spec in components)
    return (
        f"Training the NLU pipeline ({len(components)} components: {names}) on "
        f"{len(data.examples)} examples of {len(data.intents)} intents"
    )


def _human_size(size: int) -> str:
    if size < 1000:
        return f"{size} B"
    value = size / 1000
    for unit in ("kB", "MB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"
