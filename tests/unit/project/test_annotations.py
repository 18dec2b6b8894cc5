"""The inline entity grammar: every form, offsets into the plain text, error offsets."""

from __future__ import annotations

import pytest

from myna.project.annotations import (
    AnnotationError,
    EntityAnnotation,
    parse_annotated,
    parse_intent_payload,
)


def _spans(plain: str, entities: tuple[EntityAnnotation, ...]) -> list[str]:
    return [plain[entity.start : entity.end] for entity in entities]


def test_text_without_brackets_is_returned_unchanged() -> None:
    assert parse_annotated("how are you") == ("how are you", ())


def test_short_form() -> None:
    plain, entities = parse_annotated("how much is in my [savings](account) account")
    assert plain == "how much is in my savings account"
    assert entities == (EntityAnnotation("account", 18, 25, "savings", text="savings"),)
    assert _spans(plain, entities) == ["savings"]


def test_synonym_short_form_keeps_colons_in_the_value() -> None:
    plain, entities = parse_annotated("I want [NYC](city:New York City) at [noon](time:12:00)")
    assert plain == "I want NYC at noon"
    assert [(e.entity, e.value, e.text) for e in entities] == [
        ("city", "New York City", "NYC"),
        ("time", "12:00", "noon"),
    ]
    assert _spans(plain, entities) == ["NYC", "noon"]


def test_json_form_with_role_group_and_value() -> None:
    text = (
        'fly from [Berlin]{"entity": "city", "role": "departure", "group": "1"} '
        'to [Rome]{"entity": "city", "role": "destination", "value": "Roma"}'
    )
    plain, entities = parse_annotated(text)
    assert plain == "fly from Berlin to Rome"
    assert entities == (
        EntityAnnotation("city", 9, 15, "Berlin", "departure", "1", "Berlin"),
        EntityAnnotation("city", 19, 23, "Roma", "destination", None, "Rome"),
    )


def test_json_value_may_contain_closing_braces_and_brackets() -> None:
    plain, entities = parse_annotated('[x]{"entity": "e", "value": "a}b]c"} end')
    assert plain == "x end"
    assert entities[0].value == "a}b]c"


def test_several_annotations_on_one_span() -> None:
    text = 'a [big apple][{"entity": "size", "value": "L"}, {"entity": "fruit"}] please'
    plain, entities = parse_annotated(text)
    assert plain == "a big apple please"
    assert [(e.entity, e.start, e.end, e.value) for e in entities] == [
        ("size", 2, 11, "L"),
        ("fruit", 2, 11, "big apple"),
    ]


def test_offsets_follow_earlier_annotations_of_every_form() -> None:
    text = '[a](x) [bb]{"entity": "y"} [ccc][{"entity": "z"}] [dd](w:v) tail'
    plain, entities = parse_annotated(text)
    assert plain == "a bb ccc dd tail"
    assert _spans(plain, entities) == ["a", "bb", "ccc", "dd"]


def test_unicode_offsets_are_character_offsets() -> None:
    plain, entities = parse_annotated("añade [50 clásicos](playlist) ya")
    assert _spans(plain, entities) == ["50 clásicos"]


@pytest.mark.parametrize(
    "text",
    ["a [b] c", "[x] (y)", "press [a][b]", "list[0]", "[open", "a ] b"],
)
def test_brackets_that_are_not_annotations_stay_text(text: str) -> None:
    assert parse_annotated(text) == (text, ())


def test_nested_opening_bracket_is_plain_text() -> None:
    plain, entities = parse_annotated("[foo [bar](x)")
    assert plain == "[foo bar"
    assert _spans(plain, entities) == ["bar"]


@pytest.mark.parametrize(
    ("text", "offset", "message"),
    [
        ('say [hi]{"entity": "greeting"', 4, "invalid JSON"),
        ('say [hi]{"value": "x"}', 4, "'entity' key"),
        ('ok [hi]{"entity": "g", "rol": "x"}', 3, "unknown key 'rol'"),
        ('ok [hi]{"entity": "g", "role": 3}', 3, "'role' must be a string"),
        ('a [b](c) and [hi][{"entity": "g"}, 5]', 13, "must be a JSON object"),
        ("x [hi][{}]", 2, "'entity' key"),
        ("[hi](city", 0, "malformed entity annotation"),
        ("[hi]( )", 0, "malformed entity annotation"),
        ("[hi](city:)", 0, "malformed entity annotation"),
    ],
)
def test_errors_point_at_the_opening_bracket(text: str, offset: int, message: str) -> None:
    with pytest.raises(AnnotationError) as caught:
        parse_annotated(text)
    assert caught.value.offset == offset
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("text", "intent", "entities"),
    [
        ("/greet", "greet", ()),
        ("/faq/ask_name", "faq/ask_name", ()),
        ("/greet@0.9", "greet", ()),
        ('/inform{"city": "Rome"}', "inform", (("city", "Rome"),)),
        ('/inform{"n": 2, "c": ["a", "b"]}', "inform", (("n", 2), ("c", "a"), ("c", "b"))),
    ],
)
def test_intent_payloads(text: str, intent: str, entities: tuple[tuple[str, object]]) -> None:
    assert parse_intent_payload(text) == (intent, entities)


@pytest.mark.parametrize(
    ("text", "offset"),
    [("/inform{bad}", 7), ('/inform["x"]', 7), ("/", 0), ("/two words", 0)],
)
def test_bad_payloads(text: str, offset: int) -> None:
    with pytest.raises(AnnotationError) as caught:
        parse_intent_payload(text)
    assert caught.value.offset == offset
