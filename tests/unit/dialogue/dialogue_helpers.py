"""Builders shared by the dialogue unit tests: domains and stories from YAML text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from myna.dialogue.policies.memoization import MemoizationConfig, MemoizationPolicy
from myna.dialogue.policies.rule import RuleConfig, RulePolicy
from myna.dialogue.training_trackers import TrainingTracker, training_trackers
from myna.events import ActionExecuted, Event, UserUttered
from myna.project.domain import Domain, load_domain
from myna.project.errors import Problem, Severity
from myna.project.stories import StoryData, load_stories
from myna.tracker import Tracker


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _no_errors(problems: list[Problem]) -> None:
    errors = [str(p) for p in problems if p.severity is Severity.ERROR]
    assert not errors, errors


def domain_from(tmp_path: Path, text: str) -> Domain:
    problems: list[Problem] = []
    domain = load_domain(_write(tmp_path, "domain.yml", f'version: "3.1"\n{text}'), problems)
    _no_errors(problems)
    return domain


def stories_from(tmp_path: Path, text: str) -> StoryData:
    problems: list[Problem] = []
    path = _write(tmp_path / "data", "stories.yml", f'version: "3.1"\n{text}')
    data = load_stories([path], problems)
    _no_errors(problems)
    return data


def trackers_from(tmp_path: Path, domain: Domain, text: str) -> list[TrainingTracker]:
    return training_trackers(stories_from(tmp_path, text), domain)


def trained_rules(
    trackers: Sequence[TrainingTracker], domain: Domain, **options: object
) -> RulePolicy:
    policy = RulePolicy(RuleConfig.model_validate(options))
    policy.train(trackers, domain)
    return policy


def trained_memo(
    trackers: Sequence[TrainingTracker], domain: Domain, **options: object
) -> MemoizationPolicy:
    policy = MemoizationPolicy(MemoizationConfig.model_validate(options))
    policy.train(trackers, domain)
    return policy


def user(intent: str, *entities: dict[str, object], text: str | None = None) -> UserUttered:
    parse_data = {"intent": {"name": intent, "confidence": 0.9}, "entities": list(entities)}
    return UserUttered(text=text, parse_data=parse_data)


def action(name: str, **fields: object) -> ActionExecuted:
    return ActionExecuted(name, **fields)  # type: ignore[arg-type]


def tracker(domain: Domain, *events: Event) -> Tracker:
    """A conversation that starts like a real session (listen first)."""
    return Tracker("test", domain.slot_initial_values(), [action("action_listen"), *events])
