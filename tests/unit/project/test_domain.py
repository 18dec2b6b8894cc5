"""Domain loading: the golden bot, Rasa's /domain JSON, every defect with its position."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from myna.project.domain import (
    DEFAULT_ACTIONS,
    Domain,
    EntityDef,
    Intent,
    SessionConfig,
    load_domain,
)
from myna.project.errors import Problem, Severity, Source


def _load(tmp_path: Path, text: str) -> tuple[Domain, list[Problem]]:
    path = tmp_path / "domain.yml"
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    return load_domain(path, problems), problems


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]


def _warnings(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.WARNING]


@pytest.fixture(scope="module")
def golden_domain(shared: Path) -> Domain:
    path = shared / "golden" / "bot" / "domain.yml"
    assert path.is_file()
    problems: list[Problem] = []
    domain = load_domain(path, problems)
    assert problems == []
    return domain


def test_golden_intents_entities_and_actions(golden_domain: Domain) -> None:
    assert list(golden_domain.intents) == [
        "affirm",
        "book_table",
        "deny",
        "goodbye",
        "greet",
        "inform",
        "nlu_fallback",
    ]
    assert golden_domain.intent_names == (
        "affirm",
        "back",
        "book_table",
        "deny",
        "goodbye",
        "greet",
        "inform",
        "nlu_fallback",
        "out_of_scope",
        "restart",
        "session_start",
    )
    greet = golden_domain.intents["greet"]
    assert greet == Intent("greet", source=Source(greet.source.file, 3, 5))
    assert greet.source.file.endswith("bot/domain.yml")
    assert list(golden_domain.entities) == ["party_size", "cuisine"]
    assert golden_domain.entity_names == ("cuisine", "party_size")
    assert golden_domain.actions["validate_booking_form"].send_domain is False
    assert golden_domain.action_needs_domain("validate_booking_form")
    assert not golden_domain.action_needs_domain("action_confirm_booking")
    assert golden_domain.session_config == SessionConfig(60, True)
    assert golden_domain.store_entities_as_slots is True


def test_golden_slots_forms_and_responses(golden_domain: Domain) -> None:
    slots = golden_domain.slots
    assert list(slots) == [
        "party_size",
        "cuisine",
        "visits",
        "requested_slot",
        "session_started_metadata",
    ]
    party_size = slots["party_size"]
    assert (party_size.type, party_size.influence_conversation) == ("float", True)
    assert (party_size.min_value, party_size.max_value) == (0.0, 1.0)
    assert [(m.type, m.entity) for m in party_size.mappings] == [("from_entity", "party_size")]
    assert party_size.mappings[0].source == Source(party_size.source.file, 18, 9)
    assert party_size.source.line == 14
    assert (slots["visits"].initial_value, slots["visits"].mappings[0].type) == (0, "custom")
    assert slots["requested_slot"].type == "text"
    assert not slots["requested_slot"].influence_conversation
    assert slots["session_started_metadata"].type == "any"
    assert [s.name for s in golden_domain.user_slots] == ["party_size", "cuisine", "visits"]

    form = golden_domain.forms["booking_form"]
    assert form.required_slots == ("party_size", "cuisine")
    assert [s.line for s in form.slot_sources] == [35, 36]

    ask = golden_domain.responses["utter_ask_cuisine"]
    assert ask.source.line == 44
    assert ask.variations[0]["text"] == "Which cuisine would you like?"
    assert ask.variations[0]["buttons"][1] == {
        "title": "Thai",
        "payload": '/inform{{"cuisine":"thai"}}',
    }


def test_golden_slot_initial_values(golden_domain: Domain) -> None:
    assert golden_domain.slot_initial_values() == {
        "party_size": None,
        "cuisine": None,
        "visits": 0,
        "requested_slot": None,
        "session_started_metadata": None,
    }


def test_action_names_in_prediction_order(golden_domain: Domain) -> None:
    assert golden_domain.action_names == (
        *DEFAULT_ACTIONS,
        "validate_booking_form",
        "action_confirm_booking",
        "utter_ask_cuisine",
        "utter_ask_party_size",
        "utter_cancelled",
        "utter_default",
        "utter_goodbye",
        "utter_greet",
        "booking_form",
    )
    assert golden_domain.action_names.index("action_listen") == 0
    assert len(DEFAULT_ACTIONS) == 13


def test_action_names_are_those_rasa_scored(golden: Path, golden_domain: Domain) -> None:
    _status, body = json.loads((golden / "http_predict.json").read_text())
    assert sorted(score["action"] for score in body["scores"]) == sorted(golden_domain.action_names)


def test_as_dict_reproduces_rasa_domain_json(golden: Path, golden_domain: Domain) -> None:
    status, expected = json.loads((golden / "http_domain.json").read_text())
    assert status == 200
    assert json.loads(json.dumps(golden_domain.as_dict())) == expected


def test_domain_as_sent_to_the_action_server(golden: Path, golden_domain: Domain) -> None:
    exchanges = json.loads((golden / "action_server_exchanges.json").read_text())
    assert json.loads(json.dumps(golden_domain.as_dict())) == exchanges[0]["request"]["domain"]


def test_slot_problems_point_at_the_value_and_skip_only_that_slot(tmp_path: Path) -> None:
    text = """\
slots:
  good:
    type: text
    mappings: [{type: from_text}]
  typo:
    type: txt
    mappings: []
  unmapped:
    type: bool
  anything:
    type: any
    influence_conversation: true
    mappings: []
"""
    domain, problems = _load(tmp_path, text)
    errors = _errors(problems)
    assert [(p.source.line, p.source.column) for p in errors] == [(6, 11), (8, 3), (12, 29)]
    assert "unknown slot type 'txt'" in errors[0].message
    assert "text, bool, categorical, float, list, any" in errors[0].message
    assert "has no 'mappings'" in errors[1].message
    assert "cannot influence the conversation" in errors[2].message
    assert list(domain.slots) == ["good", "anything", "session_started_metadata"]
    assert domain.slots["anything"].influence_conversation is False


def test_mapping_problems(tmp_path: Path) -> None:
    text = """\
slots:
  city:
    type: text
    mappings:
      - type: from_entity
        entity: city
      - type: from_entiti
        entity: city
      - type: from_entity
        intent: inform
      - type: from_intent
        intent: affirm
      - type: custom
        action: action_city
        colour: red
"""
    domain, problems = _load(tmp_path, text)
    messages = [(p.source.line, p.message) for p in _errors(problems)]
    assert messages[0][0] == 7 and "unknown type 'from_entiti'" in messages[0][1]
    assert "from_entity, from_text, from_intent, from_trigger_intent, custom" in messages[0][1]
    assert messages[1][0] == 9 and "needs a value for 'entity'" in messages[1][1]
    assert messages[2][0] == 11 and "needs a value for 'value'" in messages[2][1]
    assert messages[3][0] == 15 and "unknown key 'colour'" in messages[3][1]
    assert [m.type for m in domain.slots["city"].mappings] == ["from_entity"]


def test_slot_types_ranges_and_yaml_1_2_values(tmp_path: Path) -> None:
    text = """\
slots:
  answer:
    type: categorical
    values: [yes, no, Maybe]
    mappings: [{type: custom}]
  rating:
    type: float
    min_value: 5
    max_value: 1
    mappings: [{type: custom}]
  score:
    type: float
    max_value: 10
    initial_value: 11
    mappings: [{type: custom}]
  flag:
    type: bool
    values: [a]
    mappings: [{type: custom}]
"""
    domain, problems = _load(tmp_path, text)
    assert domain.slots["answer"].values == ("yes", "no", "Maybe")
    assert domain.slots["answer"].categories == ("yes", "no", "maybe", "__other__")
    errors, warnings = _errors(problems), _warnings(problems)
    assert [(p.source.line, p.source.column) for p in errors] == [(8, 16), (18, 5)]
    assert "min_value (5) must be smaller than max_value (1)" in errors[0].message
    assert "unknown key 'values' in slot 'flag' of type bool" in errors[1].message
    assert len(warnings) == 1 and warnings[0].source.line == 14
    assert domain.slots["score"].max_value == 10


def test_form_problems(tmp_path: Path) -> None:
    text = """\
forms:
  ok_form:
    required_slots: [a]
    ignored_intents: chitchat
  empty_form:
  typo_form:
    required_slot: [a]
  ignoring_form:
    ignored_intents: [x]
  old_form:
    required_slots:
      a:
        - type: from_text
"""
    domain, problems = _load(tmp_path, text)
    errors = _errors(problems)
    assert [(p.source.line, p.source.column) for p in errors] == [(7, 5), (8, 3), (12, 7)]
    assert "unknown key 'required_slot' in form 'typo_form' (did you mean" in errors[0].message
    assert "has 'ignored_intents' but no 'required_slots'" in errors[1].message
    assert "must be a list of slot names" in errors[2].message
    assert domain.forms["ok_form"].ignored_intents == ("chitchat",)
    assert domain.forms["empty_form"].required_slots == ()
    assert "old_form" not in domain.forms
    assert "requested_slot" in domain.slots


def test_list_item_problems(tmp_path: Path) -> None:
    text = """\
intents:
  - greet
  - inform:
  - greet
  - {a: {}, b: {}}
  - chitchat:
      use_entity: true
entities:
  - city:
      roles: departure
actions:
  - action_a:
      send_domain: yes
"""
    domain, problems = _load(tmp_path, text)
    found = [(p.source.line, p.source.column, p.message) for p in _errors(problems)]
    assert found[0][:2] == (3, 5)
    assert "'inform:' with an empty value" in found[0][2]
    assert found[1][:2] == (4, 5) and "intent 'greet' is listed twice" in found[1][2]
    assert found[2][:2] == (5, 5) and "must be a name or a 'name: {properties}'" in found[2][2]
    assert found[3][:2] == (7, 7) and "unknown key 'use_entity'" in found[3][2]
    assert found[4][:2] == (10, 14) and "'roles' must be a list of strings" in found[4][2]
    assert found[5][:2] == (13, 20) and "'send_domain' must be true or false" in found[5][2]
    assert list(domain.intents) == ["chitchat", "greet"]


def test_session_config_and_sections_of_the_wrong_kind(tmp_path: Path) -> None:
    text = """\
intents: greet
session_config:
  session_expiration_time: -1
  carry_over_slots_to_new_session: false
slots: []
colour: blue
"""
    domain, problems = _load(tmp_path, text)
    found = [(p.source.line, p.severity, p.message) for p in problems]
    assert found == [
        (6, Severity.WARNING, "unknown key 'colour' in the domain"),
        (1, Severity.ERROR, "'intents' must be a list, not a string"),
        (5, Severity.ERROR, "'slots' must be a mapping, not a list"),
        (3, Severity.ERROR, "'session_expiration_time' must be 0 (never expire) or more minutes"),
    ]
    assert domain.session_config == SessionConfig(60, False)


@pytest.mark.parametrize(
    ("version", "loaded", "message"),
    [
        ('"3.1"', True, None),
        ('"2.0"', True, "older than 3.1"),
        ('"3.2"', False, "newer than the supported 3.1"),
    ],
)
def test_format_version(tmp_path: Path, version: str, loaded: bool, message: str | None) -> None:
    domain, problems = _load(tmp_path, f"version: {version}\nintents: [greet]\n")
    assert ("greet" in domain.intents) is loaded
    if message is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].severity is Severity.WARNING
        assert message in problems[0].message and problems[0].source.line == 1


def test_invalid_yaml_is_one_problem_and_an_empty_domain(tmp_path: Path) -> None:
    domain, problems = _load(tmp_path, "intents:\n  - greet\n - bad\n")
    assert len(problems) == 1 and "invalid YAML" in problems[0].message
    assert domain.intents == {} and domain.action_names == DEFAULT_ACTIONS


def test_missing_domain_is_left_to_the_project_loader(tmp_path: Path) -> None:
    problems: list[Problem] = []
    assert load_domain(tmp_path / "nope.yml", problems).intents == {}
    assert problems == []


def test_directory_is_merged_first_definition_wins(tmp_path: Path) -> None:
    folder = tmp_path / "domain"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.yml").write_text(
        "intents: [greet, bye]\nresponses:\n  utter_greet:\n    - text: Hi\n"
    )
    (folder / "sub" / "b.yaml").write_text(
        "intents: [greet, ask]\nresponses:\n  utter_greet:\n    - text: Hello\n"
        "forms:\n  f:\n    required_slots: []\n"
        "session_config:\n  session_expiration_time: 0\n"
    )
    (folder / "nlu.yml").write_text("nlu:\n- intent: greet\n  examples: |\n    - hi\n")
    (folder / "notes.txt").write_text("intents: [ignored]\n")
    problems: list[Problem] = []
    domain = load_domain(folder, problems)
    assert list(domain.intents) == ["ask", "bye", "greet"]
    assert domain.responses["utter_greet"].variations[0]["text"] == "Hi"
    assert "f" in domain.forms and "requested_slot" in domain.slots
    assert domain.session_config.session_expiration_time == 0
    b_file = str(folder / "sub" / "b.yaml")
    assert [(p.source.file, p.source.line, p.severity) for p in problems] == [
        (b_file, 1, Severity.WARNING),
        (b_file, 3, Severity.WARNING),
    ]
    assert "intent 'greet' is defined more than once" in problems[0].message
    assert f"the definition at {folder / 'a.yml'}:1:11 is used" in problems[0].message


def test_form_named_like_a_response_is_an_error(tmp_path: Path) -> None:
    text = "responses:\n  ask_form:\n    - text: hi\nforms:\n  ask_form:\n    required_slots: []\n"
    _, problems = _load(tmp_path, text)
    assert [(p.source.line, p.message) for p in problems] == [
        (5, "form 'ask_form' has the name of a response; rename one of them")
    ]


def test_domain_is_immutable(golden_domain: Domain) -> None:
    with pytest.raises(TypeError):
        golden_domain.slots["x"] = golden_domain.slots["cuisine"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        golden_domain.store_entities_as_slots = False  # type: ignore[misc]
    assert EntityDef("x").as_dict() == "x"
