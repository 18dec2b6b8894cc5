"""Conversations written as YAML test stories."""

from __future__ import annotations

import yaml
from server_fakes import golden

from myna.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
    events_from_list,
)
from myna.server.story_writer import annotated_text, story_yaml
from myna.tracker import Tracker


def test_the_recorded_booking_story_is_reproduced() -> None:
    events = events_from_list(golden("tracker_booking_all")[1]["events"])
    assert story_yaml(Tracker("golden-booking", events=events)) == golden("http_story")[1]


def _session(text: str) -> list:
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered(text, {"intent": {"name": "greet"}}),
        ActionExecuted("utter_greet"),
        BotUttered("Hi!"),
    ]


def test_latest_session_only_unless_all_sessions() -> None:
    tracker = Tracker("c", events=[*_session("hello"), *_session("hi again")])
    latest = yaml.safe_load(story_yaml(tracker))
    assert latest["stories"] == [
        {
            "story": "c",
            "steps": [{"intent": "greet", "user": "hi again"}, {"action": "utter_greet"}],
        }
    ]
    every = yaml.safe_load(story_yaml(tracker, all_sessions=True))
    assert [story["story"] for story in every["stories"]] == ["c, story 1", "c, story 2"]
    assert every["version"] == "3.1"


def test_end_to_end_steps_and_empty_conversations() -> None:
    tracker = Tracker(
        "c",
        {"size": None},
        [UserUttered("just text"), ActionExecuted(action_text="Bot text"), SlotSet("size", 2)],
    )
    story = yaml.safe_load(story_yaml(tracker))
    assert story["stories"][0]["steps"] == [
        {"user": "just text"},
        {"bot": "Bot text"},
        {"slot_was_set": [{"size": 2}]},
    ]
    assert story_yaml(Tracker("c")) == 'version: "3.1"\nstories: []\n'


def test_entities_are_marked_up_like_training_data() -> None:
    entities = [
        {"entity": "city", "value": "Berlin", "start": 16, "end": 22, "role": "to"},
        {"entity": "size", "value": "4", "start": 4, "end": 5},
        {"entity": "size", "value": "4", "start": 4, "end": 8},
        {"entity": "when", "value": "2024-01-01"},
        {"entity": "day", "value": "monday", "start": 26, "end": 32},
    ]
    assert annotated_text("for 4 people to Berlin on Monday", entities) == (
        'for [4](size) people to [Berlin]{"entity": "city", "role": "to"} '
        'on [Monday]{"entity": "day", "value": "monday"}'
    )
