"""BILOU / IO tagging round trips, including multi-token, adjacent entities and roles."""

from typing import Any

import pytest

from myna.nlu.diet.bilou import (
    TagScheme,
    decode_entities,
    encode_entities,
    schemes_from_entities,
)


def tokenize(text: str) -> list[tuple[int, int]]:
    tokens, start = [], 0
    for word in text.split(" "):
        tokens.append((start, start + len(word)))
        start += len(word) + 1
    return tokens


def entity(text: str, value: str, label: str, **extra: Any) -> dict[str, Any]:
    start = text.index(value)
    return {"start": start, "end": start + len(value), "value": value, "entity": label, **extra}


def round_trip(
    text: str, entities: list[dict[str, Any]], bilou: bool = True
) -> list[dict[str, Any]]:
    tokens = tokenize(text)
    schemes = schemes_from_entities([entities], bilou=bilou)
    tags = encode_entities(tokens, entities, schemes)
    confidences = {head: [0.9] * len(tokens) for head in tags}
    return decode_entities(text, tokens, tags, confidences, schemes)


def strip(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ignored = {"extractor", "confidence_entity", "confidence_role", "confidence_group"}
    return [{k: v for k, v in e.items() if k not in ignored} for e in entities]


def test_scheme_tags() -> None:
    scheme = TagScheme.from_labels(["city", "city", "name"], bilou=True)
    assert scheme.tags[:5] == ("O", "B-city", "I-city", "L-city", "U-city")
    assert scheme.span_tag_ids("city", 3) == [1, 2, 3]
    assert scheme.span_tag_ids("name", 1) == [8]
    assert scheme.split(2) == ("I", "city")
    assert scheme.split(0) == ("", None)
    assert TagScheme.from_json(scheme.to_json()) == scheme
    assert TagScheme.from_labels(["city"], bilou=False).tags == ("O", "city")


def test_multi_token_and_single_token_entities() -> None:
    text = "fly from new york city to paris"
    entities = [entity(text, "new york city", "city"), entity(text, "paris", "city")]
    assert strip(round_trip(text, entities)) == entities


def test_adjacent_entities_of_the_same_type_stay_apart_with_bilou() -> None:
    text = "visit berlin paris today"
    entities = [entity(text, "berlin", "city"), entity(text, "paris", "city")]
    assert strip(round_trip(text, entities)) == entities
    merged = round_trip(text, entities, bilou=False)
    assert [e["value"] for e in merged] == ["berlin paris"]


def test_adjacent_entities_of_different_types() -> None:
    text = "book john smith tomorrow morning"
    entities = [entity(text, "john smith", "person"), entity(text, "tomorrow morning", "time")]
    assert strip(round_trip(text, entities)) == entities
    assert strip(round_trip(text, entities, bilou=False)) == entities


def test_roles_and_groups() -> None:
    text = "from new york to boston with 2 kids"
    entities = [
        entity(text, "new york", "city", role="departure"),
        entity(text, "boston", "city", role="destination"),
        entity(text, "2", "number", group="1"),
    ]
    decoded = round_trip(text, entities)
    assert strip(decoded) == entities
    assert decoded[0]["confidence_role"] == pytest.approx(0.9)
    assert "confidence_role" not in decoded[2]


def test_role_change_splits_an_io_entity() -> None:
    text = "between berlin paris"
    entities = [
        entity(text, "berlin", "city", role="a"),
        entity(text, "paris", "city", role="b"),
    ]
    assert strip(round_trip(text, entities, bilou=False)) == entities


def test_comma_splits_entities_unless_disabled() -> None:
    text = "buy apples, pears and milk"
    tokens = [(0, 3), (4, 10), (12, 17), (18, 21), (22, 26)]
    schemes = {"entity": TagScheme.from_labels(["fruit"], bilou=False)}
    tags = {"entity": [0, 1, 1, 0, 0]}
    confidences = {"entity": [1.0, 0.8, 0.6, 1.0, 1.0]}
    split = decode_entities(text, tokens, tags, confidences, schemes)
    assert [e["value"] for e in split] == ["apples", "pears"]
    joined = decode_entities(text, tokens, tags, confidences, schemes, lambda _: False)
    assert [(e["value"], e["confidence_entity"]) for e in joined] == [("apples, pears", 0.6)]


def test_entity_inside_a_token_tags_the_whole_token() -> None:
    text = "to berlin."
    tokens = [(0, 2), (3, 10)]
    schemes = schemes_from_entities([[entity(text, "berlin", "city")]], bilou=True)
    tags = encode_entities(tokens, [entity(text, "berlin", "city")], schemes)
    assert tags == {"entity": [0, schemes["entity"].tags.index("U-city")]}
