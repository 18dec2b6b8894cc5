"""Entry point: `myna train | run | shell | test | data | up`.

Subcommand groups are imported when they are used, so `myna --version` or `myna run`
do not pay for the evaluation stack (scikit-learn, matplotlib) they never touch.
"""

from __future__ import annotations

import importlib
from typing import Annotated

import click
import typer
from typer.core import TyperGroup

from myna import RASA_COMPATIBILITY, __version__
from myna.cli import planned

# name → "module:attribute" of the subcommand's Typer app.
LAZY_GROUPS = {
    "data": "myna.cli.data:app",
    "train": "myna.cli.train:app",
    "run": "myna.cli.run:app",
    "shell": "myna.cli.shell:app",
    "test": "myna.cli.evaluate:app",
}


class LazyGroups(TyperGroup):
    """The root command: imports a subcommand group's module only when it is looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_GROUPS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = LAZY_GROUPS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, _, attribute = target.partition(":")
        command = typer.main.get_group(getattr(importlib.import_module(module_name), attribute))
        command.name = cmd_name
        return command


app = typer.Typer(
    name="myna",
    cls=LazyGroups,
    help="Myna: run Rasa 3.x projects on a cloud-native engine.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
