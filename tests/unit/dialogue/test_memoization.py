"""MemoizationPolicy (max_history, ambiguity, ML view) and AugmentedMemoizationPolicy."""

from __future__ import annotations

from pathlib import Path

import pytest
from dialogue_helpers import action, domain_from, tracker, trackers_from, trained_memo, user

from myna.dialogue.policies.memoization import (
    AugmentedMemoizationPolicy,
    MemoizationConfig,
    MemoizationPolicy,
)
from myna.dialogue.states import RuleOnlyData
from myna.events import SlotSet
from myna.project.domain import Domain
from myna.tracker import Tracker

DOMAIN = """\
intents: [greet, inform, thanks, faq]
slots:
  vip: {type: bool, mappings: [{type: custom}]}
responses:
  utter_greet: [{text: hi}]
  utter_ok: [{text: ok}]
  utter_faq: [{text: faq}]
  utter_bye: [{text: bye}]
"""

STORIES = """\
stories:
- story: greet then inform
  steps:
  - intent: greet
  - action: utter_greet
  - intent: inform
  - action: utter_ok
- story: faq then inform
  steps:
  - intent: faq
  - action: utter_faq
  - intent: inform
  - action: utter_bye
"""


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    return domain_from(tmp_path, DOMAIN)


def _after(domain: Domain, first: str, reply: str, *more: object) -> Tracker:
    return tracker(
        domain,
        user(first),
        action(reply),
        action("action_listen"),
        user("inform"),
        *more,  # type: ignore[arg-type]
    )


def _predicted(policy: MemoizationPolicy, domain: Domain, conversation: Tracker) -> str | None:
    prediction = policy.predict(conversation, domain)
    if prediction.max_confidence == 0.0:
        return None
    return domain.action_names[prediction.action_index]


def test_full_history_tells_the_stories_apart(tmp_path: Path, domain: Domain) -> None:
    policy = trained_memo(trackers_from(tmp_path, domain, STORIES), domain)
    assert policy.priority == 3
    assert policy.config.max_history is None
    assert _predicted(policy, domain, _after(domain, "greet", "utter_greet")) == "utter_ok"
    assert _predicted(policy, domain, _after(domain, "faq", "utter_faq")) == "utter_bye"
    assert _predicted(policy, domain, _after(domain, "thanks", "utter_ok")) is None


def test_short_history_makes_the_stories_ambiguous(tmp_path: Path, domain: Domain) -> None:
    policy = trained_memo(trackers_from(tmp_path, domain, STORIES), domain, max_history=1)
    assert _predicted(policy, domain, _after(domain, "greet", "utter_greet")) is None
    # With one state, the listen after any reply is still unambiguous.
    conversation = tracker(domain, user("greet"), action("utter_greet"))
    assert _predicted(policy, domain, conversation) == "action_listen"
    assert _predicted(policy, domain, _after(domain, "thanks", "utter_ok")) is None


def test_rules_are_not_memorised_and_nlu_confidence_can_score(
    tmp_path: Path, domain: Domain
) -> None:
    data = "rules:\n- rule: r\n  steps:\n  - intent: thanks\n  - action: utter_ok\n"
    trackers = trackers_from(tmp_path, domain, STORIES + data)
    policy = trained_memo(trackers, domain, use_nlu_confidence_as_score=True)
    assert _predicted(policy, domain, tracker(domain, user("thanks"))) is None
    assert policy.predict(tracker(domain, user("greet")), domain).max_confidence == 0.9


def test_feature_keys_are_compressed_unless_disabled(tmp_path: Path, domain: Domain) -> None:
    trackers = trackers_from(tmp_path, domain, STORIES)
    plain = trained_memo(trackers, domain, enable_feature_string_compression=False)
    assert any("prev_action" in key and '"' not in key for key in plain.lookup)
    compressed = trained_memo(trackers, domain)
    assert not any("prev_action" in key for key in compressed.lookup)


def test_rule_only_slots_are_ignored_at_prediction(tmp_path: Path, domain: Domain) -> None:
    policy = trained_memo(trackers_from(tmp_path, domain, STORIES), domain)
    conversation = _after(domain, "greet", "utter_greet")
    conversation.update(SlotSet("vip", True))
    assert _predicted(policy, domain, conversation) is None
    rule_only = RuleOnlyData(slots=frozenset({"vip"}))
    prediction = policy.predict(conversation, domain, rule_only)
    assert domain.action_names[prediction.action_index] == "utter_ok"


def test_augmented_memoization_forgets_the_start(tmp_path: Path, domain: Domain) -> None:
    """Cut before the second listen, the conversation is the first story (full history)."""
    trackers = trackers_from(tmp_path, domain, STORIES)
    conversation = tracker(
        domain,
        user("thanks"),
        action("utter_bye"),
        action("action_listen"),
        user("greet"),
        action("utter_greet"),
        action("action_listen"),
        user("inform"),
    )
    assert _predicted(trained_memo(trackers, domain), domain, conversation) is None
    augmented = AugmentedMemoizationPolicy(MemoizationConfig())
    augmented.train(trackers, domain)
    assert _predicted(augmented, domain, conversation) == "utter_ok"


def test_persist_and_load(tmp_path: Path, domain: Domain) -> None:
    policy = trained_memo(trackers_from(tmp_path / "project", domain, STORIES), domain)
    policy.persist(tmp_path)
    loaded = MemoizationPolicy.load(tmp_path, policy.config)
    assert loaded.lookup == policy.lookup
