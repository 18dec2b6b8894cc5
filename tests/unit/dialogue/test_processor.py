"""The message loop: sessions, stamping, followups, rejections, the circuit breaker.

Test doubles: simple actions resolved by name and a scripted policy (intent → actions)
inside the real `PolicyEnsemble`.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
from dialogue_helpers import domain_from

from myna.dialogue.actions.base import Action, ActionContext, ActionRejection
from myna.dialogue.actions.remote import ActionFailed
from myna.dialogue.ensemble import PolicyEnsemble
from myna.dialogue.message import UserMessage
from myna.dialogue.policies.base import Policy, PolicyConfig, PolicyPrediction, one_hot
from myna.dialogue.processor import MessageProcessor
from myna.dialogue.processor_errors import ConversationError
from myna.dialogue.states import RuleOnlyData
from myna.events import (
    ActionExecuted,
    BotUttered,
    Event,
    FollowupAction,
    SessionStarted,
    UserUttered,
)
from myna.project.domain import Domain
from myna.stores.memory import InMemoryTrackerStore
from myna.tracker import Tracker

T = TypeVar("T")
STAMP = {"model_id": "model-1", "assistant_id": "bot-1"}
DOMAIN_YAML = """
intents: [greet, loop, reject, fail, boom, chain, slow]
slots:
  cuisine: {type: text, mappings: [{type: from_entity, entity: cuisine}]}
entities: [cuisine]
responses:
  utter_greet: [{text: "Hey!"}]
  utter_b: [{text: "B"}]
actions: [action_reject, action_fail, action_boom, action_chain, action_slow]
session_config: {session_expiration_time: 60, carry_over_slots_to_new_session: true}
"""
# intent → the actions the policy predicts after it, then action_listen.
SCRIPT: dict[str, list[str]] = {
    "greet": ["utter_greet"],
    "loop": ["utter_greet"] * 50,
    "reject": ["action_reject"],
    "fail": ["action_fail", "utter_greet"],
    "boom": ["action_boom"],
    "chain": ["action_chain"],
    "slow": ["action_slow"],
}


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


class ScriptedPolicy(Policy):
    """Predicts SCRIPT[latest intent][n] after n actions since the user spoke."""

    def train(self, trackers: Sequence[Any], domain: Domain) -> None:
        raise NotImplementedError

    def persist(self, directory: Path) -> None:
        raise NotImplementedError

    @classmethod
    def load(cls, directory: Path, config: PolicyConfig) -> ScriptedPolicy:
        raise NotImplementedError

    def predict(
        self, tracker: Tracker, domain: Domain, rule_only_data: RuleOnlyData | None = None
    ) -> PolicyPrediction:
        done = 0
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered):
                break
            done += isinstance(event, ActionExecuted)
        script = SCRIPT.get(tracker.latest_message["intent"].get("name") or "", [])
        name = script[done] if done < len(script) else "action_listen"
        return self.prediction(one_hot(domain, name))


class SimpleAction(Action):
    def __init__(self, name: str, behaviour: Callable[[Tracker], Coroutine[Any, Any, list[Event]]]):
        self._name = name
        self._behaviour = behaviour

    @property
    def name(self) -> str:
        return self._name

    async def run(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        return await self._behaviour(tracker)


async def no_events(_tracker: Tracker) -> list[Event]:
    return []


async def session_start(_tracker: Tracker) -> list[Event]:
    return [SessionStarted(), ActionExecuted("action_listen")]


async def reject(_tracker: Tracker) -> list[Event]:
    raise ActionRejection("action_reject")


async def fail(_tracker: Tracker) -> list[Event]:
    raise ActionFailed("action_fail", "server down")


async def boom(_tracker: Tracker) -> list[Event]:
    raise RuntimeError("bug in an action")


async def chain(_tracker: Tracker) -> list[Event]:
    return [FollowupAction("utter_b")]


def utter(text: str) -> Callable[[Tracker], Coroutine[Any, Any, list[Event]]]:
    async def say(_tracker: Tracker) -> list[Event]:
        return [BotUttered.from_response({"text": text})]

    return say


class Actions:
    """The action resolver: fixed behaviours, plus overrides per test."""

    def __init__(self) -> None:
        self.behaviours: dict[str, Callable[[Tracker], Coroutine[Any, Any, list[Event]]]] = {
            "action_listen": no_events,
            "action_extract_slots": no_events,
            "action_session_start": session_start,
            "utter_greet": utter("Hey!"),
            "utter_b": utter("B"),
            "action_reject": reject,
            "action_fail": fail,
            "action_boom": boom,
            "action_chain": chain,
        }
        self.seen: list[tuple[str, list[str]]] = []

    def __call__(self, name: str, domain: Domain) -> Action:
        behaviour = self.behaviours[name]

        async def recorded(tracker: Tracker) -> list[Event]:
            self.seen.append((name, [event.type_name for event in tracker.events]))
            return await behaviour(tracker)

        return SimpleAction(name, recorded)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        self.now += 0.001
        return self.now


class Parser:
    def parse(self, text: str) -> dict[str, Any]:
        return {
            "text": text,
            "intent": {"name": text.split()[0], "confidence": 0.9},
            "entities": [],
        }


def make_processor(
    tmp_path: Path, actions: Actions | None = None, **options: Any
) -> tuple[MessageProcessor, InMemoryTrackerStore, Actions, Clock]:
    store, clock = InMemoryTrackerStore(), Clock()
    actions = actions or Actions()
    ensemble = options.pop("ensemble", PolicyEnsemble([ScriptedPolicy(PolicyConfig())]))
    processor = MessageProcessor(
        domain_from(tmp_path, DOMAIN_YAML),
        Parser(),
        ensemble,
        store,
        nlg=None,  # type: ignore[arg-type]  # the simple actions generate no responses
        action_resolver=actions,
        executor=None,
        model_id="model-1",
        assistant_id="bot-1",
        clock=clock,
        **options,
    )
    return processor, store, actions, clock


def shape(event: Event) -> tuple[Any, ...]:
    data = event.to_dict()
    return tuple(data.get(key) for key in ("event", "name", "policy", "confidence", "value"))


async def stored(store: InMemoryTrackerStore, sender_id: str = "u1") -> list[Event]:
    return await store.retrieve(sender_id) or []


def test_first_message_starts_a_session_and_stamps_every_event(tmp_path: Path) -> None:
    processor, store, _, _ = make_processor(tmp_path)
    messages = run(processor.handle_message(UserMessage("greet", "u1")))
    assert [m["text"] for m in messages] == ["Hey!"]
    events = run(stored(store))
    assert [shape(e) for e in events] == [
        ("action", "action_session_start", None, 1.0, None),
        ("session_started", None, None, None, None),
        ("action", "action_listen", None, None, None),
        ("user", None, None, None, None),
        ("user_featurization", None, None, None, None),
        ("action", "utter_greet", "ScriptedPolicy", 1.0, None),
        ("bot", None, None, None, None),
        ("action", "action_listen", "ScriptedPolicy", 1.0, None),
    ]
    assert all(STAMP.items() <= e.metadata.items() for e in events)
    timestamps = [e.timestamp for e in events]
    assert timestamps == sorted(timestamps)
    user = events[3]
    assert isinstance(user, UserUttered)
    assert (user.input_channel, user.parse_data["metadata"]) == ("rest", {})
    assert user.message_id and user.parse_data["message_id"] == user.message_id


def test_message_metadata_is_saved_before_the_session_start(tmp_path: Path) -> None:
    processor, store, _, _ = make_processor(tmp_path)
    message = UserMessage("greet", "u1", metadata={"device": "phone"}, message_id="m-1")
    run(processor.handle_message(message))
    events = run(stored(store))
    assert shape(events[0]) == ("slot", "session_started_metadata", None, None, {"device": "phone"})
    user = next(e for e in events if isinstance(e, UserUttered))
    assert user.metadata == {"device": "phone", **STAMP}
    assert user.parse_data["metadata"] == {"device": "phone"}
    assert user.message_id == "m-1"


def test_session_expires_after_the_configured_minutes(tmp_path: Path) -> None:
    processor, store, actions, clock = make_processor(tmp_path)
    run(processor.handle_message(UserMessage("greet", "u1")))
    run(processor.handle_message(UserMessage("greet", "u1")))
    assert [shape(e)[1] for e in run(stored(store))].count("action_session_start") == 1
    clock.now += 61 * 60
    run(processor.handle_message(UserMessage("greet", "u1")))
    events = run(stored(store))
    assert [shape(e)[1] for e in events].count("action_session_start") == 2
    # A loaded conversation is cut at its latest `session_started`.
    second_turn = [seen for name, seen in actions.seen if name == "utter_greet"][1]
    assert second_turn[:2] == ["session_started", "action"]


def test_parse_data_given_with_the_message_skips_nlu(tmp_path: Path) -> None:
    processor, _, _, _ = make_processor(tmp_path)
    parse = {"text": "hello", "intent": {"name": "greet", "confidence": 1.0}, "entities": []}
    messages = run(processor.handle_message(UserMessage("hello", "u1", parse_data=parse)))
    assert [m["text"] for m in messages] == ["Hey!"]


def test_followup_action_is_run_next(tmp_path: Path) -> None:
    processor, store, _, _ = make_processor(tmp_path)
    messages = run(processor.handle_message(UserMessage("chain", "u1")))
    assert [m["text"] for m in messages] == ["B"]
    tail = [shape(e) for e in run(stored(store))][-5:]
    assert tail == [
        ("action", "action_chain", "ScriptedPolicy", 1.0, None),
        ("followup", "utter_b", None, None, None),
        ("action", "utter_b", "followup_action", 1.0, None),
        ("bot", None, None, None, None),
        ("action", "action_listen", "ScriptedPolicy", 1.0, None),
    ]


def test_rejected_action_logs_only_the_rejection_and_predicts_again(tmp_path: Path) -> None:
    processor, store, _, _ = make_processor(tmp_path)
    run(processor.handle_message(UserMessage("reject", "u1")))
    tail = [shape(e) for e in run(stored(store))][-3:]
    assert tail == [
        ("action_execution_rejected", "action_reject", "ScriptedPolicy", 1.0, None),
        ("user_featurization", None, None, None, None),
        # The ensemble zeroes the rejected action: every score is 0, listen comes first.
        ("action", "action_listen", "ScriptedPolicy", 0.0, None),
    ]


def test_failed_custom_action_counts_as_executed_without_events(tmp_path: Path) -> None:
    processor, store, _, _ = make_processor(tmp_path)
    messages = run(processor.handle_message(UserMessage("fail", "u1")))
    assert [m["text"] for m in messages] == ["Hey!"]
    names = [shape(e)[1] for e in run(stored(store)) if isinstance(e, ActionExecuted)]
    assert names[-3:] == ["action_fail", "utter_greet", "action_listen"]


def test_circuit_breaker_stops_after_max_predictions(tmp_path: Path) -> None:
    processor, store, _, _ = make_processor(tmp_path, max_predictions=4)
    messages = run(processor.handle_message(UserMessage("loop", "u1")))
    assert len(messages) == 4
    events = run(stored(store))
    assert [shape(e)[1] for e in events[-2:]] == ["utter_greet", None]  # no action_listen


def test_circuit_breaker_defaults_to_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_NUMBER_OF_PREDICTIONS", "3")
    processor, _, _, _ = make_processor(tmp_path)
    assert len(run(processor.handle_message(UserMessage("loop", "u1")))) == 3
    monkeypatch.delenv("MAX_NUMBER_OF_PREDICTIONS")
    processor, _, _, _ = make_processor(tmp_path)
    assert len(run(processor.handle_message(UserMessage("loop", "u1")))) == 10


def test_failure_mid_turn_leaves_the_store_untouched(tmp_path: Path) -> None:
    processor, store, _, _ = make_processor(tmp_path)
    run(processor.handle_message(UserMessage("greet", "u1")))
    before = [e.to_dict() for e in run(stored(store))]
    with pytest.raises(ConversationError, match="bug in an action") as caught:
        run(processor.handle_message(UserMessage("boom", "u1")))
    assert isinstance(caught.value.cause, RuntimeError)
    assert [e.to_dict() for e in run(stored(store))] == before
    with pytest.raises(ConversationError):
        run(processor.handle_message(UserMessage("boom", "u2")))
    assert run(store.retrieve("u2")) is None


def test_nlu_only_model_saves_the_message_and_predicts_nothing(tmp_path: Path) -> None:
    processor, store, actions, _ = make_processor(tmp_path, ensemble=None)
    assert run(processor.handle_message(UserMessage("greet", "u1"))) == []
    assert [shape(e)[0] for e in run(stored(store))][-1] == "user"
    assert "action_extract_slots" not in [name for name, _ in actions.seen]


class BlockingParser(Parser):
    """An NLU that blocks its thread (a Duckling extractor waiting on HTTP, say)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.threads: list[str] = []

    def parse(self, text: str) -> dict[str, Any]:
        self.threads.append(threading.current_thread().name)
        time.sleep(self.seconds)
        return super().parse(text)


def test_overlapping_turns_parse_in_the_nlu_thread_and_the_loop_goes_on(tmp_path: Path) -> None:
    processor, store, _, _ = make_processor(tmp_path)
    processor.nlu = parser = BlockingParser(0.2)

    async def scenario() -> tuple[int, list[list[dict[str, Any]]]]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticking = asyncio.create_task(ticker())
        turns = [processor.handle_message(UserMessage("greet", sender)) for sender in "ab"]
        replies = await asyncio.gather(*turns)
        ticking.cancel()
        await processor.close()
        return ticks, replies

    ticks, replies = run(scenario())
    assert [[reply["text"] for reply in turn] for turn in replies] == [["Hey!"], ["Hey!"]]
    assert ticks >= 20  # 0.4 s of parsing, and the loop went on every 10 ms
    assert len(parser.threads) == 2
    assert all(name.startswith("myna-nlu") for name in parser.threads)
    for sender in "ab":
        assert [e.type_name for e in run(stored(store, sender))].count("user") == 1


def test_a_lone_turn_parses_on_the_loop_thread(tmp_path: Path) -> None:
    """No hand-over to another thread (and its cold caches) when nothing else waits."""
    processor, _, _, _ = make_processor(tmp_path)
    processor.nlu = parser = BlockingParser(0.0)
    run(processor.handle_message(UserMessage("greet", "u1")))
    run(processor.handle_message(UserMessage("greet", "u1")))
    assert parser.threads == [threading.main_thread().name] * 2
