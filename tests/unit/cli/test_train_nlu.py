"""`myna train nlu`: a model file from a project, or one readable error line per defect."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_helpers import KEYWORD_CONFIG, example_args
from typer.testing import CliRunner

from myna.cli.main import app
from myna.model.artifact import load_model

runner = CliRunner()


def test_training_writes_a_model_and_names_it(keyword_config: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, example_args(keyword_config, tmp_path / "models"))
    assert result.exit_code == 0, result.output
    (model,) = (tmp_path / "models").iterdir()
    assert re.fullmatch(r"\d{8}-\d{6}-[a-z]+-[a-z]+\.tar\.gz", model.name)
    assert "Training the NLU pipeline (6 components" in result.stdout
    saved = result.stdout.strip().splitlines()[-1]
    assert re.search(rf"Model saved: .*{model.name} \(\d+\.\d kB, trained in \d+\.\d\d s\)", saved)
    loaded = load_model(model)
    assert loaded.manifest.assistant_id == "restaurant_bot"
    assert loaded.nlu is not None


def test_fixed_model_name(keyword_config: Path, tmp_path: Path) -> None:
    args = [*example_args(keyword_config, tmp_path / "out"), "--fixed-model-name", "restaurant"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["restaurant.tar.gz"]
    bad = runner.invoke(app, [*args[:-1], "../restaurant"])
    assert bad.exit_code == 1
    assert "invalid model name" in bad.stderr


@pytest.mark.parametrize(
    ("pipeline", "expected"),
    [
        ("  - name: KeywordClassifier\n", r"config\.yml:5:\d+: unknown NLU component"),
        ("  - name: FallbackClassifier\n    treshold: 1\n", "unknown option 'treshold'"),
    ],
)
def test_config_errors_are_reported_at_their_line(
    tmp_path: Path, pipeline: str, expected: str
) -> None:
    config = tmp_path / "config.yml"
    config.write_text(KEYWORD_CONFIG.split("pipeline:\n")[0] + "pipeline:\n" + pipeline)
    result = runner.invoke(app, example_args(config, tmp_path / "models"))
    assert result.exit_code == 1
    assert re.search(expected, result.stderr), result.stderr
    assert (
        result.stderr.strip().splitlines()[-1]
        == "error: training refused: 1 error(s) in the project"
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / "models").exists()


def test_a_missing_data_folder_refuses_training(keyword_config: Path, tmp_path: Path) -> None:
    args = example_args(keyword_config, tmp_path / "models")
    args[args.index("--nlu") + 1] = str(tmp_path / "nowhere")
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "nowhere:1:1: training data path not found" in result.stderr
    assert "Traceback" not in result.output
