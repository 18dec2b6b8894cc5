"""Small builders shared by the NLU unit tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from myna.nlu.component import Component, build_config
from myna.nlu.registry import lookup
from myna.project.config import ComponentSpec
from myna.project.errors import Source
from myna.project.nlu import EntityAnnotation, LookupTable, NLUData, NLUExample, RegexPattern

HERE = Source("data/nlu.yml", 1)
CONFIG = Source("config.yml", 3)

C = TypeVar("C", bound=Component)


def spec(
    name: str,
    options: Mapping[str, Any] | None = None,
    source: Source = CONFIG,
    option_sources: Mapping[str, Source] | None = None,
) -> ComponentSpec:
    return ComponentSpec(name, options or {}, source, option_sources or {})


def make(name: str, **options: Any) -> Component:
    """An untrained component built the way a pipeline builds it."""
    component_class = lookup(name)
    return component_class(build_config(component_class, spec(name, options)))


def build(component_class: type[C], **options: Any) -> C:
    """Like ``make`` for a class the test imports (so its own methods type-check)."""
    config = build_config(component_class, spec(component_class.__name__, options))
    return component_class(config)


def example(text: str, intent: str, *entities: tuple[str, str, Any]) -> NLUExample:
    """An example; each entity is (entity type, annotated text, value)."""
    annotations = []
    for entity, span_text, value in entities:
        start = text.index(span_text)
        annotations.append(
            EntityAnnotation(entity, start, start + len(span_text), value, text=span_text)
        )
    return NLUExample(text, intent, tuple(annotations), None, HERE)


def regex(name: str, pattern: str) -> RegexPattern:
    return RegexPattern(name, pattern, HERE)


def lookup_table(name: str, *elements: str) -> LookupTable:
    return LookupTable(name, elements, HERE)


def data(*examples: NLUExample, **parts: Any) -> NLUData:
    return NLUData(examples=examples, **parts)
