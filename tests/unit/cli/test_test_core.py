"""`myna test core` on the golden bot (trained once, small and fast): reports, exit codes.

One test story passes (greeting, then a booking whose form validation and confirmation
run as real in-process SDK actions); the other expects the wrong action after a goodbye.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from shared_paths import REPO_ROOT, shared_dir
from typer.testing import CliRunner

from myna.cli.main import app
from myna.model.training import train_model
from myna.project.loader import ProjectPaths

runner = CliRunner()
GOLDEN_ACTIONS = REPO_ROOT / "tests" / "unit" / "actions" / "golden_bot_actions.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FAST_CONFIG = """\
recipe: default.v1
assistant_id: golden_bot
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: DIETClassifier
    epochs: 100
    number_of_transformer_layers: 0
    entity_recognition: false
    random_seed: 1
  - name: EntitySynonymMapper
policies:
  - name: MemoizationPolicy
  - name: RulePolicy
  - name: TEDPolicy
    max_history: 5
    epochs: 1
    number_of_transformer_layers: 0
    random_seed: 1
"""
TEST_STORIES = """\
version: "3.1"
stories:
- story: greet and book
  steps:
  - user: |
      hello
    intent: greet
  - action: utter_greet
  - intent: book_table
    entities:
    - party_size: 4
    - cuisine: italian
  - action: booking_form
  - active_loop: booking_form
  - active_loop: null
  - action: action_confirm_booking
- story: goodbye answered with a greeting
  steps:
  - user: |
      bye
    intent: goodbye
  - action: utter_greet
"""


@pytest.fixture(scope="module")
def golden_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden bot with its actions package and test stories, trained into models/."""
    root = tmp_path_factory.mktemp("golden") / "bot"
    shutil.copytree(shared_dir() / "golden" / "bot", root)
    (root / "endpoints.yml").unlink()  # it names the recording action server
    (root / "config.yml").write_text(FAST_CONFIG, encoding="utf-8")
    (root / "actions").mkdir()
    shutil.copy(GOLDEN_ACTIONS, root / "actions" / "__init__.py")
    (root / "tests").mkdir()
    (root / "tests" / "test_stories.yml").write_text(TEST_STORIES, encoding="utf-8")
    train_model(ProjectPaths.for_root(root), root / "models")
    return root


@pytest.fixture
def in_project(golden_project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Work in the project; forget its `actions` package and sys.path entry afterwards."""
    monkeypatch.chdir(golden_project)
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield golden_project
    for name in [name for name in sys.modules if name.split(".")[0] == "actions"]:
        del sys.modules[name]


def core_args(*flags: str) -> list[str]:
    return ["test", "core", "--actions", "actions", "--out", "results", *flags]


def test_reports_one_passed_and_one_failed_story(in_project: Path) -> None:
    result = runner.invoke(app, core_args())
    assert result.exit_code == 0, result.output
    assert "Conversation accuracy" in result.stdout
    results = in_project / "results"
    report = json.loads((results / "story_report.json").read_text())
    assert report["conversation_accuracy"] == {
        "accuracy": 0.5,
        "correct": 1,
        "with_warnings": 0,
        "total": 2,
    }
    assert report["action_confirm_booking"]["support"] == 1
    assert report["utter_greet"]["recall"] == 0.5
    assert report["utter_greet"]["confused_with"] == {"utter_goodbye": 1}
    failed = (results / "failed_test_stories.yml").read_text()
    assert "  - action: utter_greet  # predicted: utter_goodbye\n" in failed
    assert "goodbye answered with a greeting" in failed
    successful = yaml.safe_load((results / "successful_test_stories.yml").read_text())
    assert [story["story"].split(" (")[0] for story in successful["stories"]] == ["greet and book"]
    assert yaml.safe_load((results / "stories_with_warnings.yml").read_text())["stories"] == []
    assert (results / "story_confusion_matrix.png").read_bytes().startswith(PNG_SIGNATURE)


def test_prediction_errors_fail_the_command_when_asked(in_project: Path) -> None:
    result = runner.invoke(app, core_args("--fail-on-prediction-errors"))
    assert result.exit_code == 1, result.output
    assert "failed" in result.stdout


def test_missing_stories_are_one_error_line(in_project: Path) -> None:
    result = runner.invoke(app, core_args("--stories", "nowhere"))
    assert result.exit_code == 1
    assert "test stories not found: nowhere" in result.stderr


def test_plain_test_runs_core_then_nlu(in_project: Path) -> None:
    args = ["test", "--actions", "actions", "--out", "all", "--fail-on-prediction-errors"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    for name in ("story_report.json", "failed_test_stories.yml", "intent_report.json"):
        assert (in_project / "all" / name).is_file(), name
