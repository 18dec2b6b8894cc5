"""The restaurant example's test stories, run by the real `myna test core` command.

Every story must pass, the FAQ interruption mid-form, the party-size correction and the
empty and very long messages among them, with the example's actions in-process on myna.sdk.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import restaurant_turns
import yaml


def test_every_restaurant_test_story_passes(restaurant_model: Path, tmp_path: Path) -> None:
    restaurant_turns.myna_sdk_copy(tmp_path / "actions")
    (tmp_path / "endpoints.yml").write_text("")
    stories = restaurant_turns.EXAMPLE_DIR / "tests"
    command = [
        str(Path(sys.executable).with_name("myna")),
        *("test", "core", "--model", str(restaurant_model), "--stories", str(stories)),
        *("--endpoints", "endpoints.yml", "--actions", "actions", "--out", "results"),
        "--fail-on-prediction-errors",
    ]
    finished = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    results = tmp_path / "results"
    failed = (results / "failed_test_stories.yml").read_text() if results.is_dir() else ""
    assert finished.returncode == 0, finished.stdout + finished.stderr + failed

    expected = yaml.safe_load((stories / "test_stories.yml").read_text())["stories"]
    report = json.loads((results / "story_report.json").read_text())
    accuracy = report["conversation_accuracy"]
    assert accuracy["total"] == len(expected) >= 8
    assert accuracy["correct"] == accuracy["total"]
    assert "Reports written to results/" in finished.stdout
