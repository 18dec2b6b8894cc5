"""NLU training data (``nlu:`` sections): intents with examples, synonyms, regexes, lookups."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from myna.project.annotations import AnnotationError, EntityAnnotation, parse_annotated
from myna.project.domain_responses import Response
from myna.project.errors import Problem, Source
from myna.project.files_reader import DataFile, read_data_files
from myna.project.yaml_reader import YamlList, YamlMap

__all__ = [
    "EntityAnnotation",
    "LookupTable",
    "NLUData",
    "NLUExample",
    "RegexPattern",
    "Synonym",
    "load_nlu",
    "parse_nlu",
]


@dataclass(frozen=True, slots=True)
class NLUExample:
    text: str
    intent: str
    entities: tuple[EntityAnnotation, ...]
    metadata: Mapping[str, Any] | None
    source: Source

    @property
    def retrieval_intent(self) -> str | None:
        """``faq`` for the intent ``faq/ask_name``; None for an ordinary intent."""
        base, slash, _ = self.intent.partition("/")
        return base if slash else None

    @property
    def response_key(self) -> str | None:
        """``ask_name`` for the intent ``faq/ask_name``; None for an ordinary intent."""
        _, slash, key = self.intent.partition("/")
        return key if slash else None


@dataclass(frozen=True, slots=True)
class Synonym:
    value: str
    examples: tuple[str, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class RegexPattern:
    name: str
    pattern: str
    source: Source


@dataclass(frozen=True, slots=True)
class LookupTable:
    name: str
    elements: tuple[str, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class NLUData:
    examples: tuple[NLUExample, ...] = ()
    synonyms: tuple[Synonym, ...] = ()
    regexes: tuple[RegexPattern, ...] = ()
    lookups: tuple[LookupTable, ...] = ()
    # Retrieval responses (``utter_faq/ask_name`` → variations) for the ResponseSelector.
    responses: Mapping[str, tuple[Mapping[str, Any], ...]] = field(
        default_factory=dict, compare=False
    )
    # Derived once, sorted: read often by the validator and the featurizers.
    intents: tuple[str, ...] = field(init=False, repr=False, compare=False)
    entity_types: tuple[str, ...] = field(init=False, repr=False, compare=False)
    retrieval_intents: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        intents = {example.intent for example in self.examples}
        types = {entity.entity for example in self.examples for entity in example.entities}
        retrieval = {intent.partition("/")[0] for intent in intents if "/" in intent}
        object.__setattr__(self, "intents", tuple(sorted(intents)))
        object.__setattr__(self, "entity_types", tuple(sorted(types)))
        object.__setattr__(self, "retrieval_intents", tuple(sorted(retrieval)))

    def entity_synonyms(self) -> dict[str, Any]:
        """Lower-cased text → entity value, from annotations whose value differs from their
        text and from ``synonym:`` blocks (which win on conflict)."""
        mapping: dict[str, Any] = {}
        for example in self.examples:
            for entity in example.entities:
                if str(entity.value) != entity.text:
                    mapping[entity.text.lower()] = entity.value
        for synonym in self.synonyms:
            for text in synonym.examples:
                mapping[text.lower()] = synonym.value
        return mapping

    def with_responses(self, responses: Iterable[Response]) -> NLUData:
        """A copy carrying the retrieval responses (names with a ``/``) among ``responses``."""
        retrieval = {r.name: tuple(r.as_list()) for r in responses if "/" in r.name}
        return dataclasses.replace(self, responses={**self.responses, **retrieval})

    def merge(self, *others: NLUData) -> NLUData:
        return NLUData.combine([self, *others])

    @classmethod
    def combine(cls, parts: Iterable[NLUData]) -> NLUData:
        parts = list(parts)
        return cls(
            examples=tuple(e for part in parts for e in part.examples),
            synonyms=tuple(s for part in parts for s in part.synonyms),
            regexes=tuple(r for part in parts for r in part.regexes),
            lookups=tuple(lookup for part in parts for lookup in part.lookups),
            responses={name: r for part in parts for name, r in part.responses.items()},
        )


def load_nlu(paths: Iterable[Path | str], problems: list[Problem]) -> NLUData:
    """The ``nlu:`` sections of every training-data file under ``paths``."""
    return NLUData.combine(parse_nlu(data_file) for data_file in read_data_files(paths, problems))


@dataclass(slots=True)
class _Parts:
    examples: list[NLUExample] = field(default_factory=list)
    synonyms: list[Synonym] = field(default_factory=list)
    regexes: list[RegexPattern] = field(default_factory=list)
    lookups: list[LookupTable] = field(default_factory=list)


# One example: its text, where the text starts, its own metadata.
_Entry = tuple[str, Source, Mapping[str, Any] | None]
_ItemReader = Callable[[DataFile, YamlMap, str, _Parts], None]


def parse_nlu(data_file: DataFile) -> NLUData:
    """The file's ``nlu:`` section; a broken item becomes a Problem and is skipped."""
    section = data_file.section("nlu", YamlList)
    parts = _Parts()
    for index, item in enumerate(section or ()):
        if not isinstance(item, YamlMap):
            data_file.error(section.item_source(index), _ITEM_HELP)
            continue
        kind = next((key for key in item if key in _ITEM_READERS), None)
        if kind is None:
            data_file.error(item.source, _ITEM_HELP)
            continue
        _report_unknown_keys(data_file, item, _ITEM_KEYS.get(kind, (kind, "examples")))
        name = data_file.string(item, kind)
        if name is not None:
            _ITEM_READERS[kind](data_file, item, name, parts)
    return NLUData(
        tuple(parts.examples), tuple(parts.synonyms), tuple(parts.regexes), tuple(parts.lookups)
    )


_ITEM_HELP = "an NLU item must be a mapping with one of the keys intent, synonym, regex, lookup"
_ITEM_KEYS = {"intent": ("intent", "examples", "metadata")}


def _report_unknown_keys(data_file: DataFile, item: YamlMap, allowed: tuple[str, ...]) -> None:
    for key in item:
        if key not in allowed:
            data_file.error(
                item.key_source(key), f"unknown key '{key}' (allowed: {', '.join(allowed)})"
            )


def _read_intent(data_file: DataFile, item: YamlMap, name: str, parts: _Parts) -> None:
    intent_metadata = _metadata(data_file, item)
    for text, source, example_metadata in _entries(data_file, item, "intent", name):
        try:
            plain, entities = parse_annotated(text)
        except AnnotationError as exc:
            at = Source(source.file, source.line, source.column + exc.offset)
            data_file.error(at, exc.message)
            continue
        metadata = intent_metadata
        if example_metadata is not None:
            metadata = {**(intent_metadata or {}), **example_metadata}
        parts.examples.append(NLUExample(plain, name, entities, metadata, source))


def _read_synonym(data_file: DataFile, item: YamlMap, name: str, parts: _Parts) -> None:
    texts = tuple(text for text, _, _ in _entries(data_file, item, "synonym", name))
    parts.synonyms.append(Synonym(name, texts, item.source))


def _read_lookup(data_file: DataFile, item: YamlMap, name: str, parts: _Parts) -> None:
    texts = tuple(text for text, _, _ in _entries(data_file, item, "lookup", name))
    parts.lookups.append(LookupTable(name, texts, item.source))


def _read_regex(data_file: DataFile, item: YamlMap, name: str, parts: _Parts) -> None:
    for pattern, source, _ in _entries(data_file, item, "regex", name):
        try:
            re.compile(pattern)
        except re.error as exc:
            data_file.error(source, f"invalid regular expression: {exc}")
            continue
        parts.regexes.append(RegexPattern(name, pattern, source))


_ITEM_READERS: dict[str, _ItemReader] = {
    "intent": _read_intent,
    "synonym": _read_synonym,
    "regex": _read_regex,
    "lookup": _read_lookup,
}


def _metadata(data_file: DataFile, mapping: YamlMap) -> dict[str, Any] | None:
    value = mapping.get("metadata")
    if value is None:
        return None
    if isinstance(value, dict):
        return dict(value)
    data_file.error(mapping.value_source("metadata"), "'metadata' must be a mapping")
    return None


def _entries(data_file: DataFile, item: YamlMap, kind: str, name: str) -> Iterator[_Entry]:
    examples = item.get("examples")
    if not examples:
        data_file.warning(item.source, f"{kind} '{name}' has no examples")
    elif isinstance(examples, str):
        yield from _block_entries(data_file, examples, item.value_source("examples"))
    elif isinstance(examples, YamlList):
        yield from _list_entries(data_file, examples)
    else:
        data_file.error(
            item.value_source("examples"), "'examples' must be a block of '- ' lines or a list"
        )


def _block_entries(data_file: DataFile, block: str, start: Source) -> Iterator[_Entry]:
    """Examples of an ``examples: |`` block; blank and ``#`` lines are skipped."""
    for index, line in enumerate(block.split("\n")):
        content = line.lstrip()
        if not content or content[0] == "#":
            continue
        if content[0] != "-":
            source = data_file.block_line_source(start, index, line, len(line) - len(content))
            data_file.warning(source, "example lines must start with '- '; line ignored")
            continue
        after_dash = content[1:]
        text = after_dash.strip()
        column = len(line) - len(after_dash.lstrip())
        source = data_file.block_line_source(start, index, line, column)
        if text:
            yield text, source, None
        else:
            data_file.warning(source, "empty example ignored")


def _list_entries(data_file: DataFile, examples: YamlList) -> Iterator[_Entry]:
    """Examples written as a list of strings or ``{text, metadata}`` mappings."""
    for index, entry in enumerate(examples):
        if isinstance(entry, str) and entry.strip():
            yield entry.strip(), data_file.scalar_source(examples.item_source(index)), None
        elif isinstance(entry, YamlMap):
            _report_unknown_keys(data_file, entry, ("text", "metadata"))
            text = data_file.string(entry, "text")
            if text is not None:
                source = data_file.scalar_source(entry.value_source("text"))
                yield text, source, _metadata(data_file, entry)
        else:
            data_file.error(
                examples.item_source(index),
                "an example must be a non-empty string or a mapping with 'text' (and 'metadata')",
            )
