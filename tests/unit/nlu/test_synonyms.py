"""EntitySynonymMapper: canonical values, case-insensitive, marks what it changed."""

from __future__ import annotations

from pathlib import Path

from nlu_helpers import build, data, example

from myna.nlu.extractors.synonyms import EntitySynonymMapper
from myna.nlu.message import Message
from myna.project.errors import Source
from myna.project.nlu import Synonym

TRAINING = data(
    example("fly to NYC", "fly", ("city", "NYC", "New York")),
    synonyms=(Synonym("Berlin", ("berlin city", "BER"), Source("nlu.yml", 9)),),
)


def _mapped(mapper: EntitySynonymMapper, *values: str) -> list[dict]:
    message = Message("x", entities=[{"entity": "city", "value": v} for v in values])
    mapper.process(message)
    return message.entities


def test_values_are_replaced_and_marked() -> None:
    mapper = build(EntitySynonymMapper)
    mapper.train([], TRAINING)
    nyc, ber, rome = _mapped(mapper, "nyc", "Ber", "Rome")
    assert nyc == {"entity": "city", "value": "New York", "processors": ["EntitySynonymMapper"]}
    assert ber["value"] == "Berlin" and ber["processors"] == ["EntitySynonymMapper"]
    assert rome == {"entity": "city", "value": "Rome"}


def test_existing_processors_are_kept(tmp_path: Path) -> None:
    mapper = build(EntitySynonymMapper)
    mapper.train([], TRAINING)
    mapper.persist(tmp_path)
    loaded = EntitySynonymMapper.load(tmp_path, mapper.config)
    message = Message("x", entities=[{"value": "BER", "processors": ["Other"]}])
    loaded.process(message)
    assert message.entities[0]["processors"] == ["Other", "EntitySynonymMapper"]
