"""Story and rule contradictions found by `myna.dialogue.conflicts`."""

from __future__ import annotations

from pathlib import Path

from myna.dialogue.conflicts import find_conflicts
from myna.project.errors import Problem
from myna.project.loader import Project, ProjectPaths, load_project

CONFIG = "recipe: default.v1\nassistant_id: t\nlanguage: en\npipeline: []\npolicies: []\n"
DOMAIN = """version: "3.1"
intents: [greet, inform, faq]
responses:
  utter_greet:
  - text: hi
  utter_faq:
  - text: we open at nine
"""


def _project(tmp_path: Path, stories: str) -> Project:
    (tmp_path / "config.yml").write_text(CONFIG)
    (tmp_path / "domain.yml").write_text(DOMAIN)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "stories.yml").write_text(stories)
    result = load_project(ProjectPaths.for_root(tmp_path))
    assert result.errors == ()
    return result.project


def _conflicts(project: Project, max_history: int | None = None) -> list[Problem]:
    return list(find_conflicts(project.training.stories, project.domain, max_history))


def test_stories_that_diverge_after_the_same_history_conflict(tmp_path: Path) -> None:
    stories = """version: "3.1"
stories:
- story: first
  steps:
  - intent: greet
  - action: utter_greet
- story: second
  steps:
  - intent: greet
  - action: action_listen
"""
    (problem,) = _conflicts(_project(tmp_path, stories))
    assert problem.message.startswith("story 'second' predicts 'action_listen'")
    assert problem.source.line == 10


def test_max_history_decides_whether_distant_differences_count(tmp_path: Path) -> None:
    stories = """version: "3.1"
stories:
- story: first
  steps:
  - intent: inform
  - action: utter_greet
  - intent: greet
  - action: utter_greet
- story: second
  steps:
  - intent: faq
  - action: utter_faq
  - intent: greet
  - action: action_listen
"""
    project = _project(tmp_path, stories)
    assert _conflicts(project, max_history=5) == []
    assert len(_conflicts(project, max_history=1)) == 1
