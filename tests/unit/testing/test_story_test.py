"""Test stories played against the golden bot: rule and memoization policies trained on its
stories, its real SDK actions in-process, and a table lookup standing in for NLU."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from shared_paths import REPO_ROOT, shared_dir

from myna.actions.in_process import InProcessActionExecutor
from myna.dialogue.actions.registry import action_for_name
from myna.dialogue.processor import MessageProcessor
from myna.dialogue.responses import TemplatedResponseGenerator
from myna.events import UserUttered
from myna.model.training import train_core
from myna.nlu.shortcut import decode_shortcut
from myna.project.errors import Problem
from myna.project.loader import ProjectPaths, load_project
from myna.project.stories import load_stories
from myna.stores.memory import InMemoryTrackerStore
from myna.testing.stories import (
    Mismatch,
    StoryCase,
    StoryResult,
    entities_match,
    predicted_intent,
    run_story_tests,
    shortcut_text,
    story_cases,
)
from myna.testing.story_report import conversation_accuracy, stories_yaml, write_story_reports

POLICIES = "policies:\n  - name: MemoizationPolicy\n  - name: RulePolicy\n"
# text → intent; "4" in a text is a party_size entity.
INTENTS = {"hello": "greet", "bye": "goodbye", "a table for 4": "book_table"}


class TableNLU:
    """Parses the texts of INTENTS (and `/intent` shortcuts) like a perfect classifier."""

    def __init__(self, intents: list[str]) -> None:
        self.intents = intents

    def parse(self, text: str) -> dict[str, Any]:
        shortcut = decode_shortcut(text, self.intents)
        if shortcut is not None:
            return shortcut.to_parse_result()
        start = text.find("4")
        entities = [{"entity": "party_size", "value": "4", "start": start, "end": start + 1}]
        return {
            "text": text,
            "intent": {"name": INTENTS.get(text), "confidence": 1.0},
            "entities": entities if start >= 0 else [],
        }


def load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("golden_bot_actions", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def processor(tmp_path_factory: pytest.TempPathFactory) -> MessageProcessor:
    root = tmp_path_factory.mktemp("golden") / "bot"
    shutil.copytree(shared_dir() / "golden" / "bot", root)
    config = (root / "config.yml").read_text()
    (root / "config.yml").write_text(config.split("policies:")[0] + POLICIES)
    project = load_project(ProjectPaths.for_root(root)).project
    core = train_core(project)
    actions = load_module(REPO_ROOT / "tests" / "unit" / "actions" / "golden_bot_actions.py")
    return MessageProcessor(
        core.domain,
        TableNLU(list(core.domain.intents)),
        core.ensemble,
        InMemoryTrackerStore(),
        TemplatedResponseGenerator(core.domain, seed=1),
        action_for_name,
        InProcessActionExecutor.from_package(actions),
        model_id="model",
        assistant_id="golden_bot",
    )


def cases(tmp_path: Path, steps: str) -> list[StoryCase]:
    path = tmp_path / "test_stories.yml"
    path.write_text(f'version: "3.1"\nstories:\n- story: s\n  steps:\n{steps}')
    problems: list[Problem] = []
    data = load_stories([path], problems)
    assert not problems
    return story_cases(data.stories)


def play(processor: MessageProcessor, tmp_path: Path, steps: str) -> StoryResult:
    (result,) = asyncio.run(run_story_tests(processor, cases(tmp_path, steps)))
    return result


BOOKING = """\
  - user: hello
    intent: greet
  - action: utter_greet
  - intent: book_table
    entities:
    - party_size: 4
    - cuisine: italian
  - action: booking_form
  - active_loop: booking_form
  - slot_was_set:
    - party_size: 4
  - active_loop: null
  - action: action_confirm_booking
  - slot_was_set:
    - visits
"""


def test_a_booking_story_passes_with_the_real_custom_actions(
    processor: MessageProcessor, tmp_path: Path
) -> None:
    result = play(processor, tmp_path, BOOKING)
    assert result.mismatch is None
    assert result.gold_actions == result.predicted_actions
    assert result.gold_actions == [
        "utter_greet",
        "action_listen",
        "booking_form",
        "action_confirm_booking",
    ]


def test_a_wrong_action_fails_the_story_there(processor: MessageProcessor, tmp_path: Path) -> None:
    steps = "  - user: bye\n  - action: utter_greet\n  - user: hello\n  - action: utter_greet\n"
    result = play(processor, tmp_path, steps)
    assert result.mismatch == Mismatch(1, "utter_goodbye")
    assert (result.gold_actions, result.predicted_actions) == (["utter_greet"], ["utter_goodbye"])
    text = stories_yaml([result])
    assert "  - action: utter_greet  # predicted: utter_goodbye\n" in text
    assert yaml.safe_load(text)["stories"][0]["steps"][2] == {"user": "hello"}


def test_a_wrong_intent_or_entity_is_commented_with_the_parse(
    processor: MessageProcessor, tmp_path: Path
) -> None:
    result = play(processor, tmp_path, "  - user: a table for [4](cuisine)\n")
    assert result.mismatch == Mismatch(0, "book_table: a table for [4](party_size)")
    text = stories_yaml([result])
    assert "- user: a table for [4](cuisine)  # predicted: book_table: a table for" in text
    wrong_intent = play(processor, tmp_path, "  - user: hello\n    intent: goodbye\n")
    assert wrong_intent.mismatch == Mismatch(0, "greet: hello")


def test_a_missing_listen_is_a_wrong_action_listen(
    processor: MessageProcessor, tmp_path: Path
) -> None:
    result = play(processor, tmp_path, "  - intent: greet\n  - intent: goodbye\n")
    assert result.mismatch == Mismatch(1, "utter_greet", listen=True)
    assert "  - action: action_listen  # predicted: utter_greet\n" in stories_yaml([result])


@pytest.mark.parametrize(
    ("step", "predicted"),
    [
        ("  - active_loop: other_form\n", "active_loop: booking_form"),
        ("  - slot_was_set:\n    - party_size: 5\n", "party_size: 4"),
        ("  - slot_was_set:\n    - cuisine\n", "cuisine not set"),
    ],
)
def test_slot_and_loop_steps_are_checked(
    processor: MessageProcessor, tmp_path: Path, step: str, predicted: str
) -> None:
    steps = "  - intent: book_table\n    entities:\n    - party_size: 4\n  - action: booking_form\n"
    result = play(processor, tmp_path, steps + step)
    assert result.mismatch == Mismatch(2, predicted)


def test_a_loop_step_holds_while_the_form_stays_active(
    processor: MessageProcessor, tmp_path: Path
) -> None:
    """The second `active_loop` step has no event of its own: the form just continues."""
    steps = (
        "  - intent: book_table\n  - action: booking_form\n  - active_loop: booking_form\n"
        "  - intent: inform\n    entities:\n    - party_size: 50\n"
        "  - action: booking_form\n  - active_loop: {loop}\n"
    )
    assert play(processor, tmp_path, steps.format(loop="booking_form")).mismatch is None
    wrong = play(processor, tmp_path, steps.format(loop="null"))
    assert wrong.mismatch == Mismatch(5, "active_loop: unchanged")


def test_or_alternatives_are_separate_cases(tmp_path: Path) -> None:
    steps = "  - or:\n    - intent: greet\n    - intent: affirm\n  - action: utter_greet\n"
    found = cases(tmp_path, steps)
    assert [case.name for case in found] == ["s (alternative 1)", "s (alternative 2)"]
    assert [case.steps[0].intent for case in found] == ["greet", "affirm"]  # type: ignore[union-attr]


def test_shortcut_and_entity_comparison(tmp_path: Path) -> None:
    steps = "  - intent: inform\n    entities:\n    - party_size: 2\n    - cuisine: thai\n"
    (case,) = cases(tmp_path, steps)
    step = case.steps[0]
    assert shortcut_text(step) == '/inform{"party_size": 2, "cuisine": "thai"}'  # type: ignore[arg-type]
    predicted = [{"entity": "cuisine", "value": "thai"}, {"entity": "party_size", "value": "2"}]
    assert entities_match(step.entities, predicted)  # type: ignore[union-attr]
    assert not entities_match(step.entities, predicted[:1])  # type: ignore[union-attr]
    assert not entities_match(step.entities, [*predicted[:1], {**predicted[1], "value": "3"}])  # type: ignore[union-attr]


def test_reports_sort_stories_and_count_warnings(tmp_path: Path) -> None:
    (case,) = cases(tmp_path, "  - intent: greet\n  - action: utter_greet\n")
    passed = StoryResult(case, ["utter_greet"], ["utter_greet"])
    warned = StoryResult(case, ["utter_greet"], ["utter_greet"], warnings=[1])
    failed = StoryResult(case, ["utter_greet"], ["utter_goodbye"], Mismatch(1, "utter_goodbye"))
    results = [passed, warned, failed]
    assert conversation_accuracy(results) == {
        "accuracy": 2 / 3,
        "correct": 2,
        "with_warnings": 1,
        "total": 3,
    }
    out = tmp_path / "results"
    report = write_story_reports(results, out)
    assert json.loads((out / "story_report.json").read_text()) == report
    assert report["utter_greet"]["support"] == 3
    stories = {
        name: yaml.safe_load((out / name).read_text())["stories"]
        for name in ("failed_test_stories.yml", "successful_test_stories.yml")
    }
    assert [len(found) for found in stories.values()] == [1, 1]
    warnings = (out / "stories_with_warnings.yml").read_text()
    assert "  - action: utter_greet  # predicted: action_unlikely_intent\n" in warnings
    assert (out / "story_confusion_matrix.png").stat().st_size > 0


@pytest.mark.parametrize("selector_key", ["faq", "default"])
def test_a_retrieval_intent_step_compares_the_selected_response_key(selector_key: str) -> None:
    chosen = {"response": {"intent_response_key": "faq/parking"}}
    parse_data = {
        "intent": {"name": "faq", "confidence": 0.9},
        "response_selector": {"all_retrieval_intents": ["faq"], selector_key: chosen},
    }
    user = UserUttered("is there parking", parse_data=parse_data)
    assert predicted_intent(user, full_retrieval_intent=True) == "faq/parking"
    assert predicted_intent(user, full_retrieval_intent=False) == "faq"
