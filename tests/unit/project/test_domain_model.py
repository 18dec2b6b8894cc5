"""The domain model: entity use per intent, /domain JSON, merging and data additions."""

from __future__ import annotations

from myna.project.domain import ActionDef, Domain, Intent, parse_domain
from myna.project.errors import Problem, Severity, Source
from myna.project.yaml_reader import parse_yaml


def _parse(text: str) -> tuple[Domain, list[Problem]]:
    problems: list[Problem] = []
    return parse_domain(parse_yaml(text, "domain.yml"), problems), problems


INTENTS = """\
version: "3.1"
intents:
  - greet
  - inform:
      use_entities: [city]
  - chitchat:
      ignore_entities: [name]
  - deny:
      use_entities: false
  - faq:
      is_retrieval_intent: true
entities:
  - name
  - city:
      roles: [departure, destination]
      groups: ["1"]
  - mood:
      influence_conversation: false
config:
  store_entities_as_slots: false
"""


def test_intent_and_entity_properties() -> None:
    domain, problems = _parse(INTENTS)
    assert problems == []
    assert domain.intents["inform"].use_entities == ("city",)
    assert domain.intents["deny"].use_entities == ()
    assert domain.intents["chitchat"].ignore_entities == ("name",)
    assert domain.retrieval_intents == ("faq",)
    assert domain.entities["city"].labels == ("city#departure", "city#destination", "city#1")
    assert domain.entity_labels == (
        "city",
        "mood",
        "name",
        "city#departure",
        "city#destination",
        "city#1",
    )
    assert domain.store_entities_as_slots is False


def test_used_entities_follow_use_and_ignore() -> None:
    domain, _ = _parse(INTENTS)
    city = {"city", "city#departure", "city#destination", "city#1"}
    assert domain.used_entities("greet") == frozenset({"name", *city})
    assert domain.used_entities("inform") == frozenset(city)
    assert domain.used_entities("chitchat") == frozenset(city)  # 'mood' never influences
    assert domain.used_entities("deny") == frozenset()
    assert domain.used_entities("restart") == frozenset({"name", *city})


def test_as_dict_keeps_properties_and_config() -> None:
    data = _parse(INTENTS)[0].as_dict()
    assert data["intents"] == [
        {"chitchat": {"ignore_entities": ["name"]}},
        {"deny": {"use_entities": []}},
        {"faq": {"is_retrieval_intent": True}},
        "greet",
        {"inform": {"use_entities": ["city"]}},
    ]
    assert data["entities"][1] == {"city": {"roles": ["departure", "destination"], "groups": ["1"]}}
    assert data["entities"][2] == {"mood": {"influence_conversation": False}}
    assert data["config"] == {"store_entities_as_slots": False}
    assert data["session_config"] == {
        "session_expiration_time": 60,
        "carry_over_slots_to_new_session": True,
    }
    assert data["version"] == "3.1"
    assert "slots" not in data  # only default slots: not part of the file's domain


def test_merge_keeps_default_slots_single_and_ands_the_config() -> None:
    first = Domain.build(intents=[Intent("a")], forms=[], store_entities_as_slots=True)
    second = Domain.build(actions=[ActionDef("action_x")], store_entities_as_slots=False)
    problems: list[Problem] = []
    merged = first.merge(second, problems)
    assert problems == []
    assert list(merged.slots) == ["session_started_metadata"]
    assert merged.user_action_names == ("action_x",)
    assert merged.store_entities_as_slots is False


def test_with_responses_from_data_files_override_and_are_checked() -> None:
    domain, _ = _parse("responses:\n  utter_faq/ask_name:\n    - text: old\n")
    data = parse_yaml(
        "responses:\n  utter_faq/ask_name:\n    - text: new\n  utter_faq/bad:\n    - image: x\n",
        "data/faq.yml",
    )["responses"]
    problems: list[Problem] = []
    merged = domain.with_responses(data, problems)
    assert merged.responses["utter_faq/ask_name"].variations[0]["text"] == "new"
    assert "utter_faq/bad" not in merged.responses
    assert [(p.source.file, p.source.line, p.severity) for p in problems] == [
        ("data/faq.yml", 5, Severity.ERROR),
        ("data/faq.yml", 2, Severity.WARNING),
    ]


def test_with_retrieval_intents_marks_intents_and_adds_their_action() -> None:
    domain, _ = _parse("intents:\n  - faq\n  - greet\n")
    nlu = Source("data/nlu.yml", 7, 3)
    marked = domain.with_retrieval_intents({"faq": nlu, "chitchat": nlu})
    assert marked.retrieval_intents == ("chitchat", "faq")
    assert marked.intents["faq"].source.line == 2
    assert marked.intents["chitchat"].source == nlu
    assert marked.user_action_names == ("utter_faq", "utter_chitchat")


def test_with_action_texts_extends_the_action_list() -> None:
    domain = Domain.build(actions=[ActionDef("action_a")]).with_action_texts(["Hi!", "Hi!"])
    assert domain.action_names[-2:] == ("action_a", "Hi!")
    assert domain.as_dict()["e2e_actions"] == ["Hi!"]
