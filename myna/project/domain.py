"""Parse ``domain.yml`` (or a directory of domain files) into a ``Domain``.

Every defect becomes a ``Problem`` at its file position and only the broken item is left
out. Files of a directory are read in sorted path order and merged like Rasa merges them
(see ``Domain.merge``); files without any domain key (pure training data) are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from myna.project.domain_model import (
    DEFAULT_ACTIONS,
    DEFAULT_INTENTS,
    LATEST_FORMAT_VERSION,
    ActionDef,
    Domain,
    EntityDef,
    Form,
    Intent,
    SessionConfig,
)
from myna.project.domain_responses import Response, parse_responses
from myna.project.errors import Problem, Severity, Source
from myna.project.files_reader import find_data_files, read_data_file
from myna.project.slots import Slot, SlotMapping, SlotMappingCondition, parse_slots
from myna.project.yaml_fields import (
    as_list,
    as_map,
    check_keys,
    describe,
    read_bool,
    read_names,
    read_number,
    read_value,
)
from myna.project.yaml_reader import YamlList, YamlMap

__all__ = [
    "DEFAULT_ACTIONS",
    "DEFAULT_INTENTS",
    "LATEST_FORMAT_VERSION",
    "ActionDef",
    "Domain",
    "EntityDef",
    "Form",
    "Intent",
    "Response",
    "SessionConfig",
    "Slot",
    "SlotMapping",
    "SlotMappingCondition",
    "load_domain",
    "parse_domain",
    "parse_responses",
]

DOMAIN_KEYS = (
    "intents",
    "entities",
    "slots",
    "responses",
    "forms",
    "actions",
    "session_config",
    "config",
    "e2e_actions",
)
# Keys that may share a file with the domain keys and are read elsewhere.
_OTHER_KEYS = ("version", "nlu", "stories", "rules")
_KINDS = {"intents": "intent", "entities": "entity", "actions": "action"}
_INTENT_KEYS = ("use_entities", "ignore_entities", "is_retrieval_intent")
_ENTITY_KEYS = ("roles", "groups", "influence_conversation")
_ACTION_KEYS = ("send_domain",)
_FORM_KEYS = ("required_slots", "ignored_intents")
_USE_HELP = "true, false or a list of entity names"
_SESSION_KEYS = ("session_expiration_time", "carry_over_slots_to_new_session")

_T = TypeVar("_T", Intent, EntityDef, ActionDef)
_ItemParser = Callable[[str, YamlMap | None, Source, list[Problem]], _T]


def load_domain(path: Path | str, problems: list[Problem]) -> Domain:
    """Load a domain file or a directory of them; a missing path gives an empty domain.

    (The project loader reports a missing domain; it is not reported twice here.)
    """
    path = Path(path)
    if path.is_dir():
        return _load_directory(path, problems)
    data_file = read_data_file(path, problems) if path.exists() else None
    return parse_domain(data_file.root, problems) if data_file else Domain.build()


def _load_directory(folder: Path, problems: list[Problem]) -> Domain:
    domain = Domain.build()
    for path in find_data_files([folder]):
        data_file = read_data_file(path, problems)
        if data_file is not None and any(key in data_file.root for key in DOMAIN_KEYS):
            domain = domain.merge(parse_domain(data_file.root, problems), problems)
    return domain


def parse_domain(root: YamlMap, problems: list[Problem]) -> Domain:
    """Build a domain from one parsed file (its format version already checked)."""
    check_keys(root, (*DOMAIN_KEYS, *_OTHER_KEYS), "the domain", problems, Severity.WARNING)
    slots, responses = root.get("slots"), root.get("responses")
    domain = Domain.build(
        intents=_named_items(root, "intents", _intent, problems),
        entities=_named_items(root, "entities", _entity, problems),
        slots=() if slots is None else parse_slots(slots, root.value_source("slots"), problems),
        responses=()
        if responses is None
        else parse_responses(responses, root.value_source("responses"), problems).values(),
        forms=_forms(root, problems),
        actions=_named_items(root, "actions", _action, problems),
        session_config=_session_config(root, problems),
        store_entities_as_slots=_store_entities_as_slots(root, problems),
        action_texts=read_names(root, "e2e_actions", problems),
    )
    _check_form_names(domain, problems)
    return domain


def _named_items(
    root: YamlMap, key: str, parse: _ItemParser[_T], problems: list[Problem]
) -> list[_T]:
    """A list whose items are ``name`` or ``name: {properties}``; names must be unique."""
    if root.get(key) is None:
        return []
    items = as_list(root[key], root.value_source(key), f"'{key}'", problems)
    if items is None:
        return []
    kind = _KINDS[key]
    found: dict[str, _T] = {}
    for index, item in enumerate(items):
        source = items.item_source(index)
        entry = _name_and_properties(item, source, kind, problems)
        if entry is None:
            continue
        name, properties = entry
        if name in found:
            message = f"{kind} '{name}' is listed twice (first at {found[name].source})"
            problems.append(Problem(source, message))
            continue
        found[name] = parse(name, properties, source, problems)
    return list(found.values())


def _name_and_properties(
    item: Any, source: Source, kind: str, problems: list[Problem]
) -> tuple[str, YamlMap | None] | None:
    if isinstance(item, str) and item:
        return item, None
    if not isinstance(item, YamlMap) or len(item) != 1:
        message = f"{kind} must be a name or a 'name: {{properties}}' mapping, not {describe(item)}"
        problems.append(Problem(source, message))
        return None
    name, properties = next(iter(item.items()))
    if properties is None:
        message = (
            f"{kind} '{name}' is written '{name}:' with an empty value "
            "(remove the ':' or add properties below it)"
        )
        problems.append(Problem(item.key_source(name), message))
        return None
    what = f"the properties of {kind} '{name}'"
    checked = as_map(properties, item.value_source(name), what, problems)
    return (name, checked) if checked is not None else None


def _is_use(value: Any) -> bool:
    return isinstance(value, bool) or (
        isinstance(value, YamlList) and all(isinstance(item, str) for item in value)
    )


def _intent(name: str, spec: YamlMap | None, source: Source, problems: list[Problem]) -> Intent:
    if spec is None:
        return Intent(name, source=source)
    check_keys(spec, _INTENT_KEYS, f"intent '{name}'", problems)
    use = read_value(spec, "use_entities", _is_use, _USE_HELP, True, problems)
    use_entities = True if use is True else tuple(use or ())
    ignore_entities = read_names(spec, "ignore_entities", problems)
    both = set(use_entities if use_entities is not True else ()) & set(ignore_entities)
    if both:
        message = f"intent '{name}' both uses and ignores {sorted(both)}; ignoring wins"
        problems.append(Problem(spec.key_source("ignore_entities"), message, Severity.WARNING))
    return Intent(
        name,
        use_entities=use_entities,
        ignore_entities=ignore_entities,
        is_retrieval_intent=read_bool(spec, "is_retrieval_intent", False, problems),
        source=source,
    )


def _entity(name: str, spec: YamlMap | None, source: Source, problems: list[Problem]) -> EntityDef:
    if spec is None:
        return EntityDef(name, source=source)
    check_keys(spec, _ENTITY_KEYS, f"entity '{name}'", problems)
    return EntityDef(
        name,
        roles=read_names(spec, "roles", problems),
        groups=read_names(spec, "groups", problems),
        influence_conversation=read_bool(spec, "influence_conversation", True, problems),
        source=source,
    )


def _action(name: str, spec: YamlMap | None, source: Source, problems: list[Problem]) -> ActionDef:
    if spec is None:
        return ActionDef(name, source=source)
    check_keys(spec, _ACTION_KEYS, f"action '{name}'", problems)
    return ActionDef(name, read_bool(spec, "send_domain", False, problems), source)


def _map_section(root: YamlMap, key: str, problems: list[Problem]) -> YamlMap | None:
    if root.get(key) is None:
        return None
    return as_map(root[key], root.value_source(key), f"'{key}'", problems)


def _forms(root: YamlMap, problems: list[Problem]) -> list[Form]:
    section = _map_section(root, "forms", problems)
    if section is None:
        return []
    forms = [_form(name, section, problems) for name in section]
    return [form for form in forms if form is not None]


def _form(name: str, section: YamlMap, problems: list[Problem]) -> Form | None:
    source = section.key_source(name)
    if section[name] is None:
        return Form(name, source=source)
    spec = as_map(section[name], section.value_source(name), f"form '{name}'", problems)
    if spec is None:
        return None
    check_keys(spec, _FORM_KEYS, f"form '{name}'", problems)
    if "ignored_intents" in spec and "required_slots" not in spec:
        message = f"form '{name}' has 'ignored_intents' but no 'required_slots'"
        problems.append(Problem(source, message))
    if isinstance(spec.get("required_slots"), YamlMap):
        message = (
            f"'required_slots' of form '{name}' must be a list of slot names "
            "(since Rasa 3.0 slot mappings belong in the slots section)"
        )
        problems.append(Problem(spec.value_source("required_slots"), message))
        return None
    required = read_names(spec, "required_slots", problems)
    slot_list = spec.get("required_slots")
    return Form(
        name,
        required_slots=required,
        ignored_intents=read_names(spec, "ignored_intents", problems, allow_single=True),
        source=source,
        slot_sources=tuple(slot_list.item_source(i) for i in range(len(required))),
    )


def _session_config(root: YamlMap, problems: list[Problem]) -> SessionConfig:
    section = _map_section(root, "session_config", problems)
    if section is None:
        return SessionConfig()
    check_keys(section, _SESSION_KEYS, "'session_config'", problems)
    minutes = read_number(section, "session_expiration_time", 60, problems)
    if minutes < 0:
        message = "'session_expiration_time' must be 0 (never expire) or more minutes"
        problems.append(Problem(section.value_source("session_expiration_time"), message))
        minutes = 60
    carry_over = read_bool(section, "carry_over_slots_to_new_session", True, problems)
    return SessionConfig(minutes, carry_over)


def _store_entities_as_slots(root: YamlMap, problems: list[Problem]) -> bool:
    section = _map_section(root, "config", problems)
    if section is None:
        return True
    check_keys(section, ("store_entities_as_slots",), "'config'", problems)
    return read_bool(section, "store_entities_as_slots", True, problems)


def _check_form_names(domain: Domain, problems: list[Problem]) -> None:
    """A form named like an unlisted response would be two actions of the same name."""
    for name, form in domain.forms.items():
        if name in domain.responses and name not in domain.actions:
            message = f"form '{name}' has the name of a response; rename one of them"
            problems.append(Problem(form.source, message))
