"""Entry point: `myna train | run | shell | test | data | up`."""

from __future__ import annotations

from typing import Annotated

import typer

from myna import RASA_COMPATIBILITY, __version__
from myna.cli import data, evaluate, planned, run, shell, train

app = typer.Typer(
    name="myna",
    help="Myna: run Rasa 3.x projects on a cloud-native engine.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(data.app, name="data")
app.add_typer(train.app, name="train")
app.add_typer(run.app, name="run")
app.add_typer(shell.app, name="shell")
app.add_typer(evaluate.app, name="test")
app.command("up")(planned.up)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"Myna {__version__} (Rasa {RASA_COMPATIBILITY} compatible formats)")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Myna: run Rasa 3.x projects on a cloud-native engine."""
