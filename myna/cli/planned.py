"""Commands whose engines arrive with later work.

They already accept Rasa's flag names, so `--help` documents the final interface, but they
refuse to run and exit with NOT_AVAILABLE_EXIT instead of pretending to work.
They are plain functions that the `train` group and the main app register.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from myna.cli.common import (
    ConfigOpt,
    DomainOpt,
    FixedNameOpt,
    OutOpt,
    not_available,
)

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


def up() -> None:
    """Start every Myna service locally (gateway, nlu, dialogue, actions, tracker)."""
    not_available("up", SERVICES_ISSUE)
