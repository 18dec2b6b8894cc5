"""The policy registry and typed policy configs built from config.yml entries."""

from __future__ import annotations

import pytest

from myna.dialogue.policies.memoization import MemoizationPolicy
from myna.dialogue.policies.registry import UnknownPolicyError, known_names, lookup
from myna.dialogue.policies.rule import RulePolicy
from myna.project.config import ComponentSpec
from myna.project.errors import ProjectError, Source

WHERE = Source("config.yml", 12)


def _spec(name: str, **options: object) -> ComponentSpec:
    return ComponentSpec(name, options, WHERE, dict.fromkeys(options, Source("config.yml", 13)))


def test_lookup_by_rasa_name() -> None:
    assert lookup("RulePolicy") is RulePolicy
    assert lookup("MemoizationPolicy") is MemoizationPolicy
    assert "AugmentedMemoizationPolicy" in known_names()


def test_unknown_policy_lists_the_known_ones() -> None:
    with pytest.raises(UnknownPolicyError) as error:
        lookup("RulePolicyy")
    assert "did you mean 'RulePolicy'?" in str(error.value)
    assert "MemoizationPolicy" in str(error.value)


def test_defaults_and_options_from_config() -> None:
    rule = RulePolicy.from_spec(_spec("RulePolicy", core_fallback_threshold=0.4))
    assert (rule.priority, rule.config.core_fallback_threshold) == (4, 0.4)
    assert rule.config.core_fallback_action_name == "action_default_fallback"
    memo = MemoizationPolicy.from_spec(_spec("MemoizationPolicy", max_history=5, priority=7))
    assert (memo.priority, memo.config.max_history) == (7, 5)
    assert memo.config.enable_feature_string_compression


def test_unknown_option_points_at_config_line() -> None:
    with pytest.raises(ProjectError) as error:
        RulePolicy.from_spec(_spec("RulePolicy", core_fallback_treshold=0.4))
    assert str(error.value) == (
        "config.yml:13:1: unknown option 'core_fallback_treshold' for RulePolicy "
        "(did you mean 'core_fallback_threshold'?)"
    )
