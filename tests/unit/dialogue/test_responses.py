"""TemplatedResponseGenerator: variation pools, conditions, channels, interpolation."""

from __future__ import annotations

from pathlib import Path

import pytest
from dialogue_helpers import domain_from

from myna.dialogue.responses import TemplatedResponseGenerator, interpolate, interpolate_text
from myna.events import SlotSet
from myna.project.domain import Domain
from myna.tracker import Tracker

DOMAIN = """
slots:
  name: {type: text, mappings: [{type: custom}]}
  vip: {type: bool, mappings: [{type: custom}]}
  tier: {type: text, mappings: [{type: custom}]}
responses:
  utter_greet:
    - text: "Hey {name}!"
    - text: "Hi there, Slack"
      channel: slack
    - text: "Welcome back, VIP"
      condition:
        - {type: slot, name: vip, value: true}
  utter_tier:
    - text: "Gold member"
      id: gold_1
      condition:
        - {type: slot, name: tier, value: GOLD}
    - text: "Gold on slack"
      channel: slack
      condition:
        - {type: slot, name: tier, value: gold}
    - text: "Regular"
  utter_many:
    - text: "one"
    - text: "two"
    - text: "three"
    - text: "four"
  utter_rich:
    - text: "Pick, {name}"
      image: "https://img/{name}.png"
      buttons:
        - {title: "{name} yes", payload: '/affirm{{"who":"{name}"}}'}
      custom:
        blocks: [{type: section, text: "for {name}"}]
        nested: {deep: ["{name}", 3]}
      button_type: inline
      metadata: {rendered: true}
  utter_only_slack:
    - text: "slack only"
      channel: slack
  utter_faq/ask_name:
    - text: "I'm a bot."
"""


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    return domain_from(tmp_path, DOMAIN)


def _tracker(domain: Domain, **slots: object) -> Tracker:
    events = [SlotSet(name, value) for name, value in slots.items()]
    return Tracker("u", domain.slot_initial_values(), events)


def test_default_variation_is_interpolated(domain: Domain) -> None:
    nlg = TemplatedResponseGenerator(domain, seed=1)
    message = nlg.generate("utter_greet", _tracker(domain, name="Ada"), "collector")
    assert message == {"text": "Hey Ada!"}


def test_channel_variation_wins_over_default(domain: Domain) -> None:
    nlg = TemplatedResponseGenerator(domain)
    message = nlg.generate("utter_greet", _tracker(domain, name="Ada"), "slack")
    assert message == {"text": "Hi there, Slack", "channel": "slack"}


def test_matching_condition_wins_over_default_without_channel(domain: Domain) -> None:
    nlg = TemplatedResponseGenerator(domain)
    message = nlg.generate("utter_greet", _tracker(domain, vip=True), "collector")
    assert message is not None and message["text"] == "Welcome back, VIP"
    assert message["condition"] == [{"type": "slot", "name": "vip", "value": True}]


def test_default_with_channel_wins_over_condition_without_channel(domain: Domain) -> None:
    nlg = TemplatedResponseGenerator(domain)
    message = nlg.generate("utter_greet", _tracker(domain, vip=True), "slack")
    assert message is not None and message["text"] == "Hi there, Slack"


def test_conditional_channel_variation_comes_first(domain: Domain) -> None:
    nlg = TemplatedResponseGenerator(domain)
    message = nlg.generate("utter_tier", _tracker(domain, tier="Gold"), "slack")
    assert message is not None and message["text"] == "Gold on slack"


def test_string_conditions_ignore_case_and_keep_the_id(domain: Domain) -> None:
    nlg = TemplatedResponseGenerator(domain)
    message = nlg.generate("utter_tier", _tracker(domain, tier="gold"), "collector")
    assert message is not None
    assert (message["text"], message["id"]) == ("Gold member", "gold_1")


def test_failed_condition_falls_back_to_default(domain: Domain) -> None:
    nlg = TemplatedResponseGenerator(domain)
    message = nlg.generate("utter_tier", _tracker(domain, tier="silver"), "collector")
    assert message == {"text": "Regular"}


def test_non_string_conditions_compare_by_equality(domain: Domain) -> None:
    nlg = TemplatedResponseGenerator(domain)
    message = nlg.generate("utter_greet", _tracker(domain, vip=False, name="x"), "collector")
    assert message == {"text": "Hey x!"}


def test_no_usable_variation_or_unknown_response_gives_none(domain: Domain) -> None:
    nlg = TemplatedResponseGenerator(domain)
    assert nlg.generate("utter_only_slack", _tracker(domain), "telegram") is None
    assert nlg.generate("utter_missing", _tracker(domain), "collector") is None


def test_seed_makes_choices_reproducible(domain: Domain) -> None:
    def texts(seed: int) -> list[str]:
        nlg = TemplatedResponseGenerator(domain, seed=seed)
        return [nlg.generate("utter_many", _tracker(domain), "x")["text"] for _ in range(20)]  # type: ignore[index]

    assert texts(7) == texts(7)
    assert set(texts(7)) == {"one", "two", "three", "four"}


def test_rich_parts_are_interpolated_recursively(domain: Domain) -> None:
    nlg = TemplatedResponseGenerator(domain)
    message = nlg.generate("utter_rich", _tracker(domain, name="Ada"), "collector")
    assert message == {
        "text": "Pick, Ada",
        "image": "https://img/Ada.png",
        "buttons": [{"title": "Ada yes", "payload": '/affirm{"who":"Ada"}'}],
        "custom": {
            "blocks": [{"type": "section", "text": "for Ada"}],
            "nested": {"deep": ["Ada", 3]},
        },
        "button_type": "inline",
        "metadata": {"rendered": True},
    }


def test_extra_variables_override_slots(domain: Domain) -> None:
    nlg = TemplatedResponseGenerator(domain)
    message = nlg.generate("utter_greet", _tracker(domain, name="Ada"), "web", name="Bob")
    assert message == {"text": "Hey Bob!"}


def test_generated_message_is_a_copy(domain: Domain) -> None:
    nlg = TemplatedResponseGenerator(domain)
    first = nlg.generate("utter_rich", _tracker(domain, name="A"), "web")
    assert first is not None
    first["custom"]["blocks"].clear()
    second = nlg.generate("utter_rich", _tracker(domain, name="A"), "web")
    assert second is not None and second["custom"]["blocks"]


def test_retrieval_response(domain: Domain) -> None:
    nlg = TemplatedResponseGenerator(domain)
    assert nlg.generate("utter_faq/ask_name", _tracker(domain), "web") == {"text": "I'm a bot."}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi {name}", "Hi Ada"),
        ("Hi {unknown} and {name}", "Hi {unknown} and {name}"),
        ("{{name}} is literal", "{name} is literal"),
        ("{{x}} and {name}", "{x} and Ada"),
        ("{count} items, {flag}", "3 items, None"),
        ("no placeholders", "no placeholders"),
        ("{with space}", "{with space}"),
    ],
)
def test_interpolate_text(text: str, expected: str) -> None:
    assert interpolate_text(text, {"name": "Ada", "count": 3, "flag": None}) == expected


def test_interpolate_leaves_non_strings() -> None:
    value = {"a": [1, True, None, {"b": "{x}"}], "c": 2.5}
    assert interpolate(value, {"x": "y"}) == {"a": [1, True, None, {"b": "y"}], "c": 2.5}
