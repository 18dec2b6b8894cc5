"""Which `Action` runs for an action name (action-server-protocol.md §1).

In order: names the domain does not know are an error; a default action runs built in
unless the domain lists an action (or form) of that name; `utter_<retrieval intent>`
says the ResponseSelector's choice; an end-to-end bot text is said as written; any
other `utter_*` says its response; a form runs in the engine unless a custom action of
its name is listed; everything else is a custom action. Forms and `action_extract_slots`
live in their own modules and are imported when first looked up (the lazy loader).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from types import MappingProxyType

from myna.dialogue.actions.base import Action
from myna.dialogue.actions.defaults import DEFAULT_ACTION_FACTORIES
from myna.dialogue.actions.remote import RemoteAction
from myna.dialogue.actions.utter import (
    UTTER_PREFIX,
    EndToEndUtterAction,
    RetrievalAction,
    UtterAction,
)
from myna.project.domain import Domain

ACTION_EXTRACT_SLOTS = "action_extract_slots"
# Actions written in their own modules: "module:class", imported on first use.
_LAZY_ACTIONS: Mapping[str, str] = MappingProxyType(
    {
        "form": "myna.dialogue.actions.forms:FormAction",
        ACTION_EXTRACT_SLOTS: "myna.dialogue.actions.extract_slots:ActionExtractSlots",
    }
)


class UnknownActionError(LookupError):
    """The domain has no action of this name."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"action '{name}' is not in the domain (not a default action, response, form, "
            "listed custom action or end-to-end bot text)"
        )
        self.name = name


def _lazy_class(kind: str) -> Callable[..., Action]:
    module_name, _, class_name = _LAZY_ACTIONS[kind].partition(":")
    action_class: Callable[..., Action] = getattr(importlib.import_module(module_name), class_name)
    return action_class


def _default_action(name: str, domain: Domain) -> Action:
    if name == ACTION_EXTRACT_SLOTS:
        return _lazy_class(ACTION_EXTRACT_SLOTS)()
    return DEFAULT_ACTION_FACTORIES[name](lambda other: action_for_name(other, domain))


def _is_overridden(name: str, domain: Domain) -> bool:
    return name in domain.actions or name in domain.forms


def _is_default(name: str, domain: Domain) -> bool:
    is_built_in = name in DEFAULT_ACTION_FACTORIES or name == ACTION_EXTRACT_SLOTS
    return is_built_in and not _is_overridden(name, domain)


def action_for_name(name: str, domain: Domain) -> Action:
    """The action to run for `name`; raises UnknownActionError for a name not in the domain."""
    if name not in domain.action_names:
        raise UnknownActionError(name)
    if _is_default(name, domain):
        return _default_action(name, domain)
    is_utter = name.startswith(UTTER_PREFIX)
    if is_utter and name.removeprefix(UTTER_PREFIX) in domain.retrieval_intents:
        return RetrievalAction(name)
    if name in domain.action_texts:
        return EndToEndUtterAction(name)
    if is_utter:
        return UtterAction(name)
    if name in domain.forms and name not in domain.actions:
        return _lazy_class("form")(name)
    return RemoteAction(name)
