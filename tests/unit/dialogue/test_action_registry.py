"""action_for_name: which Action runs for each kind of name."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from dialogue_helpers import domain_from

from myna.dialogue.actions.defaults import (
    NoEventsAction,
    SessionStartAction,
    UtterIfDefinedAction,
)
from myna.dialogue.actions.fallback import TwoStageFallbackAction
from myna.dialogue.actions.registry import UnknownActionError, action_for_name
from myna.dialogue.actions.remote import RemoteAction
from myna.dialogue.actions.utter import EndToEndUtterAction, RetrievalAction, UtterAction
from myna.project.domain import DEFAULT_ACTIONS, Domain

DOMAIN = """
intents:
  - greet
  - faq: {is_retrieval_intent: true}
responses:
  utter_greet:
    - text: hi
  utter_faq/ask_name:
    - text: "I'm a bot."
  greeting_not_utter:
    - text: hello
forms:
  booking_form:
    required_slots: []
  overridden_form:
    required_slots: []
actions:
  - action_weather
  - action_session_start
  - overridden_form
  - utter_faq
  - utter_listed_without_response
e2e_actions:
  - "Hello there!"
"""


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    return domain_from(tmp_path, DOMAIN)


def _has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("action_listen", NoEventsAction),
        ("action_restart", UtterIfDefinedAction),
        ("action_back", UtterIfDefinedAction),
        ("action_two_stage_fallback", TwoStageFallbackAction),
        ("...", NoEventsAction),
        ("utter_greet", UtterAction),
        ("utter_faq/ask_name", UtterAction),
        ("utter_listed_without_response", UtterAction),
        ("utter_faq", RetrievalAction),
        ("Hello there!", EndToEndUtterAction),
        ("action_weather", RemoteAction),
        ("action_session_start", RemoteAction),
        ("overridden_form", RemoteAction),
        ("greeting_not_utter", RemoteAction),
    ],
)
def test_action_kinds(domain: Domain, name: str, kind: type) -> None:
    action = action_for_name(name, domain)
    assert isinstance(action, kind)
    assert action.name == name


def test_every_default_action_has_its_name(tmp_path: Path) -> None:
    domain = domain_from(tmp_path, "intents: [greet]\n")
    built_in = [name for name in DEFAULT_ACTIONS if name != "action_extract_slots"]
    assert [action_for_name(name, domain).name for name in built_in] == built_in
    assert isinstance(action_for_name("action_session_start", domain), SessionStartAction)


def test_unknown_name_is_an_error(domain: Domain) -> None:
    with pytest.raises(UnknownActionError, match="action_nowhere"):
        action_for_name("action_nowhere", domain)


@pytest.mark.skipif(
    not _has_module("myna.dialogue.actions.forms"), reason="forms module not written yet"
)
def test_form_name_runs_the_form_action(domain: Domain) -> None:
    action = action_for_name("booking_form", domain)
    assert type(action).__name__ == "FormAction"
    assert action.name == "booking_form"


@pytest.mark.skipif(
    not _has_module("myna.dialogue.actions.extract_slots"),
    reason="extract_slots module not written yet",
)
def test_extract_slots_is_built_in(domain: Domain) -> None:
    action = action_for_name("action_extract_slots", domain)
    assert type(action).__name__ == "ActionExtractSlots"
