"""`myna shell nlu`: piped, exactly one JSON parse result per input line; errors in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from myna.cli import shell
from myna.cli.main import app

runner = CliRunner()
LONG = "book a table " * 769  # 9,997 characters


def test_piped_lines_give_one_compact_json_line_each(trained_model: Path) -> None:
    texts = ["hi", "", LONG + "end", "ラーメン 🍜 und Smørrebrød, 你好!", "   "]
    result = runner.invoke(app, ["shell", "nlu", "-m", str(trained_model)], "\n".join(texts) + "\n")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(texts)
    for text, line in zip(texts, lines, strict=True):
        parsed = json.loads(line)
        assert parsed["text"] == text
        assert {"text", "intent", "entities"} <= parsed.keys()
        assert set(parsed["intent"]) >= {"name", "confidence"}
        assert line == json.dumps(parsed, ensure_ascii=False, separators=(",", ":"))
    assert len(lines[2]) > 10_000
    assert json.loads(lines[0])["intent"]["name"] == "greet"
    assert trained_model.name in result.stderr


def test_a_model_folder_means_its_newest_model(trained_model: Path) -> None:
    result = runner.invoke(app, ["shell", "nlu", "--model", str(trained_model.parent)], "hi")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["text"] == "hi"


def test_on_a_terminal_it_prompts_and_pretty_prints(
    trained_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shell, "_stdin_is_tty", lambda: True)
    result = runner.invoke(app, ["shell", "nlu", "-m", str(trained_model)], "hi\n")
    assert result.exit_code == 0, result.output
    assert "Next message:" in result.stdout
    assert '"name": "greet"' in result.stdout


def _refusal(model: Path) -> str:
    result = runner.invoke(app, ["shell", "nlu", "-m", str(model)], "hi\n")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    return line


def test_missing_empty_or_corrupt_models_are_one_line_errors(tmp_path: Path) -> None:
    assert "no model at" in _refusal(tmp_path / "absent")
    assert "train one with `myna train`" in _refusal(tmp_path)
    corrupt = tmp_path / "corrupt.tar.gz"
    corrupt.write_bytes(b"\x1f\x8b not really gzip")
    assert "not a readable model file" in _refusal(corrupt)
