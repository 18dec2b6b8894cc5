"""The training-data hash: same data in any example order → same hash; any change → new."""

from __future__ import annotations

from myna.model.fingerprint import nlu_data_hash
from myna.project.annotations import EntityAnnotation
from myna.project.errors import Source
from myna.project.nlu import LookupTable, NLUData, NLUExample, RegexPattern, Synonym

HERE = Source("data/nlu.yml", 1)


def _example(text: str, intent: str, *entities: EntityAnnotation, line: int = 1) -> NLUExample:
    return NLUExample(text, intent, entities, None, Source("data/nlu.yml", line))


PIZZA = EntityAnnotation("food", 7, 12, "pizza", text="pizza")
EXAMPLES = (
    _example("hello", "greet"),
    _example("I want pizza", "order", PIZZA),
    _example("bye", "goodbye"),
)
SYNONYMS = (Synonym("japanese", ("sushi",), HERE), Synonym("italian", ("pizza",), HERE))
REGEXES = (RegexPattern("zipcode", r"\d{5}", HERE), RegexPattern("phone", r"\d{9}", HERE))
LOOKUPS = (LookupTable("food", ("pizza", "sushi"), HERE),)


def _data(
    examples: tuple[NLUExample, ...] = EXAMPLES,
    synonyms: tuple[Synonym, ...] = SYNONYMS,
    regexes: tuple[RegexPattern, ...] = REGEXES,
    lookups: tuple[LookupTable, ...] = LOOKUPS,
) -> NLUData:
    return NLUData(examples, synonyms, regexes, lookups)


def test_the_hash_ignores_example_and_synonym_order_and_file_positions() -> None:
    moved = tuple(
        _example(e.text, e.intent, *e.entities, line=40 + i) for i, e in enumerate(EXAMPLES)
    )
    assert nlu_data_hash(_data()) == nlu_data_hash(_data(examples=EXAMPLES[::-1]))
    assert nlu_data_hash(_data()) == nlu_data_hash(_data(examples=moved))
    assert nlu_data_hash(_data()) == nlu_data_hash(_data(synonyms=SYNONYMS[::-1]))


def test_any_change_of_content_changes_the_hash() -> None:
    original = nlu_data_hash(_data())
    changed = [
        _data(examples=(*EXAMPLES[:2], _example("bye!", "goodbye"))),
        _data(examples=(*EXAMPLES[:2], _example("bye", "greet"))),
        _data(examples=(*EXAMPLES, EXAMPLES[0])),  # a duplicate weighs in training
        _data(examples=(EXAMPLES[0], _example("I want pizza", "order"), EXAMPLES[2])),
        _data(synonyms=SYNONYMS[:1]),
        _data(regexes=REGEXES[::-1]),  # regex order is feature order
        _data(lookups=(LookupTable("food", ("pizza",), HERE),)),
    ]
    hashes = [nlu_data_hash(data) for data in changed]
    assert original not in hashes
    assert len(set(hashes)) == len(hashes)
