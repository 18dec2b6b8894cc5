"""Stories, rules and test stories: every step kind, and each format error at its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_paths import shared_dir

from myna.project.annotations import EntityAnnotation
from myna.project.errors import Problem, Severity, Source
from myna.project.stories import (
    ActionStep,
    ActiveLoopStep,
    CheckpointStep,
    OrStep,
    SlotStep,
    StoryData,
    StoryEntity,
    UserStep,
    load_stories,
)

STORIES = """\
version: "3.1"
stories:
- story: happy path
  steps:
  - checkpoint: start_here
  - intent: greet
    entities:
    - name: Ann
    - city
    - city: Berlin
      role: departure
    - {entity: city, value: Rome, role: destination, group: "1"}
  - user: "hello [Ann](name)"
    intent: greet
  - action: utter_greet
  - bot: "literal bot text"
  - active_loop: restaurant_form
  - active_loop: null
  - slot_was_set:
    - cuisine: italian
    - requested_slot
    - party: null
  - or:
    - intent: affirm
    - intent: thankyou
    - slot_was_set:
      - vip: true
  - checkpoint: end_here
    slot_was_set:
    - vip: true
rules:
- rule: greet only at conversation start
  conversation_start: true
  condition:
  - active_loop: restaurant_form
  - slot_was_set:
    - vip: true
  steps:
  - intent: greet
  - action: utter_greet
  wait_for_user_input: false
- rule: defaults
  steps:
  - user: '/inform{"cuisine": "thai", "n": [1, 2]}'
  - action: utter_ok
"""

GOLDEN_BOT_DATA = shared_dir() / "golden" / "bot" / "data"


def _load(tmp_path: Path, text: str, name: str = "stories.yml") -> tuple[StoryData, list[Problem]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    return load_stories([path], problems), problems


def test_every_step_kind(tmp_path: Path) -> None:
    data, problems = _load(tmp_path, STORIES)
    assert problems == []
    (story,) = data.stories
    file = str(tmp_path / "stories.yml")
    assert (story.name, story.kind, story.source) == ("happy path", "story", Source(file, 3, 3))
    assert [type(step) for step in story.steps] == [
        CheckpointStep,
        UserStep,
        UserStep,
        ActionStep,
        ActionStep,
        ActiveLoopStep,
        ActiveLoopStep,
        SlotStep,
        OrStep,
        CheckpointStep,
    ]
    assert story.steps[0] == CheckpointStep("start_here", {}, Source(file, 5, 5))
    assert story.steps[1] == UserStep(
        "greet",
        None,
        (
            StoryEntity("name", "Ann"),
            StoryEntity("city"),
            StoryEntity("city", "Berlin", "departure"),
            StoryEntity("city", "Rome", "destination", "1"),
        ),
        Source(file, 6, 5),
    )
    assert story.steps[2] == UserStep(
        "greet",
        "hello Ann",
        (EntityAnnotation("name", 6, 9, "Ann", text="Ann"),),
        Source(file, 13, 5),
    )
    assert story.steps[3].name == "utter_greet"
    assert (story.steps[4].name, story.steps[4].bot_text) == (None, "literal bot text")
    assert [step.name for step in story.steps[5:7]] == ["restaurant_form", None]
    assert story.steps[7].slots == (
        ("cuisine", "italian", True),
        ("requested_slot", None, False),
        ("party", None, True),
    )
    alternatives = story.steps[8].alternatives
    assert [getattr(a, "intent", None) for a in alternatives] == ["affirm", "thankyou", None]
    assert alternatives[2].slots == (("vip", True, True),)
    assert story.steps[9].conditions == {"vip": True}


def test_rules(tmp_path: Path) -> None:
    data, _ = _load(tmp_path, STORIES)
    first, second = data.rules
    assert (first.kind, first.conversation_start, first.wait_for_user_input) == (
        "rule",
        True,
        False,
    )
    assert [type(step) for step in first.condition] == [ActiveLoopStep, SlotStep]
    assert [type(step) for step in first.steps] == [UserStep, ActionStep]
    assert (second.conversation_start, second.wait_for_user_input, second.condition) == (
        False,
        True,
        (),
    )


def test_intent_payload_in_user_text(tmp_path: Path) -> None:
    data, _ = _load(tmp_path, STORIES)
    step = data.rules[1].steps[0]
    assert isinstance(step, UserStep)
    assert (step.intent, step.text) == ("inform", None)
    assert step.entities == (
        StoryEntity("cuisine", "thai"),
        StoryEntity("n", 1),
        StoryEntity("n", 2),
    )


def test_test_stories_keep_user_text(tmp_path: Path) -> None:
    text = """\
stories:
- story: a test
  steps:
  - user: |
      book for [two]{"entity": "party_size", "value": "2"} people
    intent: book_table
  - action: booking_form
"""
    data, problems = _load(tmp_path, text, "test_stories.yml")
    assert problems == []
    step = data.stories[0].steps[0]
    assert (step.intent, step.text) == ("book_table", "book for two people")
    assert step.entities[0] == EntityAnnotation("party_size", 9, 12, "2", text="two")


BROKEN = """\
stories:
- steps:
  - intent: greet
- story: no steps
- story: bad steps
  steps:
  - intnt: greet
  - action: utter_x
    intent: y
  - user: 'hi [there]{"entity": x}'
  - user: /greet
    intent: goodbye
  - bot: fine
  - slot_was_set: [42]
  - or:
    - intent: a
    - action: b
  - action: utter_end
  - active_loop: [x]
  - entities: [x]
  - intent: ok
    entities: {a: 1}
  - intent: fine
    entities:
    - {a: 1, b: 2, role: r}
    - {entity: c, colour: red}
  condition:
  - active_loop: f
- story: checkpoint in the middle
  steps:
  - action: a
  - checkpoint: middle
  - action: b
- story: 42
  steps: [{action: x}]
rules:
- rule: bad rule
  conversation_start: "yes"
  condition:
  - intent: greet
  - bot: hi
  steps:
  - checkpoint: nope
  - bot: hello
  - action: fine
- rule: no checkpoint conditions without value
  steps:
  - intent: x
  - checkpoint: c
    slot_was_set:
    - v
"""

EXPECTED = [
    (2, 3, "missing 'story'"),
    (4, 3, "missing 'steps'"),
    (27, 3, "'condition' is only allowed in rules"),
    (7, 5, "unknown step key 'intnt'"),
    (9, 5, "unexpected key 'intent' in this action step"),
    (10, 15, "invalid JSON in entity annotation"),
    (11, 11, "payload intent 'greet' differs from 'intent: goodbye'"),
    (14, 20, "a slot must be"),
    (17, 7, "'or' may only hold user steps"),
    (19, 18, "'active_loop' must be a non-empty string"),
    (20, 5, "a user step needs 'intent' or 'user'"),
    (22, 15, "'entities' must be a list"),
    (25, 7, "'role'/'group' need exactly one"),
    (26, 19, "unknown entity key 'colour'"),
    (32, 5, "checkpoints are only allowed at the start or the end of a story"),
    (34, 10, "'story' must be a non-empty string"),
    (43, 5, "checkpoints are not allowed in rules"),
    (44, 5, "'bot' steps are not allowed in rules"),
    (40, 5, "a rule condition may only hold 'slot_was_set' and 'active_loop' steps"),
    (41, 5, "a rule condition may only hold 'slot_was_set' and 'active_loop' steps"),
    (38, 23, "'conversation_start' must be true or false"),
    (51, 5, "checkpoint conditions need '- name: value'"),
]


def test_format_errors_are_reported_at_their_line_and_only_broken_items_are_dropped(
    tmp_path: Path,
) -> None:
    data, problems = _load(tmp_path, BROKEN)
    found = [(p.source.line, p.source.column, p.message) for p in problems]
    assert len(found) == len(EXPECTED), "\n".join(map(str, problems))
    for (line, column, message), (want_line, want_column, want_message) in zip(
        found, EXPECTED, strict=True
    ):
        assert (line, column) == (want_line, want_column), message
        assert want_message in message
    assert all(p.severity is Severity.ERROR for p in problems)
    bad = next(story for story in data.stories if story.name == "bad steps")
    assert [type(step) for step in bad.steps] == [
        ActionStep,
        OrStep,
        ActionStep,
        UserStep,
        UserStep,
    ]
    assert [step.intent for step in bad.steps[3:]] == ["ok", "fine"]
    middle = next(story for story in data.stories if story.name == "checkpoint in the middle")
    assert [step.name for step in middle.steps] == ["a", "b"]
    assert [rule.name for rule in data.rules] == [
        "bad rule",
        "no checkpoint conditions without value",
    ]
    assert [type(step) for step in data.rules[0].steps] == [ActionStep]


@pytest.mark.parametrize("section", ["stories: {a: 1}", "rules: 3"])
def test_sections_must_be_lists(tmp_path: Path, section: str) -> None:
    data, problems = _load(tmp_path, section + "\n")
    assert data == StoryData()
    assert [(p.source.line, p.message.split(" must")[0]) for p in problems] == [
        (1, f"'{section.split(':')[0]}'")
    ]


def test_combine_and_merge() -> None:
    empty = StoryData()
    assert StoryData.combine([empty, empty]) == empty
    assert empty.merge(empty) == empty


def test_golden_bot_stories_and_rules() -> None:
    problems: list[Problem] = []
    data = load_stories([GOLDEN_BOT_DATA], problems)
    assert problems == []
    assert [story.name for story in data.stories] == ["booking happy path"]
    assert [rule.name for rule in data.rules] == [
        "greet",
        "goodbye",
        "activate booking form",
        "submit booking form",
        "fallback",
    ]
    submit = data.rules[3]
    assert submit.condition == (
        ActiveLoopStep("booking_form", Source(str(GOLDEN_BOT_DATA / "rules.yml"), 18, 5)),
    )
    assert [type(step) for step in submit.steps] == [
        ActionStep,
        ActiveLoopStep,
        SlotStep,
        ActionStep,
    ]
    assert submit.steps[2].slots == (("requested_slot", None, True),)
    happy = data.stories[0]
    assert [
        getattr(step, "intent", None) or getattr(step, "name", None) for step in happy.steps
    ] == [
        "greet",
        "utter_greet",
        "book_table",
        "booking_form",
        "booking_form",
        None,
        "action_confirm_booking",
        "goodbye",
        "utter_goodbye",
    ]
