"""The command skeleton: help everywhere, a version, and honest refusals."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from myna import __version__
from myna.cli.common import NOT_AVAILABLE_EXIT
from myna.cli.main import app

runner = CliRunner()

COMMANDS = [
    ["train"],
    ["train", "nlu"],
    ["train", "core"],
    ["run"],
    ["run", "actions"],
    ["shell"],
    ["shell", "nlu"],
    ["test"],
    ["test", "nlu"],
    ["test", "core"],
    ["up"],
    ["data"],
    ["data", "validate"],
]


def test_version_names_myna_and_rasa_compatibility() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
    assert "Rasa 3.6" in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


@pytest.mark.parametrize(
    ("command", "flags"),
    [
        (["train"], ["--config", "--domain", "--data", "--out", "--fixed-model-name"]),
        (["train", "nlu"], ["--config", "--nlu", "--domain", "--out", "--fixed-model-name"]),
        (["shell", "nlu"], ["--model"]),
        (["run"], ["--model", "--enable-api", "--port", "--auth-token", "--jwt-secret", "--cors"]),
        (["test", "nlu"], ["--nlu", "--cross-validation", "--folds", "--out"]),
        (
            ["test", "core"],
            [
                "--model",
                "--stories",
                "--out",
                "--endpoints",
                "--actions",
                "--fail-on-prediction-errors",
            ],
        ),
        (["test"], ["--model", "--stories", "--nlu", "--out", "--fail-on-prediction-errors"]),
        (["data", "validate"], ["--domain", "--data", "--config", "--fail-on-warnings"]),
    ],
)
def test_commands_accept_rasa_flag_names(command: list[str], flags: list[str]) -> None:
    output = runner.invoke(app, [*command, "--help"], terminal_width=200).output
    for flag in flags:
        assert flag in output


BUILT = [
    ["data"],
    ["data", "validate"],
    ["run"],
    ["run", "actions"],
    ["train"],
    ["train", "nlu"],
    ["shell"],
    ["shell", "nlu"],
    ["test"],
    ["test", "nlu"],
    ["test", "core"],
]


@pytest.mark.parametrize("command", [c for c in COMMANDS if c not in BUILT], ids=" ".join)
def test_unbuilt_commands_refuse_instead_of_pretending(command: list[str]) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == NOT_AVAILABLE_EXIT
    assert "not available yet" in result.output
