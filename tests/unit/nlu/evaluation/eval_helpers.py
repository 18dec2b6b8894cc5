"""Synthetic data, a keyword/regex pipeline and a PNG check for the evaluation tests.

The pipeline (WhitespaceTokenizer, KeywordIntentClassifier, RegexEntityExtractor,
EntitySynonymMapper, FallbackClassifier) gets TEST right in 7 of 10 cases; the expected
figures in the tests are worked out by hand in the comments of TEST.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

from myna.nlu.pipeline import Pipeline
from myna.project.config import ComponentSpec, ProjectConfig
from myna.project.errors import Source
from myna.project.nlu import EntityAnnotation, LookupTable, NLUData, NLUExample

HERE = Source("x.yml", 1, 1)

SPECS = (
    ComponentSpec("WhitespaceTokenizer", {}, HERE, {}),
    ComponentSpec("KeywordIntentClassifier", {}, HERE, {}),
    ComponentSpec("RegexEntityExtractor", {}, HERE, {}),
    ComponentSpec("EntitySynonymMapper", {}, HERE, {}),
    ComponentSpec("FallbackClassifier", {"threshold": 0.3}, HERE, {}),
)
CONFIG = ProjectConfig(
    recipe="default.v1",
    assistant_id=None,
    language="en",
    pipeline=SPECS,
    policies=(),
    source=HERE,
    auto_configured_pipeline=False,
    auto_configured_policies=False,
)
CITIES = (LookupTable("city", ("Berlin", "Paris"), HERE),)


def example(text: str, intent: str, *entities: tuple[str, str]) -> NLUExample:
    """An example; each entity is (type, annotated text), its value the text."""
    annotations = []
    for entity, span in entities:
        start = text.index(span)
        annotations.append(EntityAnnotation(entity, start, start + len(span), span, text=span))
    return NLUExample(text, intent, tuple(annotations), None, HERE)


TRAIN = NLUData(
    examples=(
        example("hello", "greet"),
        example("hi there", "greet"),
        example("bye", "goodbye"),
        example("see you", "goodbye"),
        example("book a table", "book"),
        example("table in Berlin", "book", ("city", "Berlin")),
    ),
    lookups=CITIES,
)

TEST = NLUData(
    examples=(
        example("hello friend", "greet"),  # greet, right
        example("hi there bot", "greet"),  # greet, right
        example("bye now", "goodbye"),  # goodbye, right
        example("hello and bye", "goodbye"),  # greet: "hello" is the first keyword
        example("see you", "goodbye"),  # goodbye, right
        example("book a table in Berlin", "book", ("city", "Berlin")),  # right, city right
        example("book a table in Paris", "book", ("city", "Paris")),  # right, city right
        example("a seat in Rome please", "book", ("city", "Rome")),  # nlu_fallback, city missed
        example("hi there, book a table", "book"),  # greet
        example("bye Paris", "goodbye"),  # goodbye, right; Paris a wrong city
    ),
    lookups=CITIES,
)


def trained_pipeline() -> Pipeline:
    pipeline = Pipeline.from_config(CONFIG)
    pipeline.train(TRAIN)
    return pipeline


def assert_png(path: Path, min_side: int = 300) -> None:
    """A real PNG file of a plausible size with some content."""
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
    assert path.stat().st_size > 5_000, path
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert min(image.size) >= min_side, image.size


def parse_result(
    text: str,
    intent: str | None = None,
    confidence: float = 1.0,
    entities: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A hand-made /model/parse result (for outputs no available component produces)."""
    return {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        **extra,
    }
