"""Reminders: scheduling from saved events, replacement by name, cancellation, and the
checks made when one is due (restart, a later user message), on real asyncio timers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from test_processor import Actions, make_processor

from myna.dialogue.message import UserMessage
from myna.dialogue.processor import MessageProcessor
from myna.dialogue.reminders import cancels, still_due
from myna.events import (
    ActionExecuted,
    Event,
    ReminderCancelled,
    ReminderScheduled,
    Restarted,
    UserUttered,
)
from myna.tracker import Tracker

DUE_AFTER = 0.05


def reminder(name: str = "water", at: float = 0.0, **options: object) -> ReminderScheduled:
    when = datetime.fromtimestamp(at, UTC)
    return ReminderScheduled("greet", when, name=name, **options)  # type: ignore[arg-type]


def test_cancellation_filters_must_all_match() -> None:
    plant = ReminderScheduled("remind", datetime.now(UTC), {"plant": "fern"}, name="water")
    assert cancels(ReminderCancelled(), plant)
    assert cancels(ReminderCancelled(name="water", intent="remind"), plant)
    assert cancels(ReminderCancelled(entities=[{"entity": "plant", "value": "fern"}]), plant)
    assert not cancels(ReminderCancelled(name="feed"), plant)
    assert not cancels(ReminderCancelled(name="water", intent="other"), plant)
    assert not cancels(ReminderCancelled(entities={"plant": "rose"}), plant)


def test_a_user_message_after_the_reminder_kills_it_unless_told_otherwise() -> None:
    killable, kept = reminder("a"), reminder("b", kill_on_user_msg=False)
    for scheduled, expected in ((killable, False), (kept, True)):
        events: list[Event] = [scheduled, UserUttered("hi")]
        assert still_due(events, events, scheduled) is expected
    earlier: list[Event] = [UserUttered("hi"), killable]
    assert still_due(earlier, earlier, killable)


def test_a_reminder_no_longer_applied_is_outdated() -> None:
    scheduled = reminder()
    events: list[Event] = [scheduled, Restarted(), ActionExecuted("action_listen")]
    applied = Tracker("u", {}, events).applied_events()
    assert not still_due(events, applied, scheduled)


def schedule_on(actions: Actions, action: str, *events: Event) -> None:
    async def returns(_tracker: Tracker) -> list[Event]:
        return list(events)

    actions.behaviours[action] = returns


async def converse(processor: MessageProcessor, *texts: str, wait: float = 0.0) -> Tracker:
    for text in texts:
        await processor.handle_message(UserMessage(text, "u"))
    await asyncio.sleep(wait)
    tracker = await processor.get_tracker("u")
    await processor.close()
    return tracker


def external_intents(tracker: Tracker) -> list[str]:
    return [
        event.intent_name or ""
        for event in tracker.events
        if isinstance(event, UserUttered) and event.metadata.get("is_external")
    ]


def test_a_due_reminder_triggers_its_intent_and_the_bot_answers(tmp_path: Path) -> None:
    processor, _, actions, clock = make_processor(tmp_path)
    schedule_on(actions, "action_chain", reminder(at=clock.now + DUE_AFTER))
    tracker = asyncio.run(converse(processor, "chain", wait=DUE_AFTER * 6))
    assert external_intents(tracker) == ["greet"]
    assert tracker.latest_bot_utterance is not None
    assert tracker.latest_bot_utterance.text == "Hey!"
    assert len(processor.reminders) == 0


def test_cancelled_and_killed_reminders_do_not_fire(tmp_path: Path) -> None:
    processor, _, actions, clock = make_processor(tmp_path)
    schedule_on(actions, "action_chain", reminder(at=clock.now + DUE_AFTER))
    schedule_on(actions, "action_slow", ReminderCancelled(name="water"))
    cancelled = asyncio.run(converse(processor, "chain", "slow", wait=DUE_AFTER * 6))
    assert external_intents(cancelled) == []

    processor, _, actions, clock = make_processor(tmp_path)
    schedule_on(actions, "action_chain", reminder(at=clock.now + DUE_AFTER))
    killed = asyncio.run(converse(processor, "chain", "greet", wait=DUE_AFTER * 6))
    assert external_intents(killed) == []


def test_scheduling_a_pending_name_replaces_it(tmp_path: Path) -> None:
    processor, _, actions, clock = make_processor(tmp_path)
    later = reminder(at=clock.now + 3600, kill_on_user_msg=False)
    schedule_on(actions, "action_chain", later)
    schedule_on(actions, "action_slow", reminder(at=clock.now + DUE_AFTER, kill_on_user_msg=False))

    async def both() -> Tracker:
        await processor.handle_message(UserMessage("chain", "u"))
        assert len(processor.reminders) == 1
        return await converse(processor, "slow", wait=DUE_AFTER * 6)

    assert external_intents(asyncio.run(both())) == ["greet"]


def test_reminders_in_appended_events_run_only_as_side_effects(tmp_path: Path) -> None:
    processor, _, _, clock = make_processor(tmp_path)

    async def append(side_effects: bool) -> int:
        await processor.append_events(
            "u", [reminder(at=clock.now + 3600)], side_effects=side_effects
        )
        pending = len(processor.reminders)
        await processor.close()
        return pending

    assert asyncio.run(append(False)) == 0
    assert asyncio.run(append(True)) == 1
