"""The domain as typed, immutable objects; ``domain.py`` parses the files into them."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import Any, Protocol, TypeVar

from myna.project.domain_responses import Response, parse_responses
from myna.project.errors import Problem, Severity, Source
from myna.project.slots import BUILTIN_SOURCE, Slot, default_slots, is_default_slot
from myna.project.yaml_reader import YamlMap

LATEST_FORMAT_VERSION = "3.1"

# Always present, in this order: prediction vectors are indexed by it (action_listen is 0).
DEFAULT_ACTIONS = (
    "action_listen",
    "action_restart",
    "action_session_start",
    "action_default_fallback",
    "action_deactivate_loop",
    "action_revert_fallback_events",
    "action_default_ask_affirmation",
    "action_default_ask_rephrase",
    "action_two_stage_fallback",
    "action_unlikely_intent",
    "action_back",
    "...",
    "action_extract_slots",
)
DEFAULT_INTENTS = ("restart", "back", "out_of_scope", "session_start", "nlu_fallback")
ENTITY_LABEL_SEPARATOR = "#"


@dataclass(frozen=True, slots=True)
class Intent:
    """``use_entities`` is True (all influencing entities) or the tuple of entities used."""

    name: str
    use_entities: bool | tuple[str, ...] = True
    ignore_entities: tuple[str, ...] = ()
    is_retrieval_intent: bool = False
    source: Source = BUILTIN_SOURCE

    def as_dict(self) -> str | dict[str, Any]:
        properties: dict[str, Any] = {}
        if self.use_entities is not True:
            properties["use_entities"] = list(self.use_entities or ())
        if self.ignore_entities:
            properties["ignore_entities"] = list(self.ignore_entities)
        if self.is_retrieval_intent:
            properties["is_retrieval_intent"] = True
        return {self.name: properties} if properties else self.name


@dataclass(frozen=True, slots=True)
class EntityDef:
    name: str
    roles: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    influence_conversation: bool = True
    source: Source = BUILTIN_SOURCE

    @property
    def labels(self) -> tuple[str, ...]:
        """The ``entity#role`` and ``entity#group`` labels of dialogue states."""
        return tuple(
            f"{self.name}{ENTITY_LABEL_SEPARATOR}{sub}" for sub in (*self.roles, *self.groups)
        )

    def as_dict(self) -> str | dict[str, Any]:
        properties: dict[str, Any] = {"roles": list(self.roles), "groups": list(self.groups)}
        if not self.influence_conversation:
            properties["influence_conversation"] = False
        properties = {key: value for key, value in properties.items() if value != []}
        return {self.name: properties} if properties else self.name


@dataclass(frozen=True, slots=True)
class Form:
    name: str
    required_slots: tuple[str, ...] = ()
    ignored_intents: tuple[str, ...] = ()
    source: Source = BUILTIN_SOURCE
    slot_sources: tuple[Source, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"required_slots": list(self.required_slots)}
        if self.ignored_intents:
            result["ignored_intents"] = list(self.ignored_intents)
        return result


@dataclass(frozen=True, slots=True)
class ActionDef:
    name: str
    send_domain: bool = False
    source: Source = BUILTIN_SOURCE

    def as_dict(self) -> str | dict[str, Any]:
        return {self.name: {"send_domain": True}} if self.send_domain else self.name


@dataclass(frozen=True, slots=True)
class SessionConfig:
    """``session_expiration_time`` in minutes; 0 means sessions never expire."""

    session_expiration_time: float = 60
    carry_over_slots_to_new_session: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "session_expiration_time": self.session_expiration_time,
            "carry_over_slots_to_new_session": self.carry_over_slots_to_new_session,
        }


class _Definition(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def source(self) -> Source: ...


_D = TypeVar("_D", bound=_Definition)


def _by_name(items: Iterable[_D]) -> Mapping[str, _D]:
    return MappingProxyType({item.name: item for item in items})


def _combine(
    kind: str,
    first: Iterable[_D],
    second: Iterable[_D],
    keep_first: bool,
    problems: list[Problem],
) -> list[_D]:
    """Union by name; a name defined twice keeps one definition and warns at the second."""
    combined = {item.name: item for item in first}
    for item in second:
        previous = combined.get(item.name)
        if previous is None or not keep_first:
            combined[item.name] = item
        if previous is not None:
            kept = previous if keep_first else item
            message = (
                f"{kind} '{item.name}' is defined more than once (also at {previous.source}); "
                f"the definition at {kept.source} is used"
            )
            problems.append(Problem(item.source, message, Severity.WARNING))
    return list(combined.values())


@dataclass(frozen=True)
class Domain:
    """Everything keyed by name: intents sorted, the rest in file order.

    ``intents`` holds the declared intents; ``intent_names`` adds the built-in ones. Build a
    domain with ``Domain.build`` (or ``load_domain``), which appends the default slots to
    ``slots``; derived lists are computed once, on first use.
    """

    intents: Mapping[str, Intent]
    entities: Mapping[str, EntityDef]
    slots: Mapping[str, Slot]
    responses: Mapping[str, Response]
    forms: Mapping[str, Form]
    actions: Mapping[str, ActionDef]
    session_config: SessionConfig = field(default_factory=SessionConfig)
    store_entities_as_slots: bool = True
    action_texts: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        *,
        intents: Iterable[Intent] = (),
        entities: Iterable[EntityDef] = (),
        slots: Iterable[Slot] = (),
        responses: Iterable[Response] = (),
        forms: Iterable[Form] = (),
        actions: Iterable[ActionDef] = (),
        session_config: SessionConfig | None = None,
        store_entities_as_slots: bool = True,
        action_texts: Iterable[str] = (),
    ) -> Domain:
        forms, actions = tuple(forms), tuple(actions)
        user_slots = [slot for slot in slots if not is_default_slot(slot)]
        user_slots += default_slots(
            {slot.name for slot in user_slots}, bool(forms), {action.name for action in actions}
        )
        return cls(
            intents=_by_name(sorted(intents, key=lambda intent: intent.name)),
            entities=_by_name(entities),
            slots=_by_name(user_slots),
            responses=_by_name(responses),
            forms=_by_name(forms),
            actions=_by_name(actions),
            session_config=session_config or SessionConfig(),
            store_entities_as_slots=store_entities_as_slots,
            action_texts=tuple(dict.fromkeys(action_texts)),
        )

    @cached_property
    def intent_names(self) -> tuple[str, ...]:
        """Declared and built-in intents, sorted: the order of intent features."""
        return tuple(sorted({*self.intents, *DEFAULT_INTENTS}))

    @cached_property
    def entity_names(self) -> tuple[str, ...]:
        return tuple(sorted(self.entities))

    @cached_property
    def entity_labels(self) -> tuple[str, ...]:
        """Entity names, then every ``entity#role`` / ``entity#group`` label."""
        labels = [label for entity in self.entities.values() for label in entity.labels]
        return (*self.entity_names, *labels)

    @cached_property
    def user_action_names(self) -> tuple[str, ...]:
        """Listed actions in file order, then the other response names, sorted."""
        responses = sorted(name for name in self.responses if name not in self.actions)
        return (*self.actions, *responses)

    @cached_property
    def action_names(self) -> tuple[str, ...]:
        """The prediction list: defaults, user actions, unlisted forms, end-to-end bot texts."""
        user = [name for name in self.user_action_names if name not in DEFAULT_ACTIONS]
        forms = [name for name in self.forms if name not in self.actions]
        return (*DEFAULT_ACTIONS, *user, *forms, *self.action_texts)

    @property
    def user_slots(self) -> list[Slot]:
        """The slots defined in the domain, without the default ones Myna added."""
        return [slot for slot in self.slots.values() if not is_default_slot(slot)]

    @cached_property
    def retrieval_intents(self) -> tuple[str, ...]:
        return tuple(name for name, intent in self.intents.items() if intent.is_retrieval_intent)

    def slot_initial_values(self) -> dict[str, Any]:
        return {name: copy.deepcopy(slot.initial_value) for name, slot in self.slots.items()}

    def used_entities(self, intent_name: str) -> frozenset[str]:
        """Entity labels that enter dialogue states after this intent (``use``/``ignore``)."""
        known = self._used_entities_by_intent.get(intent_name)
        if known is None:
            known = self._used_entities_by_intent[intent_name] = self._compute_used_entities(
                intent_name
            )
        return known

    @cached_property
    def _used_entities_by_intent(self) -> dict[str, frozenset[str]]:
        """Memo of `used_entities`: every dialogue state of every turn asks for it."""
        return {}

    def _compute_used_entities(self, intent_name: str) -> frozenset[str]:
        intent = self.intents.get(intent_name) or Intent(intent_name)
        quiet = {
            name for name, entity in self.entities.items() if not entity.influence_conversation
        }
        if intent.use_entities is True:
            included = {name for name in self.entities if name not in quiet}
            included.update(label for entity in self.entities.values() for label in entity.labels)
        else:
            included = self._with_labels(intent.use_entities or ())
        excluded = self._with_labels(intent.ignore_entities or quiet)
        return frozenset(included - excluded)

    def _with_labels(self, names: Iterable[str]) -> set[str]:
        result = set(names)
        for name in tuple(result):
            entity = self.entities.get(name)
            result.update(entity.labels if entity else ())
        return result

    def action_needs_domain(self, name: str) -> bool:
        """Whether a listed action asked for the domain (``send_domain``, or ``validate_*``)."""
        action = self.actions.get(name)
        return action is not None and (action.send_domain or name.startswith("validate_"))

    def as_dict(self) -> dict[str, Any]:
        """The domain as Rasa's ``GET /domain`` returns it (and sends to the action server)."""
        data: dict[str, Any] = {
            "version": LATEST_FORMAT_VERSION,
            "intents": [intent.as_dict() for intent in self.intents.values()],
            "entities": [entity.as_dict() for entity in self.entities.values()],
            "slots": {slot.name: slot.as_dict() for slot in self.user_slots},
            "responses": {name: response.as_list() for name, response in self.responses.items()},
            "forms": {name: form.as_dict() for name, form in self.forms.items()},
            "actions": [action.as_dict() for action in self.actions.values()],
            "e2e_actions": list(self.action_texts),
            "session_config": self.session_config.as_dict(),
        }
        if not self.store_entities_as_slots:
            data["config"] = {"store_entities_as_slots": False}
        return {key: value for key, value in data.items() if value not in ([], {})}

    def merge(self, other: Domain, problems: list[Problem] | None = None) -> Domain:
        """Combine two domain files the way Rasa does.

        A name defined in both keeps this domain's definition (Rasa keeps the first file's)
        and the repetition becomes a warning at the second definition. The session config
        is this one's unless it is the default; ``store_entities_as_slots`` is false if
        either says so.
        """
        sink: list[Problem] = [] if problems is None else problems

        def first_wins(kind: str, mine: Mapping[str, _D], theirs: Mapping[str, _D]) -> list[_D]:
            return _combine(kind, mine.values(), theirs.values(), True, sink)

        session = self.session_config
        return Domain.build(
            intents=first_wins("intent", self.intents, other.intents),
            entities=first_wins("entity", self.entities, other.entities),
            slots=_combine("slot", self.user_slots, other.user_slots, True, sink),
            responses=first_wins("response", self.responses, other.responses),
            forms=first_wins("form", self.forms, other.forms),
            actions=first_wins("action", self.actions, other.actions),
            session_config=other.session_config if session == SessionConfig() else session,
            store_entities_as_slots=self.store_entities_as_slots and other.store_entities_as_slots,
            action_texts=(*self.action_texts, *other.action_texts),
        )

    def with_responses(
        self, extra: Mapping[str, Response] | YamlMap, problems: list[Problem] | None = None
    ) -> Domain:
        """Add responses found in data files; like Rasa, these replace domain ones (warned).

        ``extra`` is either parsed responses or a ``responses:`` mapping as read from YAML,
        which is checked here (its defects go to ``problems``).
        """
        sink: list[Problem] = [] if problems is None else problems
        if isinstance(extra, YamlMap):
            extra = parse_responses(extra, extra.source, sink)
        responses = _combine("response", self.responses.values(), extra.values(), False, sink)
        return self._rebuild(responses=responses)

    def with_retrieval_intents(self, intents: Mapping[str, Source]) -> Domain:
        """Mark retrieval intents found in NLU data (name → where first used).

        Intents not declared in the domain are added, and each gets its ``utter_<intent>``
        action, as Rasa does at training time.
        """
        marked = dict(self.intents)
        for name, source in intents.items():
            declared = marked.get(name)
            marked[name] = (
                Intent(name, is_retrieval_intent=True, source=source)
                if declared is None
                else replace(declared, is_retrieval_intent=True)
            )
        actions = dict(self.actions)
        for name, source in intents.items():
            actions.setdefault(f"utter_{name}", ActionDef(f"utter_{name}", source=source))
        return self._rebuild(intents=marked.values(), actions=actions.values())

    def with_action_texts(self, texts: Iterable[str]) -> Domain:
        """Add end-to-end bot texts from stories (``bot:`` steps) to the action list."""
        return self._rebuild(action_texts=(*self.action_texts, *texts))

    def _rebuild(self, **changes: Any) -> Domain:
        parts: dict[str, Any] = {
            "intents": self.intents.values(),
            "entities": self.entities.values(),
            "slots": self.slots.values(),
            "responses": self.responses.values(),
            "forms": self.forms.values(),
            "actions": self.actions.values(),
            "session_config": self.session_config,
            "store_entities_as_slots": self.store_entities_as_slots,
            "action_texts": self.action_texts,
        }
        return Domain.build(**{**parts, **changes})
