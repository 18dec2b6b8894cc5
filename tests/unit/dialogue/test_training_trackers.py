"""Stories and rules → training trackers: checkpoints, `or`, rule conditions, e2e steps."""

from __future__ import annotations

from pathlib import Path

import pytest
from dialogue_helpers import domain_from, trackers_from

from myna.dialogue.states import SHOULD_NOT_BE_SET
from myna.dialogue.training_trackers import TrainingTracker
from myna.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from myna.project.domain import Domain

DOMAIN = """\
intents: [greet, affirm, thanks, inform]
entities: [cuisine]
slots:
  cuisine: {type: text, mappings: [{type: from_entity, entity: cuisine}]}
  tags: {type: list, mappings: [{type: custom}]}
forms:
  food_form: {required_slots: [cuisine]}
responses:
  utter_greet: [{text: hi}]
  utter_ok: [{text: ok}]
  utter_bye: [{text: bye}]
"""


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    return domain_from(tmp_path, DOMAIN)


def _show(event: Event) -> str:
    if isinstance(event, UserUttered):
        return f"user:{event.intent_name or event.text}"
    if isinstance(event, ActionExecuted):
        return event.name or f"bot:{event.action_text}"
    if isinstance(event, SlotSet):
        return f"slot:{event.name}={event.value}"
    if isinstance(event, ActiveLoop):
        return f"loop:{event.name}"
    return event.type_name


def _shown(tracker: TrainingTracker) -> list[str]:
    return [_show(event) for event in tracker.events]


def test_checkpoints_join_stories_and_or_steps_expand(tmp_path: Path, domain: Domain) -> None:
    trackers = trackers_from(
        tmp_path,
        domain,
        """\
stories:
- story: start
  steps:
  - intent: greet
  - action: utter_greet
  - checkpoint: greeted
- story: then ok
  steps:
  - checkpoint: greeted
  - or:
    - intent: affirm
    - intent: thanks
  - action: utter_ok
- story: then bye
  steps:
  - checkpoint: greeted
  - intent: inform
  - action: utter_bye
- story: orphan
  steps:
  - checkpoint: never_reached
  - intent: greet
  - action: utter_bye
""",
    )
    assert [_shown(t) for t in trackers] == [
        [
            "action_listen",
            "user:greet",
            "utter_greet",
            "action_listen",
            "user:affirm",
            "utter_ok",
            "action_listen",
        ],
        [
            "action_listen",
            "user:greet",
            "utter_greet",
            "action_listen",
            "user:thanks",
            "utter_ok",
            "action_listen",
        ],
        [
            "action_listen",
            "user:greet",
            "utter_greet",
            "action_listen",
            "user:inform",
            "utter_bye",
            "action_listen",
        ],
    ]
    assert trackers[0].name == "start > then ok"
    assert str(trackers[0].source_of(trackers[0].events[5])).endswith("stories.yml:14:5")


def test_checkpoint_conditions_and_loops_are_bounded(tmp_path: Path, domain: Domain) -> None:
    trackers = trackers_from(
        tmp_path,
        domain,
        """\
stories:
- story: start
  steps:
  - intent: greet
  - slot_was_set:
    - cuisine: thai
  - action: utter_greet
  - checkpoint: again
- story: loop
  steps:
  - checkpoint: again
  - intent: affirm
  - action: utter_ok
  - checkpoint: again
- story: only thai
  steps:
  - checkpoint: again
    slot_was_set:
    - cuisine: thai
  - intent: thanks
  - action: utter_bye
- story: only italian
  steps:
  - checkpoint: again
    slot_was_set:
    - cuisine: italian
  - intent: inform
  - action: utter_bye
""",
    )
    assert [t.name for t in trackers] == ["start > loop > only thai", "start > only thai"]


def test_user_steps_fill_entity_slots_and_e2e_steps_keep_text(
    tmp_path: Path, domain: Domain
) -> None:
    [tracker] = trackers_from(
        tmp_path,
        domain,
        """\
stories:
- story: e2e
  steps:
  - user: "I like [thai](cuisine)"
    intent: inform
  - bot: "Nice choice"
  - user: "just text"
  - action: utter_ok
  - slot_was_set:
    - tags
""",
    )
    assert _shown(tracker) == [
        "action_listen",
        "user:inform",
        "slot:cuisine=thai",
        "bot:Nice choice",
        "action_listen",
        "user:just text",
        "utter_ok",
        "slot:tags=['filled']",
        "action_listen",
    ]
    message = tracker.events[1]
    assert isinstance(message, UserUttered)
    assert message.text == "I like thai"
    assert message.entities == [{"entity": "cuisine", "value": "thai"}]


def test_rules_get_snippets_conditions_and_final_listen(tmp_path: Path, domain: Domain) -> None:
    trackers = trackers_from(
        tmp_path,
        domain,
        """\
rules:
- rule: anywhere
  condition:
  - active_loop: null
  - slot_was_set:
    - cuisine: null
  steps:
  - intent: greet
  - action: utter_greet
- rule: at the start, keeps going
  conversation_start: true
  wait_for_user_input: false
  steps:
  - intent: greet
  - action: utter_greet
""",
    )
    assert [_shown(t) for t in trackers] == [
        [
            f"loop:{SHOULD_NOT_BE_SET}",
            f"slot:cuisine={SHOULD_NOT_BE_SET}",
            "...",
            "action_listen",
            "user:greet",
            "utter_greet",
            "action_listen",
        ],
        ["action_listen", "user:greet", "utter_greet", "..."],
    ]
    assert all(t.is_rule for t in trackers)
