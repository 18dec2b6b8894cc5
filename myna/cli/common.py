"""Helpers every command shares: option types, one-line errors and honest 'not yet' answers."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from myna.project.errors import Problem, Severity

# Exit status of a command whose feature is not built yet (distinct from usage errors, 2).
NOT_AVAILABLE_EXIT = 3

err_console = Console(stderr=True, highlight=False)

# Rasa's flag names, shared by the commands that take them.
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


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one readable error line (no traceback) and exit."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)


def not_available(command: str, issue: str) -> NoReturn:
    """Refuse a command that is planned but not built yet, and say which work brings it."""
    err_console.print(
        f"[bold yellow]myna {command}[/] is not available yet: it arrives with {issue}."
    )
    raise typer.Exit(NOT_AVAILABLE_EXIT)


def print_problems(console: Console, problems: Iterable[Problem]) -> None:
    """``file:line:column: message`` per problem, sorted, paths relative to the working folder."""
    here = os.getcwd() + os.sep
    ordered = sorted(problems, key=lambda p: (p.source.file, p.source.line, p.source.column))
    for problem in ordered:
        style = "red" if problem.severity is Severity.ERROR else "yellow"
        console.print(Text(str(problem).replace(here, ""), style=style), soft_wrap=True)
