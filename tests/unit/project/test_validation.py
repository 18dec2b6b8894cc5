"""Cross-file checks of `myna.project.validation` on small hand-written projects."""

from __future__ import annotations

from pathlib import Path

import pytest

from myna.project.errors import Problem, Severity
from myna.project.loader import ProjectPaths, load_project
from myna.project.validation import validate

CONFIG = "recipe: default.v1\nassistant_id: t\nlanguage: en\npipeline: []\npolicies: []\n"
DOMAIN = """version: "3.1"
intents: [greet, inform, faq]
entities: [city]
slots:
  city:
    type: text
    mappings:
    - type: from_entity
      entity: town
  mood:
    type: categorical
    values: [happy, sad]
    mappings:
    - type: from_intent
      intent: cheer
      value: happy
responses:
  utter_greet:
  - text: hi
actions: [utter_missing]
"""
NLU = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello
    - hello
- intent: inform
  examples: |
    - to [Paris](city)
- intent: faq/hours
  examples: |
    - when are you open
"""


def _problems(tmp_path: Path, stories: str) -> list[Problem]:
    (tmp_path / "config.yml").write_text(CONFIG)
    (tmp_path / "domain.yml").write_text(DOMAIN)
    data = tmp_path / "data"
    data.mkdir()
    (data / "nlu.yml").write_text(NLU)
    (data / "stories.yml").write_text(stories)
    result = load_project(ProjectPaths.for_root(tmp_path))
    assert result.errors == ()
    return validate(result.project)


def _messages(problems: list[Problem], severity: Severity = Severity.ERROR) -> dict[str, int]:
    return {p.message: p.source.line for p in problems if p.severity is severity}


STORIES = """version: "3.1"
stories:
- story: one
  steps:
  - intent: greet
  - action: utter_greet
  - intent: faq
  - action: utter_faq
  - slot_was_set:
    - weather: sunny
  - active_loop: booking_form
  - action: action_unknown
"""


@pytest.fixture
def problems(tmp_path: Path) -> list[Problem]:
    return _problems(tmp_path, STORIES)


def test_slot_mappings_are_checked_against_the_domain(problems: list[Problem]) -> None:
    errors = _messages(problems)
    assert errors["slot 'city' mapping uses unknown entity 'town'"] == 8
    assert errors["slot 'mood' mapping uses unknown intent 'cheer'"] == 14


def test_domain_utter_action_without_response(problems: list[Problem]) -> None:
    assert _messages(problems)["action 'utter_missing' has no response in the domain"] == 20


def test_story_references_are_checked(problems: list[Problem]) -> None:
    errors = _messages(problems)
    assert errors["unknown slot 'weather'"] == 9
    assert errors["unknown form 'booking_form' in active_loop"] == 11
    assert errors["unknown action 'action_unknown'"] == 12


def test_retrieval_action_needs_no_response_of_its_own(problems: list[Problem]) -> None:
    assert not any("utter_faq" in p.message for p in problems)


def test_repeated_example_in_one_intent_is_only_a_warning(problems: list[Problem]) -> None:
    warnings = _messages(problems, Severity.WARNING)
    assert any(message.startswith("example 'hello' repeats") for message in warnings)
    assert not any("hello" in message for message in _messages(problems))
