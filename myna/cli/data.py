"""`myna data validate`: check a project like `rasa data validate`, compiler-style."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from myna.dialogue.conflicts import find_conflicts
from myna.project.errors import Problem, Severity
from myna.project.loader import ProjectPaths, load_project
from myna.project.validation import validate

app = typer.Typer(help="Check and inspect training data.", no_args_is_help=True)
console = Console(highlight=False)


def _relative(problem: Problem) -> str:
    """Print paths below the working folder relative to it, as compilers do."""
    return str(problem).replace(os.getcwd() + os.sep, "")


@app.command("validate")
def validate_command(
    domain: Annotated[
        Path | None, typer.Option("--domain", "-d", help="Domain file or folder.")
    ] = None,
    data: Annotated[
        list[Path] | None, typer.Option("--data", help="Training data files or folders.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Pipeline and policies.")
    ] = None,
    max_history: Annotated[
        int | None,
        typer.Option("--max-history", help="History length for story conflicts (default 5)."),
    ] = None,
    fail_on_warnings: Annotated[
        bool, typer.Option("--fail-on-warnings", help="Exit non-zero on warnings too.")
    ] = False,
) -> None:
    """Report every problem in the project as file:line:column: message."""
    paths = ProjectPaths.for_root(
        Path.cwd(), config=config, domain=domain, data=tuple(data) if data else None
    )
    result = load_project(paths)
    project = result.project
    conflicts = find_conflicts(project.training.stories, project.domain, max_history)
    problems = sorted(
        [*result.problems, *validate(project), *conflicts],
        key=lambda p: (p.source.file, p.source.line, p.source.column),
    )
    for problem in problems:
        style = "red" if problem.severity is Severity.ERROR else "yellow"
        console.print(f"[{style}]{_relative(problem)}[/]", soft_wrap=True)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    summary = f"{errors} error(s), {warnings} warning(s)"
    if errors or (fail_on_warnings and warnings):
        console.print(f"[bold red]Validation failed:[/] {summary}")
        raise typer.Exit(1)
    console.print(f"[bold green]Project is valid:[/] {summary}")
