"""Reading ``stories:`` and ``rules:`` sections (training data and test stories).

Only the format is checked here (names, step keys, where checkpoints and conditions may
appear); whether intents, actions or slots exist is the validator's business.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from myna.project.annotations import (
    AnnotationError,
    EntityAnnotation,
    parse_annotated,
    parse_intent_payload,
)
from myna.project.errors import Problem, Source
from myna.project.files_reader import DataFile, read_data_files
from myna.project.story_model import (
    ActionStep,
    ActiveLoopStep,
    CheckpointStep,
    OrStep,
    SlotStep,
    Step,
    Story,
    StoryData,
    StoryEntity,
    UserStep,
)
from myna.project.yaml_reader import YamlList, YamlMap

__all__ = [
    "ActionStep",
    "ActiveLoopStep",
    "CheckpointStep",
    "OrStep",
    "SlotStep",
    "Step",
    "Story",
    "StoryData",
    "StoryEntity",
    "UserStep",
    "load_stories",
    "parse_stories",
]

_STEP_KINDS = {
    "intent": "user",
    "user": "user",
    "entities": "user",
    "action": "action",
    "bot": "bot",
    "slot_was_set": "slot_was_set",
    "active_loop": "active_loop",
    "checkpoint": "checkpoint",
    "or": "or",
}
_STEP_KEYS = {"user": ("intent", "user", "entities"), "checkpoint": ("checkpoint", "slot_was_set")}
_STEP_HELP = "expected one of intent, user, action, bot, slot_was_set, active_loop, checkpoint, or"
_STORY_KEYS = {
    "story": ("story", "steps", "metadata"),
    "rule": ("rule", "steps", "metadata", "condition", "conversation_start", "wait_for_user_input"),
}
_ENTITY_KEYS = ("entity", "value", "role", "group")
_ENTITY_HELP = "an entity must be a type name, a '{type: value}' mapping or {entity, value, ...}"


def load_stories(paths: Iterable[Path | str], problems: list[Problem]) -> StoryData:
    """The stories and rules of every YAML file under ``paths`` (also used for test stories)."""
    return StoryData.combine(parse_stories(f) for f in read_data_files(paths, problems))


def parse_stories(data_file: DataFile) -> StoryData:
    return StoryData(
        stories=_read_section(data_file, "stories", "story"),
        rules=_read_section(data_file, "rules", "rule"),
    )


def _read_section(data_file: DataFile, key: str, kind: str) -> tuple[Story, ...]:
    section = data_file.section(key, YamlList)
    stories = (
        _read_story(data_file, item, section.item_source(index), kind)
        for index, item in enumerate(section or ())
    )
    return tuple(story for story in stories if story is not None)


def _read_story(data_file: DataFile, item: Any, source: Source, kind: str) -> Story | None:
    if not isinstance(item, YamlMap):
        data_file.error(source, f"a {kind} must be a mapping with '{kind}' and 'steps'")
        return None
    for key in item:
        if key not in _STORY_KEYS[kind]:
            only_rules = kind == "story" and key in _STORY_KEYS["rule"]
            message = "is only allowed in rules" if only_rules else f"is not allowed in a {kind}"
            data_file.error(item.key_source(key), f"'{key}' {message}")
    name = data_file.string(item, kind)
    steps = _read_steps(data_file, item, "steps")
    if name is None or steps is None:
        return None
    if kind == "story":
        return Story(name, "story", _placed_checkpoints(data_file, steps), source)
    steps = _only(data_file, steps, _not_checkpoint, "checkpoints are not allowed in rules")
    steps = _only(data_file, steps, _not_bot, "'bot' steps are not allowed in rules")
    condition = _read_steps(data_file, item, "condition") if "condition" in item else ()
    condition = _only(
        data_file,
        condition or (),
        lambda step: isinstance(step, SlotStep | ActiveLoopStep),
        "a rule condition may only hold 'slot_was_set' and 'active_loop' steps",
    )
    return Story(
        name,
        "rule",
        steps,
        source,
        condition=condition,
        conversation_start=_flag(data_file, item, "conversation_start", False),
        wait_for_user_input=_flag(data_file, item, "wait_for_user_input", True),
    )


def _not_checkpoint(step: Step) -> bool:
    return not isinstance(step, CheckpointStep)


def _not_bot(step: Step) -> bool:
    return not (isinstance(step, ActionStep) and step.bot_text is not None)


def _only(
    data_file: DataFile, steps: tuple[Step, ...], allowed: Callable[[Step], bool], message: str
) -> tuple[Step, ...]:
    """The allowed steps; each other one is reported with ``message`` and dropped."""
    for step in steps:
        if not allowed(step):
            data_file.error(step.source, message)
    return tuple(step for step in steps if allowed(step))


def _placed_checkpoints(data_file: DataFile, steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """Checkpoints may only open or close a story."""
    others = [index for index, step in enumerate(steps) if _not_checkpoint(step)]
    misplaced = {
        id(step)
        for index, step in enumerate(steps)
        if not _not_checkpoint(step) and others and others[0] < index < others[-1]
    }
    return _only(
        data_file,
        steps,
        lambda step: id(step) not in misplaced,
        "checkpoints are only allowed at the start or the end of a story",
    )


def _flag(data_file: DataFile, item: YamlMap, key: str, default: bool) -> bool:
    value = item.get(key, default)
    if isinstance(value, bool):
        return value
    data_file.error(item.value_source(key), f"'{key}' must be true or false")
    return default


def _read_steps(data_file: DataFile, mapping: YamlMap, key: str) -> tuple[Step, ...] | None:
    if key not in mapping:
        data_file.error(mapping.source, f"missing '{key}'")
        return None
    value = mapping[key]
    if not isinstance(value, YamlList) or not value:
        data_file.error(mapping.value_source(key), f"'{key}' must be a non-empty list of steps")
        return None
    steps = [
        _read_step(data_file, raw, value.item_source(index)) for index, raw in enumerate(value)
    ]
    return tuple(step for step in steps if step is not None)


def _read_step(data_file: DataFile, raw: Any, source: Source) -> Step | None:
    if not isinstance(raw, YamlMap) or not raw:
        data_file.error(source, f"a step must be a mapping; {_STEP_HELP}")
        return None
    kind = (
        "checkpoint"
        if "checkpoint" in raw
        else next((_STEP_KINDS[key] for key in raw if key in _STEP_KINDS), None)
    )
    if kind is None:
        first = next(iter(raw))
        data_file.error(raw.key_source(first), f"unknown step key '{first}'; {_STEP_HELP}")
        return None
    unexpected = [key for key in raw if key not in _STEP_KEYS.get(kind, (kind,))]
    for key in unexpected:
        data_file.error(raw.key_source(key), f"unexpected key '{key}' in this {kind} step")
    return None if unexpected else _STEP_READERS[kind](data_file, raw, source)


def _read_user(data_file: DataFile, step: YamlMap, source: Source) -> UserStep | None:
    intent = data_file.string(step, "intent") if "intent" in step else None
    if "intent" in step and intent is None:
        return None
    text: str | None = None
    entities: list[EntityAnnotation | StoryEntity] = []
    if "user" in step:
        parsed = _read_user_text(data_file, step)
        if parsed is None:
            return None
        payload_intent, text, entities = parsed
        if payload_intent and intent and payload_intent != intent:
            data_file.error(
                step.value_source("user"),
                f"payload intent '{payload_intent}' differs from 'intent: {intent}'",
            )
            return None
        intent = intent or payload_intent
    elif intent is None:
        data_file.error(source, "a user step needs 'intent' or 'user'")
        return None
    if "entities" in step:
        entities.extend(_read_entities(data_file, step))
    return UserStep(intent, text, tuple(entities), source)


def _read_user_text(
    data_file: DataFile, step: YamlMap
) -> tuple[str | None, str | None, list[EntityAnnotation | StoryEntity]] | None:
    """(payload intent, plain text, entities) of ``user:``; ``/intent{json}`` has no text.

    An empty ``user: ""`` is a real test case (what does the bot do with nothing?), so it
    is kept as empty text rather than rejected.
    """
    raw_text = step.get("user")
    if isinstance(raw_text, str) and not raw_text.strip():
        return None, "", []
    text = data_file.string(step, "user")
    if text is None:
        return None
    try:
        if text.startswith("/"):
            intent, pairs = parse_intent_payload(text)
            return intent, None, [StoryEntity(entity, value) for entity, value in pairs]
        plain, annotations = parse_annotated(text)
        return None, plain, list(annotations)
    except AnnotationError as exc:
        raw: str = step["user"]
        start = data_file.scalar_source(step.value_source("user"))
        column = start.column + len(raw) - len(raw.lstrip()) + exc.offset
        data_file.error(Source(start.file, start.line, column), exc.message)
        return None


def _read_entities(data_file: DataFile, step: YamlMap) -> list[StoryEntity]:
    value = step["entities"]
    if not isinstance(value, YamlList):
        data_file.error(step.value_source("entities"), "'entities' must be a list")
        return []
    entities: list[StoryEntity] = []
    for index, item in enumerate(value):
        entities.extend(_read_entity(data_file, item, value.item_source(index)))
    return entities


def _read_entity(data_file: DataFile, item: Any, source: Source) -> list[StoryEntity]:
    """``name``, ``{name: value[, role, group]}`` or ``{entity, value, role, group}``."""
    if isinstance(item, str) and item.strip():
        return [StoryEntity(item.strip())]
    if not isinstance(item, YamlMap) or not item:
        data_file.error(source, _ENTITY_HELP)
        return []
    role, group = item.get("role"), item.get("group")
    if not all(label is None or isinstance(label, str) for label in (role, group)):
        data_file.error(source, "an entity's 'role' and 'group' must be strings")
        return []
    if "entity" in item:
        unknown = [key for key in item if key not in _ENTITY_KEYS]
        entity = data_file.string(item, "entity")
        if unknown:
            data_file.error(item.key_source(unknown[0]), f"unknown entity key '{unknown[0]}'")
        return (
            []
            if unknown or entity is None
            else [StoryEntity(entity, item.get("value"), role, group)]
        )
    pairs = [(key, value) for key, value in item.items() if key not in ("role", "group")]
    if len(pairs) != 1 and (role is not None or group is not None or not pairs):
        data_file.error(source, "'role'/'group' need exactly one '{type: value}' in the same item")
        return []
    return [StoryEntity(entity, value, role, group) for entity, value in pairs]


def _read_action(data_file: DataFile, step: YamlMap, source: Source) -> ActionStep | None:
    name = data_file.string(step, "action")
    return None if name is None else ActionStep(name, None, source)


def _read_bot(data_file: DataFile, step: YamlMap, source: Source) -> ActionStep | None:
    text = data_file.string(step, "bot")
    return None if text is None else ActionStep(None, text, source)


def _read_active_loop(data_file: DataFile, step: YamlMap, source: Source) -> ActiveLoopStep | None:
    if step["active_loop"] is None:
        return ActiveLoopStep(None, source)
    name = data_file.string(step, "active_loop")
    return None if name is None else ActiveLoopStep(name, source)


def _read_slots(data_file: DataFile, step: YamlMap, source: Source) -> SlotStep | None:
    slots = _slot_entries(data_file, step)
    return SlotStep(slots, source) if slots else None


def _slot_entries(data_file: DataFile, step: YamlMap) -> tuple[tuple[str, Any, bool], ...]:
    """``slot_was_set`` items: ``- name: value`` (value given) or ``- name`` (not given)."""
    value = step["slot_was_set"]
    if not isinstance(value, YamlList) or not value:
        data_file.error(step.value_source("slot_was_set"), "'slot_was_set' needs at least one slot")
        return ()
    slots: list[tuple[str, Any, bool]] = []
    for index, item in enumerate(value):
        if isinstance(item, str) and item.strip():
            slots.append((item.strip(), None, False))
        elif isinstance(item, YamlMap) and item:
            slots.extend((name, slot_value, True) for name, slot_value in item.items())
        else:
            data_file.error(value.item_source(index), "a slot must be '- name: value' or '- name'")
    return tuple(slots)


def _read_checkpoint(data_file: DataFile, step: YamlMap, source: Source) -> CheckpointStep | None:
    name = data_file.string(step, "checkpoint")
    slots = _slot_entries(data_file, step) if "slot_was_set" in step else ()
    if any(not given for _, _, given in slots):
        data_file.error(
            step.value_source("slot_was_set"), "checkpoint conditions need '- name: value'"
        )
        return None
    conditions = {slot: value for slot, value, _ in slots}
    return None if name is None else CheckpointStep(name, conditions, source)


def _read_or(data_file: DataFile, step: YamlMap, source: Source) -> OrStep | None:
    kept: list[UserStep | SlotStep] = []
    for alternative in _read_steps(data_file, step, "or") or ():
        if isinstance(alternative, UserStep | SlotStep):
            kept.append(alternative)
        else:
            data_file.error(
                alternative.source, "'or' may only hold user steps (intent/user) and 'slot_was_set'"
            )
    return OrStep(tuple(kept), source) if kept else None


_STEP_READERS: dict[str, Callable[[DataFile, YamlMap, Source], Step | None]] = {
    "user": _read_user,
    "action": _read_action,
    "bot": _read_bot,
    "slot_was_set": _read_slots,
    "active_loop": _read_active_loop,
    "checkpoint": _read_checkpoint,
    "or": _read_or,
}
