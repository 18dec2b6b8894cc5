"""`myna data validate`: cross-file checks that a project is consistent.

Each check takes the loaded project and returns problems pointing at the exact place to
fix. Format problems (bad YAML, bad keys) were already reported while loading.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from myna.project.domain import DEFAULT_INTENTS, Domain
from myna.project.errors import Problem, Severity, Source
from myna.project.loader import Project
from myna.project.nlu import NLUExample
from myna.project.stories import ActionStep, ActiveLoopStep, OrStep, SlotStep, Story, UserStep

Check = Callable[[Project], Iterator[Problem]]


def _warn(source: Source, message: str) -> Problem:
    return Problem(source, message, Severity.WARNING)


def _lacks_response(domain: Domain, action: str) -> bool:
    """`utter_x` needs a response, except `utter_<retrieval intent>` (its responses are
    `utter_<intent>/<key>`, chosen by the ResponseSelector)."""
    if not action.startswith("utter_") or action in domain.responses:
        return False
    return action.removeprefix("utter_") not in domain.retrieval_intents


def check_domain_actions(project: Project) -> Iterator[Problem]:
    """Every listed `utter_` action needs a response."""
    domain = project.domain
    for action in domain.actions.values():
        if _lacks_response(domain, action.name):
            yield Problem(action.source, f"action '{action.name}' has no response in the domain")


def check_forms(project: Project) -> Iterator[Problem]:
    domain = project.domain
    for form in domain.forms.values():
        for slot, source in zip(form.required_slots, form.slot_sources, strict=True):
            if slot not in domain.slots:
                yield Problem(source, f"form '{form.name}' requires unknown slot '{slot}'")
        for intent in form.ignored_intents:
            if intent not in domain.intent_names:
                yield Problem(form.source, f"form '{form.name}' ignores unknown intent '{intent}'")


def check_slot_mappings(project: Project) -> Iterator[Problem]:
    """Mappings may only name entities, intents, forms and slots the domain declares."""
    domain = project.domain
    for slot in domain.slots.values():
        for mapping in slot.mappings:
            where = f"slot '{slot.name}' mapping"
            if mapping.entity is not None and mapping.entity not in domain.entity_names:
                yield Problem(mapping.source, f"{where} uses unknown entity '{mapping.entity}'")
            for intent in (*mapping.intent, *mapping.not_intent):
                if intent not in domain.intent_names:
                    yield Problem(mapping.source, f"{where} uses unknown intent '{intent}'")
            for condition in mapping.conditions:
                loop = condition.active_loop
                if loop is not None and loop not in domain.forms:
                    yield Problem(mapping.source, f"{where} names unknown form '{loop}'")
                wanted = condition.requested_slot
                if wanted is not None and wanted not in domain.slots:
                    yield Problem(mapping.source, f"{where} names unknown slot '{wanted}'")


def check_nlu_against_domain(project: Project) -> Iterator[Problem]:
    domain, nlu = project.domain, project.training.nlu
    reported: set[str] = set()
    for example in nlu.examples:
        intent = example.retrieval_intent or example.intent
        if intent not in domain.intent_names and intent not in reported:
            reported.add(intent)
            yield Problem(example.source, f"intent '{intent}' is not declared in the domain")
        for entity in example.entities:
            if entity.entity not in domain.entity_names:
                yield Problem(
                    example.source, f"entity '{entity.entity}' is not declared in the domain"
                )
    used = {e.retrieval_intent or e.intent for e in nlu.examples}
    for intent in domain.intents.values():
        if intent.name not in used and intent.name not in DEFAULT_INTENTS:
            yield _warn(intent.source, f"intent '{intent.name}' has no NLU training examples")


def check_duplicate_examples(project: Project) -> Iterator[Problem]:
    """The same text under two intents makes the classifier guess: flag every copy."""
    by_text: dict[str, list[NLUExample]] = defaultdict(list)
    for example in project.training.nlu.examples:
        by_text[example.text.strip().casefold()].append(example)
    for copies in by_text.values():
        intents = {example.intent for example in copies}
        for index, example in enumerate(copies):
            others = [c for c in copies if c.intent != example.intent]
            if others:
                where = ", ".join(f"'{c.intent}' at {c.source}" for c in others)
                yield Problem(
                    example.source,
                    f"example '{example.text}' is labelled '{example.intent}' here and {where}",
                )
            elif index > 0 and len(intents) == 1:
                yield _warn(example.source, f"example '{example.text}' repeats {copies[0].source}")


def _story_steps(story: Story) -> Iterator[object]:
    for step in (*story.condition, *story.steps):
        if isinstance(step, OrStep):
            yield from step.alternatives
        else:
            yield step


def _check_user(domain: Domain, step: UserStep) -> Iterator[Problem]:
    if step.intent is not None and step.intent.split("/")[0] not in domain.intent_names:
        yield Problem(step.source, f"unknown intent '{step.intent}'")
    for entity in step.entities:
        if entity.entity not in domain.entity_names:
            yield Problem(step.source, f"unknown entity '{entity.entity}'")


def _check_action(domain: Domain, step: ActionStep) -> Iterator[Problem]:
    if step.name is None:
        return
    if _lacks_response(domain, step.name):
        yield Problem(step.source, f"action '{step.name}' has no response in the domain")
    elif step.name not in domain.action_names:
        yield Problem(step.source, f"unknown action '{step.name}'")


def _check_slots(domain: Domain, step: SlotStep) -> Iterator[Problem]:
    for name, _value, _given in step.slots:
        if name not in domain.slots:
            yield Problem(step.source, f"unknown slot '{name}'")


def _check_loop(domain: Domain, step: ActiveLoopStep) -> Iterator[Problem]:
    name = step.name
    if name is not None and name not in domain.forms and name not in domain.action_names:
        yield Problem(step.source, f"unknown form '{name}' in active_loop")


_STEP_CHECKS: dict[type, Callable[[Domain, Any], Iterator[Problem]]] = {
    UserStep: _check_user,
    ActionStep: _check_action,
    SlotStep: _check_slots,
    ActiveLoopStep: _check_loop,
}


def _all_stories(project: Project) -> Iterable[Story]:
    stories = project.training.stories
    return (*stories.stories, *stories.rules, *project.test_stories.stories)


def check_stories_against_domain(project: Project) -> Iterator[Problem]:
    for story in _all_stories(project):
        for step in _story_steps(story):
            check = _STEP_CHECKS.get(type(step))
            if check is not None:
                yield from check(project.domain, step)


CHECKS: tuple[Check, ...] = (
    check_domain_actions,
    check_forms,
    check_slot_mappings,
    check_nlu_against_domain,
    check_duplicate_examples,
    check_stories_against_domain,
)


def validate(project: Project) -> list[Problem]:
    """Run every cross-file check; problems are sorted by file and position.

    Story and rule contradictions need the dialogue states and live in
    ``myna.dialogue.conflicts``; the CLI runs both.
    """
    problems = [p for check in CHECKS for p in check(project)]
    return sorted(problems, key=lambda p: (p.source.file, p.source.line, p.source.column))
