"""The one place that maps Rasa policy names (config.yml `policies:`) to Myna classes.

Entries are `"module:Class"` strings imported only when looked up, so importing this
module pulls in no policy code. Adding a policy = one class file + one line here + its test.

A policy whose training needs torch splits in two, as NLU components do: the serving class
in `POLICIES` and, in `POLICY_TRAINERS`, a subclass that adds `train()`. `lookup_trainer`
is for building policies to train, `lookup` for loading trained ones (never torch).
"""

from __future__ import annotations

import importlib

from myna.dialogue.policies.base import Policy
from myna.nlu.component import did_you_mean

POLICIES: dict[str, str] = {
    "RulePolicy": "myna.dialogue.policies.rule:RulePolicy",
    "MemoizationPolicy": "myna.dialogue.policies.memoization:MemoizationPolicy",
    "AugmentedMemoizationPolicy": "myna.dialogue.policies.memoization:AugmentedMemoizationPolicy",
    "TEDPolicy": "myna.dialogue.policies.ted:TEDPolicy",
}

# Training-time subclasses of the POLICIES entry of the same name.
POLICY_TRAINERS: dict[str, str] = {
    "TEDPolicy": "myna.dialogue.policies.ted_training:TEDPolicyTrainer",
}


class UnknownPolicyError(LookupError):
    """A policy name that no registry entry provides."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.known = known_names()
        super().__init__(
            f"unknown policy '{name}'{did_you_mean(name, self.known)}; "
            f"known policies: {', '.join(self.known)}"
        )


def known_names() -> list[str]:
    return sorted(POLICIES)


def lookup(name: str) -> type[Policy]:
    """The policy class registered under `name`, imported now."""
    entry = POLICIES.get(name)
    if entry is None:
        raise UnknownPolicyError(name)
    return _import(entry)


def lookup_trainer(name: str) -> type[Policy]:
    """The class that trains `name`: its `POLICY_TRAINERS` entry, else `lookup(name)`."""
    if name in POLICY_TRAINERS:
        return _import(POLICY_TRAINERS[name])
    return lookup(name)


def _import(entry: str) -> type[Policy]:
    module_name, _, class_name = entry.partition(":")
    policy: type[Policy] = getattr(importlib.import_module(module_name), class_name)
    return policy
