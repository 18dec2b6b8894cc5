import logging
from datetime import datetime

import pytest

from myna.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    Event,
    FollowupAction,
    LoopInterrupted,
    ReminderScheduled,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
    parse_data_shape,
)
from myna.tracker import EventVerbosity, Tracker

SLOTS = {"cuisine": None, "visits": 0, "requested_slot": None}
FORM = "booking_form"
CUISINE = {"entity": "cuisine", "value": "thai", "start": 0, "end": 4}


def user(text: str, intent: str = "inform", channel: str = "rest", **parse: object) -> UserUttered:
    parse_data = {"intent": {"name": intent, "confidence": 0.9}, "text": text, **parse}
    return UserUttered(text, parse_data, channel, f"id-{text}")


def listen() -> ActionExecuted:
    return ActionExecuted("action_listen")


def tracker(*events: Event) -> Tracker:
    return Tracker.from_events("u1", events, SLOTS)


def test_a_fresh_tracker() -> None:
    state = tracker().current_state()
    assert state == {
        "sender_id": "u1",
        "slots": {"cuisine": None, "visits": 0, "requested_slot": None},
        "latest_message": parse_data_shape(),
        "latest_event_time": None,
        "followup_action": "action_listen",
        "paused": False,
        "events": [],
        "latest_input_channel": None,
        "active_loop": {},
        "latest_action": {},
        "latest_action_name": None,
    }
    assert list(state) == list(tracker().current_state(EventVerbosity.NONE))
    assert tracker().current_state(EventVerbosity.NONE)["events"] is None


def test_user_message_sets_latest_message_and_clears_the_followup() -> None:
    message = user("thai please", entities=[CUISINE])
    t = tracker(listen(), FollowupAction("utter_x"), message)
    assert t.latest_message == message.parse_data
    assert t.latest_message["entities"] == [CUISINE]
    assert t.latest_user_event is message
    assert t.latest_input_channel == "rest"
    assert t.followup_action is None
    assert t.latest_event_time == message.timestamp


def test_slots_are_set_and_reset_to_their_initial_values() -> None:
    t = tracker(SlotSet("cuisine", "thai"), SlotSet("visits", 3))
    assert t.get_slot("cuisine") == "thai"
    assert t.slots == {"cuisine": "thai", "visits": 3, "requested_slot": None}
    t.update(AllSlotsReset())
    assert t.slots == SLOTS


def test_a_slot_the_domain_does_not_define_is_logged_and_ignored(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="myna.tracker"):
        t = tracker(SlotSet("colour", "red"))
    assert "colour" in caplog.text
    assert t.slots == SLOTS
    assert t.get_slot("colour") is None
    assert len(t.events) == 1  # still logged as an event


def conversation() -> list[Event]:
    return [
        listen(),
        user("book", "book_table"),
        ActionExecuted(FORM),
        ActiveLoop(FORM),
        SlotSet("cuisine", "thai"),
        BotUttered("How many?"),
        ConversationPaused(),
        FollowupAction("utter_x"),
    ]


def test_restart_resets_everything_and_forces_a_session_start() -> None:
    t = tracker(*conversation(), Restarted())
    assert t.slots == SLOTS
    assert t.latest_message == parse_data_shape()
    assert t.latest_action == {} and t.latest_action_name is None
    assert t.active_loop == {} and t.active_loop_name is None
    assert not t.is_paused()
    assert t.latest_bot_utterance is None
    assert t.followup_action == "action_session_start"
    # The latest input channel is read from all events, reset or not (as Rasa does).
    assert t.latest_input_channel == "rest"


def test_session_start_resets_everything_and_leaves_action_listen_pending() -> None:
    t = tracker(*conversation(), SessionStarted())
    assert t.slots == SLOTS
    assert t.active_loop == {}
    assert not t.is_paused()
    assert t.followup_action == "action_listen"
    t.update(ActionExecuted("action_listen"))
    assert t.followup_action is None


def test_events_after_the_latest_restart() -> None:
    later = [ActionExecuted("action_session_start"), SessionStarted(), listen()]
    t = tracker(*conversation(), Restarted(), user("hi"), Restarted(), *later)
    assert t.events_after_latest_restart() == later
    assert [e["event"] for e in t.current_state()["events"]] == [
        "action",
        "session_started",
        "action",
    ]
    assert len(t.current_state(EventVerbosity.ALL)["events"]) == len(conversation()) + 6
    assert tracker(*conversation(), Restarted()).events_after_latest_restart() == []
    events = conversation()
    assert tracker(*events).events_after_latest_restart() == events


def test_rewind_reverts_the_latest_user_message_and_replays() -> None:
    greet = user("hi", "greet")
    answer = BotUttered("Hello!")
    t = tracker(
        listen(),
        greet,
        ActionExecuted("utter_greet"),
        answer,
        listen(),
        user("blah", "nlu_fallback", channel="slack"),
        SlotSet("cuisine", "thai"),
        ActionExecuted("action_default_fallback"),
        BotUttered("Sorry?"),
        UserUtteranceReverted(),
    )
    assert t.latest_message == greet.parse_data
    assert t.get_slot("cuisine") is None
    assert t.latest_action_name == "utter_greet"
    assert t.latest_bot_utterance is answer
    assert t.latest_input_channel == "slack"  # from the reverted message: all events
    assert len(t.events) == 10


def test_undo_reverts_the_latest_action_and_replays() -> None:
    t = tracker(
        listen(),
        user("hi"),
        ActionExecuted("utter_a"),
        SlotSet("cuisine", "thai"),
        ActionExecuted("utter_b"),
        SlotSet("visits", 2),
        ActionReverted(),
    )
    assert t.latest_action_name == "utter_a"
    assert t.slots == {"cuisine": "thai", "visits": 0, "requested_slot": None}
    assert t.latest_message["text"] == "hi"


def test_replay_restores_every_kind_of_state() -> None:
    t = tracker(
        ConversationPaused(),
        listen(),
        user("book", "book_table"),
        ActionExecuted(FORM),
        ActiveLoop(FORM),
        LoopInterrupted(True),
        listen(),
        user("hm"),
        ActionReverted(),
    )
    assert t.is_paused()
    assert t.active_loop_name == FORM
    assert t.active_loop["is_interrupted"] is True  # set after the loop's action ran
    assert t.latest_message["text"] == "book"  # the listen and "hm" were undone too
    assert t.latest_action_name == FORM


def test_pause_and_resume() -> None:
    t = tracker(ConversationPaused())
    assert t.is_paused() and t.current_state()["paused"] is True
    t.update(ConversationResumed())
    assert not t.is_paused()
    t.update(ConversationPaused())
    t.update(Restarted())
    assert not t.is_paused()


def test_followup_action_is_cleared_by_the_next_action() -> None:
    t = tracker(listen(), user("hi"), FollowupAction("utter_x"))
    assert t.followup_action == "utter_x"
    t.update(ActionExecuted("utter_x", "followup_action", 1.0))
    assert t.followup_action is None
    assert t.latest_action == {"action_name": "utter_x"}


def test_end_to_end_action_text() -> None:
    t = tracker(ActionExecuted(action_text="Hi there"))
    assert t.latest_action == {"action_text": "Hi there"}
    assert t.latest_action_name == "Hi there"


def test_loop_activation_records_the_triggering_message() -> None:
    trigger = user("book", "book_table", entities=[CUISINE])
    t = tracker(listen(), trigger, EntitiesAdded([{"entity": "x", "value": 1}]), ActiveLoop(FORM))
    assert t.active_loop == {
        "name": FORM,
        "is_interrupted": False,
        "rejected": False,
        "trigger_message": trigger.parse_data,  # the message as parsed, no added entities
    }
    t.update(ActiveLoop(None))
    assert t.active_loop == {} and t.active_loop_name is None


def test_loop_activated_before_any_message_is_triggered_by_the_empty_message() -> None:
    assert tracker(ActiveLoop(FORM)).active_loop["trigger_message"] == parse_data_shape()


def test_loop_interruption_is_reset_by_any_action() -> None:
    t = tracker(listen(), user("book"), ActiveLoop(FORM), LoopInterrupted(True))
    assert t.active_loop["is_interrupted"] is True
    t.update(ActionExecuted("utter_chitchat"))
    assert t.active_loop["is_interrupted"] is False
    t.update(LoopInterrupted(True))
    t.update(LoopInterrupted(False))
    assert t.active_loop["is_interrupted"] is False


def test_loop_rejection_is_reset_only_by_the_loop_action() -> None:
    t = tracker(listen(), user("book"), ActiveLoop(FORM))
    t.update(ActionExecutionRejected("utter_other"))
    assert t.active_loop["rejected"] is False
    t.update(ActionExecutionRejected(FORM, "RulePolicy", 1.0))
    assert t.active_loop["rejected"] is True
    t.update(ActionExecuted("utter_chitchat"))
    assert t.active_loop["rejected"] is True
    t.update(ActionExecuted(FORM))
    assert t.active_loop["rejected"] is False


def test_loop_events_without_an_active_loop_change_nothing() -> None:
    t = tracker(LoopInterrupted(True), ActionExecutionRejected(FORM))
    assert t.active_loop == {}


def test_added_entities_only_right_after_listening() -> None:
    extra = {"entity": "party_size", "value": 4}
    message = user("thai for 4", entities=[CUISINE])
    t = tracker(listen(), message, EntitiesAdded([extra, CUISINE]))
    assert t.latest_message["entities"] == [CUISINE, extra]
    assert message.entities == [CUISINE]  # the event itself is unchanged
    t.update(ActionExecuted("utter_x"))
    t.update(EntitiesAdded([{"entity": "late", "value": 1}]))
    assert t.latest_message["entities"] == [CUISINE, extra]


def test_featurization_of_the_latest_user_turn() -> None:
    assert tracker(listen(), UserUttered("free text")).use_text_for_featurization is True
    intent_only = UserUttered(parse_data={"intent": {"name": "greet"}})
    assert tracker(listen(), intent_only).use_text_for_featurization is False
    t = tracker(listen(), user("hi", "greet"))
    assert t.use_text_for_featurization is None
    t.update(DefinePrevUserUtteredFeaturization(True))
    assert t.use_text_for_featurization is True
    t.update(ActionExecuted("utter_x"))
    t.update(DefinePrevUserUtteredFeaturization(False))
    assert t.use_text_for_featurization is True


def test_events_without_state_effect() -> None:
    t = tracker(listen(), user("hi"))
    before = t.current_state(EventVerbosity.NONE)
    t.update(ReminderScheduled("remind", datetime(2030, 1, 1)))
    after = t.current_state(EventVerbosity.NONE)
    assert {**after, "latest_event_time": None} == {**before, "latest_event_time": None}


def test_copy_is_independent() -> None:
    t = tracker(listen(), user("book"), ActiveLoop(FORM), SlotSet("cuisine", "thai"))
    twin = t.copy()
    twin.update(SlotSet("cuisine", "indian"))
    twin.update(LoopInterrupted(True))
    twin.update(EntitiesAdded([{"entity": "x", "value": 1}]))
    assert t.get_slot("cuisine") == "thai"
    assert t.active_loop["is_interrupted"] is False
    assert t.latest_message["entities"] == []
    assert len(t.events) == 4 and len(twin.events) == 7
    assert twin.current_state()["slots"]["cuisine"] == "indian"
    assert t.copy().current_state(EventVerbosity.ALL) == t.current_state(EventVerbosity.ALL)


def test_until_rebuilds_the_state_at_a_moment() -> None:
    t = tracker(
        SlotSet("cuisine", "thai", timestamp=1.0),
        SlotSet("cuisine", "indian", timestamp=2.0),
        SlotSet("visits", 5, timestamp=3.0),
    )
    past = t.until(2.0)
    assert past.slots == {"cuisine": "indian", "visits": 0, "requested_slot": None}
    assert past.latest_event_time == 2.0
    assert t.until(0.5).slots == SLOTS


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("all", EventVerbosity.ALL),
        ("AFTER_RESTART", EventVerbosity.AFTER_RESTART),
        ("After_Restart", EventVerbosity.AFTER_RESTART),
        ("applied", EventVerbosity.APPLIED),
        (" none ", EventVerbosity.NONE),
    ],
)
def test_event_verbosity_parses_case_insensitively(text: str, level: EventVerbosity) -> None:
    assert EventVerbosity.parse(text) is level


def test_event_verbosity_rejects_unknown_values() -> None:
    with pytest.raises(ValueError, match=r"'some'.*NONE, APPLIED, AFTER_RESTART, ALL"):
        EventVerbosity.parse("some")
