"""Replays the golden booking conversation (Rasa 3.6.21) through the real actions.

NLU is replaced by the parse data recorded in the user events; the action server by
`RecordedActionServer`. The event stream and the replies must match the recordings
(timestamps, ids and metadata aside).
"""

from __future__ import annotations

import json
from pathlib import Path

from golden_booking import GOLDEN, RecordedActionServer, essence, golden_domain
from test_processor import run

from myna.actions.executor import ActionResult
from myna.dialogue.actions.registry import action_for_name
from myna.dialogue.ensemble import PolicyEnsemble
from myna.dialogue.message import UserMessage
from myna.dialogue.policies.memoization import MemoizationConfig, MemoizationPolicy
from myna.dialogue.policies.rule import RuleConfig, RulePolicy
from myna.dialogue.processor import MessageProcessor
from myna.dialogue.responses import TemplatedResponseGenerator
from myna.dialogue.training_trackers import training_trackers
from myna.events import SlotSet
from myna.project.domain import Domain
from myna.project.errors import Problem
from myna.project.stories import load_stories
from myna.stores.memory import InMemoryTrackerStore

RECORDINGS = GOLDEN / "rasa-3.6"
CONFIRMATION = ActionResult([SlotSet("visits", 1)], [{"text": "Booked a table for 4 (italian)."}])


def ensemble(domain: Domain) -> PolicyEnsemble:
    problems: list[Problem] = []
    data = load_stories(
        [GOLDEN / "bot" / "data" / name for name in ("stories.yml", "rules.yml")], problems
    )
    trackers = training_trackers(data, domain)
    memo = MemoizationPolicy(MemoizationConfig())
    rules = RulePolicy(RuleConfig())
    for policy in (memo, rules):
        policy.train(trackers, domain)
    return PolicyEnsemble([memo, rules])


def recorded(name: str) -> object:
    return json.loads((RECORDINGS / name).read_text())


def test_golden_booking_conversation_is_reproduced(tmp_path: Path) -> None:
    domain = golden_domain()
    store = InMemoryTrackerStore()
    processor = MessageProcessor(
        domain,
        None,
        ensemble(domain),
        store,
        TemplatedResponseGenerator(domain, seed=1),
        action_for_name,
        RecordedActionServer({"action_confirm_booking": CONFIRMATION}),
        model_id="model",
        assistant_id="golden_bot",
    )
    golden_events = recorded("tracker_booking_all.json")[1]["events"]  # type: ignore[index]
    user_events = [event for event in golden_events if event["event"] == "user"]
    for turn, user in zip(recorded("rest_booking_conversation.json"), user_events, strict=True):  # type: ignore[arg-type]
        message = UserMessage(user["text"], "golden-booking", parse_data=user["parse_data"])
        replies = run(processor.handle_message(message))
        expected = [{k: v for k, v in m.items() if k != "recipient_id"} for m in turn["bot"]]
        assert len(replies) == len(expected), turn["user"]
        for reply, wanted in zip(replies, expected, strict=True):
            assert {key: reply.get(key) for key in wanted} == wanted
    produced = run(store.retrieve("golden-booking")) or []
    assert essence(produced) == essence(golden_events)
    assert all(event.metadata.get("assistant_id") == "golden_bot" for event in produced)
