from myna.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from myna.tracker import applied_events

FORM = "booking_form"


def user(text: str) -> UserUttered:
    return UserUttered(text, {"intent": {"name": "inform", "confidence": 1.0}})


def listen() -> ActionExecuted:
    return ActionExecuted("action_listen")


def test_repeated_loop_executions_on_the_happy_path_collapse() -> None:
    start = [listen(), user("book"), ActionExecuted(FORM), ActiveLoop(FORM)]
    ask_a = [SlotSet("requested_slot", "a"), BotUttered("a?")]
    turn_a = [listen(), user("x"), DefinePrevUserUtteredFeaturization(False)]
    fill_a = [SlotSet("a", "x"), ActionExecuted(FORM)]
    ask_b = [SlotSet("requested_slot", "b"), BotUttered("b?")]
    turn_b = [listen(), user("y"), SlotSet("b", "y"), ActionExecuted(FORM)]
    done = [SlotSet("requested_slot", None), ActiveLoop(None), ActionExecuted("utter_done")]
    events = start + ask_a + turn_a + fill_a + ask_b + turn_b + done + [listen()]

    applied = applied_events(events)

    # The turns in between are gone; what the loop produced (slots, questions) stays.
    expected = [*start, *ask_a, fill_a[0], *ask_b, turn_b[2], *done, events[-1]]
    assert applied == expected
    assert [e for e in applied if isinstance(e, ActionExecuted) and e.name == FORM] == [start[2]]


def test_a_rejected_loop_is_an_unhappy_path_and_keeps_its_turns() -> None:
    events: list[Event] = [
        listen(),
        user("book"),
        ActionExecuted(FORM),
        ActiveLoop(FORM),
        BotUttered("a?"),
        listen(),
        user("what?"),
        ActionExecutionRejected(FORM),
        ActionExecuted("utter_explain"),
        listen(),
        user("x"),
        ActionExecuted(FORM),
    ]
    assert applied_events(events) == events


def test_another_action_after_a_user_message_is_an_unhappy_path() -> None:
    # What `rasa test` stories look like: no rejection event, a different action instead.
    events: list[Event] = [
        listen(),
        user("book"),
        ActionExecuted(FORM),
        ActiveLoop(FORM),
        listen(),
        user("what?"),
        ActionExecuted("utter_explain"),
        listen(),
        user("x"),
        ActionExecuted(FORM),
    ]
    assert applied_events(events) == events


def test_a_loop_activated_again_after_deactivation_runs_for_the_first_time() -> None:
    first = [listen(), user("book"), ActionExecuted(FORM), ActiveLoop(FORM), BotUttered("a?")]
    repeat = [listen(), user("x"), ActionExecuted(FORM)]
    again = [ActiveLoop(None), listen(), user("book"), ActionExecuted(FORM)]
    assert applied_events(first + repeat + again) == first + again


def test_only_loop_actions_collapse() -> None:
    events: list[Event] = [listen(), user("a"), ActionExecuted("utter_x")] * 2
    events.append(ActiveLoop(FORM))
    assert applied_events(events) == events


def test_restart_and_session_start_clear_the_list() -> None:
    after = [listen(), user("b")]
    assert applied_events([listen(), user("a"), Restarted(), *after]) == after
    assert applied_events([listen(), user("a"), SessionStarted(), *after]) == after


def test_undo_drops_the_latest_action_and_what_followed() -> None:
    kept = [listen(), user("a"), ActionExecuted("utter_a"), SlotSet("x", 1)]
    dropped = [ActionExecuted("utter_b"), SlotSet("y", 2)]
    assert applied_events([*kept, *dropped, ActionReverted()]) == kept


def test_rewind_drops_the_latest_user_message_and_the_listen_before_it() -> None:
    kept = [listen(), user("a"), ActionExecuted("utter_a"), BotUttered("A")]
    dropped = [listen(), user("b"), SlotSet("x", 1), ActionExecuted("fallback")]
    assert applied_events([*kept, *dropped, UserUtteranceReverted()]) == kept


def test_reverting_with_nothing_to_revert_drops_everything() -> None:
    assert applied_events([SlotSet("x", 1), ActionReverted()]) == []
    assert applied_events([SlotSet("x", 1), user("a"), UserUtteranceReverted()]) == []
