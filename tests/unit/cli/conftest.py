"""Fixtures: a fast NLU config for the restaurant example, and a model trained from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import KEYWORD_CONFIG, example_args
from typer.testing import CliRunner

from myna.cli.main import app


@pytest.fixture
def keyword_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yml"
    path.write_text(KEYWORD_CONFIG, encoding="utf-8")
    return path


@pytest.fixture
def trained_model(keyword_config: Path, tmp_path: Path) -> Path:
    result = CliRunner().invoke(app, example_args(keyword_config, tmp_path / "models"))
    assert result.exit_code == 0, result.output
    (model,) = (tmp_path / "models").iterdir()
    return model
