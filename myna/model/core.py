"""The dialogue part of a model (``core/``): the trained policies and their domain.

``core/domain.yml`` is the domain the policies were trained for (Rasa's domain JSON, which
is also valid YAML, so the normal domain loader reads it back), ``core/policies.json``
lists the policies in config order with their options, and ``core/<index>_<Name>/`` holds
what each policy learnt. Loading uses the serving classes only (no torch).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from myna.dialogue.ensemble import PolicyEnsemble
from myna.dialogue.policies.base import Policy
from myna.dialogue.policies.registry import lookup
from myna.project.domain import Domain, load_domain
from myna.project.errors import Problem, Severity

CORE_PART = "core"
DOMAIN_FILE = "domain.yml"
POLICIES_FILE = "policies.json"


class CoreLoadError(ValueError):
    """The ``core/`` part of a model cannot be used."""


@dataclass(frozen=True, slots=True)
class Core:
    domain: Domain
    ensemble: PolicyEnsemble


def persist_core(core: Core, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / DOMAIN_FILE).write_text(json.dumps(core.domain.as_dict(), indent=1))
    entries = []
    for index, policy in enumerate(core.ensemble.policies):
        folder = f"{index}_{policy.name}"
        (directory / folder).mkdir()
        policy.persist(directory / folder)
        entries.append(
            {"name": policy.name, "folder": folder, "config": policy.config.model_dump(mode="json")}
        )
    (directory / POLICIES_FILE).write_text(json.dumps(entries, indent=1))


def load_core(directory: Path) -> Core:
    problems: list[Problem] = []
    domain = load_domain(directory / DOMAIN_FILE, problems)
    errors = [str(p) for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise CoreLoadError(f"the stored domain cannot be read: {errors[0]}")
    try:
        entries = json.loads((directory / POLICIES_FILE).read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise CoreLoadError(f"the policy list cannot be read: {error}") from None
    return Core(domain, PolicyEnsemble(_load_policies(directory, entries)))


def _load_policies(directory: Path, entries: Sequence[dict]) -> list[Policy]:
    policies = []
    for entry in entries:
        policy_class = lookup(entry["name"])
        config = policy_class.Config.model_validate(entry["config"])
        policies.append(policy_class.load(directory / entry["folder"], config))
    return policies
