"""RulePolicy: the golden conversation, prediction order, loops, checks, persistence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dialogue_helpers import action, domain_from, tracker, trackers_from, trained_rules, user
from shared_paths import golden_dir, shared_dir

from myna.dialogue.ensemble import PolicyEnsemble
from myna.dialogue.policies.memoization import MemoizationConfig, MemoizationPolicy
from myna.dialogue.policies.rule import RuleConfig, RulePolicy
from myna.dialogue.policies.rule_lookup import RuleLookup, rule_applies
from myna.dialogue.policies.rule_training import InvalidRule, RuleContradictionError
from myna.dialogue.states import SHOULD_NOT_BE_SET, states_to_json
from myna.dialogue.training_trackers import training_trackers
from myna.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    LoopInterrupted,
    SlotSet,
    events_from_list,
)
from myna.project.domain import Domain
from myna.project.loader import ProjectPaths, load_project
from myna.tracker import Tracker

DOMAIN = """\
intents: [greet, chitchat, inform, stop, affirm, book]
entities: [cuisine]
slots:
  cuisine: {type: text, mappings: [{type: from_entity, entity: cuisine}]}
  vip: {type: bool, mappings: [{type: custom}]}
forms:
  food_form: {required_slots: [cuisine]}
responses:
  utter_greet: [{text: hi}]
  utter_welcome_back: [{text: hi again}]
  utter_vip: [{text: hi boss}]
  utter_chitchat: [{text: chat}]
  utter_ask_continue: [{text: continue?}]
  utter_done: [{text: done}]
actions: [action_submit]
"""

RULES = """\
rules:
- rule: greet at the start
  conversation_start: true
  steps:
  - intent: greet
  - action: utter_greet
- rule: greet later
  steps:
  - intent: greet
  - action: utter_welcome_back
- rule: greet a vip
  condition:
  - slot_was_set:
    - vip: true
  steps:
  - intent: greet
  - action: utter_vip
- rule: chitchat anywhere
  steps:
  - intent: chitchat
  - action: utter_chitchat
- rule: activate the form
  steps:
  - intent: book
  - action: food_form
  - active_loop: food_form
- rule: stop inside the form
  condition:
  - active_loop: food_form
  steps:
  - intent: stop
  - action: utter_ask_continue
- rule: submit
  condition:
  - active_loop: food_form
  steps:
  - action: food_form
  - active_loop: null
  - action: action_submit
- rule: text greeting
  steps:
  - user: "hello robot"
  - action: utter_vip
"""


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    return domain_from(tmp_path, DOMAIN)


@pytest.fixture
def policy(tmp_path: Path, domain: Domain) -> RulePolicy:
    return trained_rules(trackers_from(tmp_path, domain, RULES), domain)


def _predicted(policy: RulePolicy, domain: Domain, conversation: Tracker) -> str:
    prediction = policy.predict(conversation, domain)
    return domain.action_names[prediction.action_index]


def test_golden_conversation_is_predicted_like_rasa() -> None:
    """Every action Rasa 3.6 predicted with RulePolicy, hide_rule_turn included."""
    project = load_project(ProjectPaths.for_root(shared_dir() / "golden" / "bot")).project
    domain = project.domain
    trackers = training_trackers(project.training.stories, domain)
    memo = MemoizationPolicy(MemoizationConfig())
    rules = RulePolicy(RuleConfig())
    for policy in (memo, rules):
        policy.train(trackers, domain)
    ensemble = PolicyEnsemble([memo, rules])
    recorded = json.loads((golden_dir() / "tracker_booking_all.json").read_text())[1]["events"]
    events = events_from_list(recorded)
    checked = 0
    for index, event in enumerate(events):
        if isinstance(event, ActionExecuted) and event.policy == "RulePolicy":
            conversation = Tracker("golden", domain.slot_initial_values(), events[:index])
            prediction = ensemble.predict(conversation, domain)
            expected = (event.name, "RulePolicy", event.hide_rule_turn)
            assert (prediction.action_name, prediction.policy_name, prediction.hide_rule_turn) == (
                expected
            ), f"event {index}"
            checked += 1
    assert checked == 13


def test_conversation_start_rules_only_match_the_first_turn(
    policy: RulePolicy, domain: Domain
) -> None:
    assert _predicted(policy, domain, tracker(domain, user("greet"))) == "utter_greet"
    later = tracker(domain, user("chitchat"), action("utter_chitchat"), action("action_listen"))
    later.update(user("greet"))
    assert _predicted(policy, domain, later) == "utter_welcome_back"


def test_longest_matching_rule_wins_and_conditions_apply(
    policy: RulePolicy, domain: Domain
) -> None:
    conversation = tracker(domain, SlotSet("vip", True), action("action_listen"), user("greet"))
    assert _predicted(policy, domain, conversation) == "utter_vip"


def test_rule_predicts_listen_after_its_last_action(policy: RulePolicy, domain: Domain) -> None:
    conversation = tracker(domain, user("chitchat"), action("utter_chitchat"))
    prediction = policy.predict(conversation, domain)
    assert domain.action_names[prediction.action_index] == "action_listen"
    assert prediction.max_confidence == 1.0


def test_default_intents_beat_rules(policy: RulePolicy, domain: Domain) -> None:
    for intent, expected in [("restart", "action_restart"), ("back", "action_back")]:
        assert _predicted(policy, domain, tracker(domain, user(intent))) == expected


def test_text_rules_are_end_to_end_predictions(policy: RulePolicy, domain: Domain) -> None:
    conversation = tracker(domain, user("greet", text="hello robot"))
    prediction = policy.predict(conversation, domain)
    assert domain.action_names[prediction.action_index] == "utter_vip"
    assert prediction.is_end_to_end


def test_no_rule_gives_the_fallback_scores(tmp_path: Path, domain: Domain) -> None:
    trackers = trackers_from(tmp_path, domain, RULES)
    conversation = tracker(domain, user("inform"))
    default = trained_rules(trackers, domain).predict(conversation, domain)
    assert default.probabilities[domain.action_names.index("action_default_fallback")] == 0.3
    assert default.max_confidence == 0.3
    custom = trained_rules(
        trackers, domain, core_fallback_action_name="utter_chitchat", core_fallback_threshold=0.4
    ).predict(conversation, domain)
    assert custom.probabilities[domain.action_names.index("utter_chitchat")] == 0.4
    silent = trained_rules(trackers, domain, enable_fallback_prediction=False)
    assert silent.predict(conversation, domain).max_confidence == 0.0


def test_nlu_confidence_as_score(tmp_path: Path, domain: Domain) -> None:
    policy = trained_rules(
        trackers_from(tmp_path, domain, RULES), domain, use_nlu_confidence_as_score=True
    )
    assert policy.predict(tracker(domain, user("chitchat")), domain).max_confidence == 0.9


def _in_form(domain: Domain, *events: object) -> Tracker:
    return tracker(
        domain,
        user("book"),
        action("food_form"),
        ActiveLoop("food_form"),
        SlotSet("requested_slot", "cuisine"),
        action("action_listen"),
        *events,  # type: ignore[arg-type]
    )


def test_loop_happy_path_ignores_the_user(policy: RulePolicy, domain: Domain) -> None:
    conversation = _in_form(domain, user("chitchat"))
    prediction = policy.predict(conversation, domain)
    assert domain.action_names[prediction.action_index] == "food_form"
    assert prediction.is_no_user_prediction
    conversation.update(action("food_form"))
    assert _predicted(policy, domain, conversation) == "action_listen"


def test_after_a_rejection_general_rules_run_and_return_to_the_loop(
    policy: RulePolicy, domain: Domain
) -> None:
    conversation = _in_form(domain, user("chitchat"), ActionExecutionRejected("food_form"))
    assert _predicted(policy, domain, conversation) == "utter_chitchat"
    conversation.update(action("utter_chitchat"))
    assert _predicted(policy, domain, conversation) == "food_form"


def test_unhappy_path_rule_keeps_the_loop_from_being_predicted(
    policy: RulePolicy, domain: Domain
) -> None:
    conversation = _in_form(domain, user("stop"), ActionExecutionRejected("food_form"))
    assert _predicted(policy, domain, conversation) == "utter_ask_continue"
    conversation.update(action("utter_ask_continue"))
    assert _predicted(policy, domain, conversation) == "action_listen"


def test_returning_to_the_loop_after_the_user_answered_something_else(
    tmp_path: Path, domain: Domain
) -> None:
    rules = (
        RULES
        + """\
- rule: answer chitchat and go back to the form
  condition:
  - active_loop: food_form
  steps:
  - intent: chitchat
  - action: utter_chitchat
  - action: food_form
  - active_loop: food_form
- rule: go on after being asked
  condition:
  - active_loop: food_form
  steps:
  - action: utter_ask_continue
  - intent: affirm
  - action: food_form
  - active_loop: food_form
"""
    )
    policy = trained_rules(trackers_from(tmp_path, domain, rules), domain)
    conversation = _in_form(
        domain,
        user("stop"),
        ActionExecutionRejected("food_form"),
        action("utter_ask_continue"),
        action("action_listen"),
        user("affirm"),
        ActionExecutionRejected("food_form"),
    )
    prediction = policy.predict(conversation, domain)
    assert domain.action_names[prediction.action_index] == "food_form"
    assert [type(event) for event in prediction.events] == [LoopInterrupted]


def test_form_completion_runs_the_submit_rule(policy: RulePolicy, domain: Domain) -> None:
    conversation = _in_form(
        domain, user("inform"), action("food_form"), SlotSet("cuisine", "thai"), ActiveLoop(None)
    )
    assert _predicted(policy, domain, conversation) == "action_submit"


def test_restrict_rules_rejects_rules_with_two_user_messages(
    tmp_path: Path, domain: Domain
) -> None:
    rules = """\
rules:
- rule: a state machine
  steps:
  - intent: greet
  - action: utter_greet
  - intent: affirm
  - action: utter_done
"""
    trackers = trackers_from(tmp_path, domain, rules)
    with pytest.raises(InvalidRule) as error:
        trained_rules(trackers, domain)
    assert "rule 'a state machine' has more than one user message" in str(error.value)
    assert error.value.problems[0].source.line == 3
    trained_rules(trackers, domain, restrict_rules=False, check_for_contradictions=False)


def _contradictions(tmp_path: Path, domain: Domain, data: str) -> list[str]:
    with pytest.raises(RuleContradictionError) as error:
        trained_rules(trackers_from(tmp_path, domain, data), domain)
    return [f"{p.source.line}: {p.message}" for p in error.value.problems]


def test_rule_contradicting_a_rule(tmp_path: Path, domain: Domain) -> None:
    problems = _contradictions(
        tmp_path,
        domain,
        """\
rules:
- rule: one
  steps:
  - intent: greet
  - action: utter_greet
- rule: two
  steps:
  - intent: greet
  - action: utter_vip
""",
    )
    assert any(
        p.startswith("10: rule 'two' predicts 'utter_vip' where rule 'one'") for p in problems
    ), problems


def test_story_contradicting_a_rule(tmp_path: Path, domain: Domain) -> None:
    problems = _contradictions(
        tmp_path,
        domain,
        """\
rules:
- rule: chitchat
  steps:
  - intent: chitchat
  - action: utter_chitchat
stories:
- story: chat differently
  steps:
  - intent: chitchat
  - action: utter_done
""",
    )
    assert len(problems) == 1
    assert problems[0].startswith(
        "11: story 'chat differently' takes 'utter_done' here, but rule 'chitchat' ("
    )
    assert problems[0].endswith("predict(s) 'utter_chitchat'")


def test_incomplete_rule(tmp_path: Path, domain: Domain) -> None:
    problems = _contradictions(
        tmp_path,
        domain,
        """\
rules:
- rule: sets vip
  steps:
  - intent: greet
  - action: utter_greet
  - slot_was_set:
    - vip: true
- rule: forgets vip
  steps:
  - intent: chitchat
  - action: utter_greet
""",
    )
    assert problems == [
        "12: incomplete rule 'forgets vip': after 'utter_greet' it does not set the slots vip, "
        "which 'utter_greet' sets in other rules; add them with 'slot_was_set' "
        "(or end the rule with 'wait_for_user_input: false')"
    ]


def test_checks_can_be_switched_off(tmp_path: Path, domain: Domain) -> None:
    data = """\
rules:
- rule: one
  steps:
  - intent: greet
  - action: utter_greet
- rule: two
  steps:
  - intent: greet
  - action: utter_vip
"""
    policy = trained_rules(
        trackers_from(tmp_path, domain, data), domain, check_for_contradictions=False
    )
    assert policy.predict(tracker(domain, user("greet")), domain).max_confidence == 0.3


def test_persist_and_load(tmp_path: Path, policy: RulePolicy, domain: Domain) -> None:
    policy.persist(tmp_path)
    loaded = RulePolicy.load(tmp_path, policy.config)
    conversation = _in_form(domain, user("stop"), ActionExecutionRejected("food_form"))
    assert loaded.predict(conversation, domain) == policy.predict(conversation, domain)
    assert loaded.rule_only_data() == policy.rule_only_data()
    assert not any(tmp_path.glob("*.pkl"))


def test_wait_for_user_input_false_leaves_the_next_action_open(
    tmp_path: Path, domain: Domain
) -> None:
    data = """\
rules:
- rule: greet and go on
  wait_for_user_input: false
  steps:
  - intent: greet
  - action: utter_greet
"""
    policy = trained_rules(trackers_from(tmp_path, domain, data), domain)
    conversation = tracker(domain, user("greet"), action("utter_greet"))
    assert policy.predict(conversation, domain).max_confidence == 0.3


def test_rules_tried_by_last_action_match_as_trying_every_rule() -> None:
    start = {"user": {"intent": "greet"}}
    after_listen = {"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}
    after_greet = {"prev_action": {"action_name": "utter_greet"}}
    unset = {"prev_action": {"action_name": SHOULD_NOT_BE_SET}, "user": {"intent": "greet"}}
    any_action = {"slots": {"vip": (1.0,)}}
    rules = [[start], [after_listen], [after_greet], [unset], [{"prev_action": {}, **any_action}]]
    lookup = RuleLookup(rules={states_to_json(r): f"a{i}" for i, r in enumerate(rules)})
    conversations = [
        [start],
        [start, after_listen],
        [after_listen, after_greet],
        [{"prev_action": {"action_name": "action_listen"}, "slots": {"vip": (1.0,)}}],
        [{"prev_action": {"action_text": "hi"}, "user": {"intent": "greet"}}],
    ]
    for states in conversations:
        every_rule = [key for key in lookup.rules if rule_applies(lookup.states_of(key), states)]
        assert sorted(lookup.matching_rules(states)) == sorted(every_rule)
    assert [lookup.rules[k] for k in lookup.matching_rules(conversations[0])] == ["a0"]
    assert [lookup.rules[k] for k in lookup.matching_rules(conversations[1])] == ["a1"]
    assert [lookup.rules[k] for k in lookup.matching_rules(conversations[3])] == ["a4"]
    assert [lookup.rules[k] for k in lookup.matching_rules(conversations[4])] == ["a3"]
