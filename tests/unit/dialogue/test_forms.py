"""FormAction: the golden booking run, activation, rejection, corrections, questions."""

from __future__ import annotations

from pathlib import Path

import pytest
from action_helpers import FakeExecutor, context_for, run_action
from dialogue_helpers import action, domain_from, tracker, user
from golden_booking import (
    FORM,
    RecordedActionServer,
    essence,
    form_turns,
    golden_domain,
    golden_events,
    golden_requests,
)

from myna.actions.executor import ActionRejected, ActionResult
from myna.dialogue.actions.base import ActionRejection
from myna.dialogue.actions.forms import FormAction
from myna.events import (
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    LoopInterrupted,
    SlotSet,
)
from myna.project.domain import Domain
from myna.tracker import Tracker

# Golden turns: activation, "50 people", "4 people", "italian"; the validation requests
# each one sends (activation sends two: on activation and for the user's message).
TURN_REQUESTS = {0: [0, 1], 1: [2], 2: [3], 3: [4]}


@pytest.mark.parametrize("turn", [0, 1, 2, 3])
def test_golden_booking_turn_reproduces_the_recording(turn: int) -> None:
    domain = golden_domain()
    before, recorded = form_turns(golden_events())[turn]
    server = RecordedActionServer()
    history = Tracker("golden-booking", domain.slot_initial_values(), before)

    events = run_action(FormAction(FORM), history, context_for(domain, "rest", server))

    assert essence(events) == essence(recorded)
    golden = golden_requests(f"validate_{FORM}")
    sent = [state for _, state in server.requests]
    assert [essence(state["events"]) for state in sent] == [
        essence(golden[index]["events"]) for index in TURN_REQUESTS[turn]
    ]
    for state, index in zip(sent, TURN_REQUESTS[turn], strict=True):
        assert state["slots"] == golden[index]["slots"]
        assert state["active_loop"].get("name") == golden[index]["active_loop"].get("name")


def test_golden_activation_with_a_prefilled_slot_validates_once() -> None:
    domain = golden_domain()
    message = user("book_table", {"entity": "party_size", "value": 3}, text="/book_table")
    history = tracker(
        domain, message, SlotSet("party_size", 3), DefinePrevUserUtteredFeaturization(False)
    )
    server = RecordedActionServer()

    events = run_action(FormAction(FORM), history, context_for(domain, "rest", server))

    assert essence(events) == [
        ("active_loop", FORM, None),
        ("slot", "party_size", 3),
        ("slot", "requested_slot", "cuisine"),
        ("bot", "Which cuisine would you like?", True),
    ]
    assert len(server.requests) == 1
    assert essence(server.requests[0][1]["events"])[-5:] == [
        ("active_loop", FORM, None),
        ("slot", "party_size", 3),
        ("slot", "requested_slot", None),
        ("action", FORM, None),
        ("slot", "party_size", 3),
    ]


def _asking(domain: Domain, requested: str, *events: object) -> Tracker:
    """The form active and asking for `requested`, then the given turn events."""
    return tracker(
        domain,
        user("book_table"),
        action(FORM),
        ActiveLoop(FORM),
        SlotSet("requested_slot", requested),
        action("action_listen"),
        *events,  # type: ignore[arg-type]
    )


def test_nothing_extracted_for_the_requested_slot_rejects() -> None:
    domain = golden_domain()
    history = _asking(domain, "party_size", user("greet"))
    server = RecordedActionServer()
    with pytest.raises(ActionRejection):
        run_action(FormAction(FORM), history, context_for(domain, "rest", server))
    assert [name for name, _ in server.requests] == [f"validate_{FORM}"]


def test_after_an_interruption_validation_gets_no_candidates_and_the_form_asks_again() -> None:
    domain = golden_domain()
    history = _asking(domain, "party_size", user("greet"), action("utter_greet"))
    history.update(LoopInterrupted(True))
    server = RecordedActionServer()
    events = run_action(FormAction(FORM), history, context_for(domain, "rest", server))
    assert essence(events) == [
        ("slot", "requested_slot", "party_size"),
        ("bot", "For how many people?", False),
    ]
    assert essence(server.requests[0][1]["events"])[-1] == ("action", FORM, None)


def test_validation_rejecting_explicitly_stops_the_run() -> None:
    domain = golden_domain()
    history = _asking(domain, "party_size", user("greet"))
    rejected = ActionResult([ActionExecutionRejected(f"validate_{FORM}")])
    server = RecordedActionServer({f"validate_{FORM}": rejected})
    events = run_action(FormAction(FORM), history, context_for(domain, "rest", server))
    assert essence(events) == [("action_execution_rejected", f"validate_{FORM}", None)]


def test_validation_action_rejection_rejects_the_form() -> None:
    domain = golden_domain()
    history = _asking(domain, "party_size", user("inform"), SlotSet("party_size", "4"))
    executor = FakeExecutor({f"validate_{FORM}": ActionRejected(f"validate_{FORM}")})
    with pytest.raises(ActionRejection):
        run_action(FormAction(FORM), history, context_for(domain, "rest", executor))


PLAIN = """
intents: [book, inform, chitchat, stop]
entities: [cuisine, size]
slots:
  cuisine: {type: text, mappings: [{type: from_entity, entity: cuisine}]}
  size: {type: text, mappings: [{type: from_entity, entity: size}]}
  outdoor: {type: bool, mappings: [{type: custom}]}
  booked_via_form:
    type: bool
    mappings:
      - {type: from_trigger_intent, intent: book, value: true}
forms:
  table_form:
    required_slots: [size, cuisine]
    ignored_intents: [chitchat]
responses:
  utter_ask_size: [{text: "How many?"}]
  utter_ask_table_form_cuisine: [{text: "Which cuisine for the table?"}]
  utter_ask_cuisine: [{text: "Which cuisine?"}]
actions: [action_ask_outdoor]
"""


@pytest.fixture
def plain(tmp_path: Path) -> Domain:
    return domain_from(tmp_path, PLAIN)


def _run_plain(domain: Domain, history: Tracker, **results: ActionResult) -> list[object]:
    context = context_for(domain, "rest", FakeExecutor(dict(results)))
    return essence(run_action(FormAction("table_form"), history, context))


def test_activation_fills_trigger_slots_and_prefilled_slots_without_a_validator(
    plain: Domain,
) -> None:
    message = user("book", {"entity": "size", "value": "2"})
    history = tracker(plain, message, SlotSet("size", "2"))
    assert _run_plain(plain, history) == [
        ("active_loop", "table_form", None),
        ("slot", "size", "2"),
        ("slot", "booked_via_form", True),
        ("slot", "requested_slot", "cuisine"),
        ("bot", "Which cuisine for the table?", False),
    ]


def test_without_a_validator_candidates_are_accepted_and_the_form_completes(
    plain: Domain,
) -> None:
    history = tracker(
        plain,
        user("book"),
        action("table_form"),
        ActiveLoop("table_form"),
        SlotSet("size", "2"),
        SlotSet("requested_slot", "cuisine"),
        action("action_listen"),
        user("inform", {"entity": "cuisine", "value": "thai"}),
        SlotSet("cuisine", "thai"),
    )
    assert _run_plain(plain, history) == [
        ("slot", "cuisine", "thai"),
        ("slot", "requested_slot", None),
        ("active_loop", None, None),
    ]


def test_a_correction_of_a_filled_slot_is_validated_with_the_requested_one(
    plain: Domain,
) -> None:
    history = tracker(
        plain,
        user("book"),
        action("table_form"),
        ActiveLoop("table_form"),
        SlotSet("size", "2"),
        SlotSet("requested_slot", "cuisine"),
        action("action_listen"),
        user("inform", {"entity": "size", "value": "5"}),
        SlotSet("size", "5"),
    )
    assert _run_plain(plain, history) == [
        ("slot", "size", "5"),
        ("slot", "requested_slot", "cuisine"),
        ("bot", "Which cuisine for the table?", False),
    ]


def test_custom_question_action_and_requested_slot_override(tmp_path: Path) -> None:
    domain = domain_from(
        tmp_path,
        PLAIN.replace(
            "actions: [action_ask_outdoor]", "actions: [action_ask_outdoor, validate_table_form]"
        ),
    )
    history = tracker(domain, user("book"))
    override = ActionResult([SlotSet("requested_slot", "outdoor")])
    ask = ActionResult(responses=[{"text": "Sit outside?"}])
    events = _run_plain(domain, history, validate_table_form=override, action_ask_outdoor=ask)
    assert events == [
        ("active_loop", "table_form", None),
        ("slot", "requested_slot", "outdoor"),
        ("slot", "booked_via_form", True),
        ("bot", "Sit outside?", False),
    ]


def test_validator_may_end_the_form_early(tmp_path: Path) -> None:
    domain = domain_from(tmp_path, PLAIN.replace("[action_ask_outdoor]", "[validate_table_form]"))
    history = tracker(domain, user("book"))
    done = ActionResult([SlotSet("requested_slot", None)])
    assert _run_plain(domain, history, validate_table_form=done) == [
        ("active_loop", "table_form", None),
        ("slot", "requested_slot", None),
        ("slot", "booked_via_form", True),
        ("active_loop", None, None),
    ]


def test_form_without_question_asks_nothing(tmp_path: Path) -> None:
    domain = domain_from(tmp_path, PLAIN.replace("utter_ask_size", "utter_unrelated"))
    assert _run_plain(domain, tracker(domain, user("book"))) == [
        ("active_loop", "table_form", None),
        ("slot", "booked_via_form", True),
        ("slot", "requested_slot", "size"),
    ]


def test_bot_event_from_question_is_a_bot_uttered(plain: Domain) -> None:
    context = context_for(plain, "rest", FakeExecutor({}))
    events = run_action(FormAction("table_form"), tracker(plain, user("book")), context)
    assert isinstance(events[-1], BotUttered)
    assert events[-1].metadata["utter_action"] == "utter_ask_size"
