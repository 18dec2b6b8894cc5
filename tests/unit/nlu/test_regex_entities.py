"""RegexEntityExtractor: entities from regexes and lookups named after annotated entities."""

from __future__ import annotations

from pathlib import Path

from nlu_helpers import build, data, example, lookup_table, regex

from myna.nlu.extractors.regex_entities import RegexEntityExtractor
from myna.nlu.message import Message

TRAINING = data(
    example("my zip is 10115 in Berlin", "inform", ("zipcode", "10115", "10115")),
    example("to Rome", "inform", ("city", "Rome", "Rome")),
    regexes=(regex("zipcode", r"\d{5}"), regex("unused", r"x+")),
    lookups=(lookup_table("city", "Berlin", "Rome"),),
)


def _entities(text: str, **options: object) -> list[dict]:
    extractor = build(RegexEntityExtractor, **options)
    extractor.train([], TRAINING)
    message = Message(text)
    extractor.process(message)
    return message.entities


def test_matches_become_entities() -> None:
    assert _entities("zip 12345 near berlin, xx") == [
        {
            "entity": "zipcode",
            "start": 4,
            "end": 9,
            "value": "12345",
            "extractor": "RegexEntityExtractor",
        },
        {
            "entity": "city",
            "start": 15,
            "end": 21,
            "value": "berlin",
            "extractor": "RegexEntityExtractor",
        },
    ]


def test_options() -> None:
    assert [e["entity"] for e in _entities("berlin", case_sensitive=True)] == []
    assert [e["entity"] for e in _entities("Berliner", use_word_boundaries=False)] == ["city"]
    assert [e["entity"] for e in _entities("12345 Rome", use_regexes=False)] == ["city"]
    assert [e["entity"] for e in _entities("12345 Rome", use_lookup_tables=False)] == ["zipcode"]


def test_patterns_persist(tmp_path: Path) -> None:
    extractor = build(RegexEntityExtractor)
    extractor.train([], TRAINING)
    extractor.persist(tmp_path)
    loaded = RegexEntityExtractor.load(tmp_path, extractor.config)
    message = Message("Rome")
    loaded.process(message)
    assert message.entities[0]["value"] == "Rome"
