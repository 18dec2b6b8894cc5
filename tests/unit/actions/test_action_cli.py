"""`myna run actions`: flags, and a readable error when the actions cannot be imported.

Serving itself is tested with a real uvicorn process in tests/integration/actions.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from myna.cli.actions import load_actions
from myna.cli.main import app

runner = CliRunner()


def test_flags_match_rasa_sdk() -> None:
    output = runner.invoke(app, ["run", "actions", "--help"], terminal_width=200).output
    for flag in ["--actions", "--port", "-p", "--interface", "--cors"]:
        assert flag in output


def test_missing_package_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run", "actions", "--actions", "no_such_actions_pkg"])
    assert result.exit_code == 1
    assert "cannot import the actions package 'no_such_actions_pkg'" in result.output
    assert "Traceback" not in result.output


def test_rasa_sdk_imports_get_a_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "rasa_style_actions.py").write_text("from rasa_sdk import Action\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    result = runner.invoke(app, ["run", "actions", "--actions", "rasa_style_actions"])
    assert result.exit_code == 1
    assert "import from myna.sdk instead of rasa_sdk" in result.output


def test_actions_are_imported_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cwd_actions_module.py").write_text(
        "from myna.sdk import Action\n\n\nclass A(Action):\n"
        "    def name(self):\n        return 'action_a'\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(tmp_path)])
    monkeypatch.delitem(sys.modules, "cwd_actions_module", raising=False)
    assert load_actions("cwd_actions_module").list_actions() == ["action_a"]
    assert sys.path[0] == str(tmp_path)
    del sys.modules["cwd_actions_module"]
