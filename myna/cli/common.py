"""Helpers every command shares: one-line errors and honest 'not yet' answers."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

# Exit status of a command whose feature is not built yet (distinct from usage errors, 2).
NOT_AVAILABLE_EXIT = 3

err_console = Console(stderr=True, highlight=False)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one readable error line (no traceback) and exit."""
    err_console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


def not_available(command: str, issue: str) -> NoReturn:
    """Refuse a command that is planned but not built yet, and say which work brings it."""
    err_console.print(
        f"[bold yellow]myna {command}[/] is not available yet: it arrives with {issue}."
    )
    raise typer.Exit(NOT_AVAILABLE_EXIT)
