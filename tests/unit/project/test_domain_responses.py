"""Responses: variation checks with positions, ids, and what is kept."""

from __future__ import annotations

from myna.project.domain import Response, parse_responses
from myna.project.errors import Problem
from myna.project.yaml_reader import parse_yaml


def _parse(text: str) -> tuple[dict[str, Response], list[Problem]]:
    root = parse_yaml(text, "domain.yml")
    problems: list[Problem] = []
    return parse_responses(root["responses"], root.value_source("responses"), problems), problems


def test_response_problems() -> None:
    text = """\
responses:
  utter_ok:
    - text: "fine"
    - image: "https://example.org/x.jpg"
    - text: hi
      buton_type: inline
    - custom: {}
    - text: 42
  utter_empty: []
  utter_card:
    - custom: {blocks: [1]}
      condition:
        - type: slot
          name: vip
          value: true
        - type: intent
          value: x
"""
    responses, problems = _parse(text)
    found = [(p.source.line, p.source.column, p.message) for p in problems]
    assert found[0][:2] == (4, 7) and "needs a 'text' or a non-empty 'custom'" in found[0][2]
    assert found[1][:2] == (6, 7) and "did you mean 'button_type'?" in found[1][2]
    assert found[2][:2] == (7, 7) and "needs a 'text'" in found[2][2]
    assert (
        found[3][:2] == (8, 13) and "'text' in response 'utter_ok' must be a string" in found[3][2]
    )
    assert found[4][:2] == (9, 16) and "has no variations" in found[4][2]
    assert found[5][0] == 16 and "needs 'type: slot'" in found[5][2]
    assert found[6][0] == 16 and "needs the slot 'name'" in found[6][2]
    assert len(found) == 7
    assert [v["text"] for v in responses["utter_ok"].variations] == ["fine"]
    assert "utter_empty" not in responses and "utter_card" not in responses


def test_duplicate_response_ids() -> None:
    text = (
        'responses:\n  utter_a:\n    - {id: "x", text: a}\n  utter_b:\n    - {id: "x", text: b}\n'
    )
    _, problems = _parse(text)
    assert [(p.source.line, p.message) for p in problems] == [
        (5, "response id 'x' is used twice (also at domain.yml:3:12)")
    ]
