"""Commands whose engines arrive with later work.

They already accept Rasa's flag names, so `--help` documents the final interface, but they
refuse to run and exit with NOT_AVAILABLE_EXIT instead of pretending to work.
They are plain functions that the `train` and `test` groups register.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from myna.cli.common import (
    ConfigOpt,
    DomainOpt,
    FixedNameOpt,
    ModelOpt,
    OutOpt,
    not_available,
)

NLU_ISSUE = "the NLU work (DIET trained in torch, served from ONNX)"
DIALOGUE_ISSUE = "the dialogue engine work"
SERVICES_ISSUE = "the services and deployment work"


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


def test(ctx: typer.Context, model: ModelOpt = Path("models")) -> None:
    """Evaluate NLU and dialogue."""
    if ctx.invoked_subcommand is None:
        not_available("test", f"{NLU_ISSUE} and {DIALOGUE_ISSUE}")


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
