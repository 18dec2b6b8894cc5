"""All training data under the data paths: each file read once, its sections dispatched.

A data file may mix ``nlu``, ``responses`` (retrieval responses, merged into the domain
later), ``stories`` and ``rules``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from myna.project.errors import Problem, Source
from myna.project.files_reader import DataFile, find_data_files, read_data_files
from myna.project.nlu import NLUData, parse_nlu
from myna.project.stories import StoryData, parse_stories
from myna.project.yaml_reader import YamlList, YamlMap

__all__ = ["TrainingData", "find_data_files", "load_training_data", "parse_responses"]

TRAINING_DATA_KEYS = ("version", "nlu", "responses", "stories", "rules")


def _empty_responses() -> YamlMap:
    responses = YamlMap()
    responses.source = Source("<training data>", 1, 1)
    responses.key_sources, responses.value_sources = {}, {}
    return responses


@dataclass(frozen=True, slots=True)
class TrainingData:
    """NLU data, stories and rules, and the ``responses:`` found in data files.

    ``responses`` maps a response name to its list of variation mappings, exactly as
    written (``YamlMap``s, so ``responses.key_source(name)`` and each variation's
    ``key_source`` point into the file) for the domain to check and merge.
    """

    nlu: NLUData = field(default_factory=NLUData)
    stories: StoryData = field(default_factory=StoryData)
    responses: YamlMap = field(default_factory=_empty_responses)


def load_training_data(paths: Iterable[Path | str], problems: list[Problem]) -> TrainingData:
    """Every YAML file under ``paths``; problems are collected, broken items skipped."""
    nlu: list[NLUData] = []
    stories: list[StoryData] = []
    responses = _empty_responses()
    for data_file in read_data_files(paths, problems):
        for key in data_file.root:
            if key not in TRAINING_DATA_KEYS:
                data_file.warning(
                    data_file.root.key_source(key),
                    f"unknown top-level key '{key}' ignored "
                    "(training data has nlu, responses, stories, rules)",
                )
        nlu.append(parse_nlu(data_file))
        stories.append(parse_stories(data_file))
        _merge_responses(responses, parse_responses(data_file), data_file)
    return TrainingData(NLUData.combine(nlu), StoryData.combine(stories), responses)


def parse_responses(data_file: DataFile) -> YamlMap:
    """The file's ``responses:`` whose value is a list of mappings; others are Problems."""
    section = data_file.section("responses", YamlMap)
    responses = _empty_responses()
    for name, variations in (section or {}).items():
        valid = isinstance(variations, YamlList) and variations
        if not valid or not all(isinstance(variation, YamlMap) for variation in variations):
            data_file.error(
                section.value_source(name),
                f"response '{name}' must be a non-empty list of variations like '- text: ...'",
            )
            continue
        responses[name] = variations
        responses.key_sources[name] = section.key_source(name)
        responses.value_sources[name] = section.value_source(name)
    return responses


def _merge_responses(into: YamlMap, new: YamlMap, data_file: DataFile) -> None:
    """Later files win, as in Rasa, with a warning naming the earlier definition."""
    for name, variations in new.items():
        if name in into:
            data_file.warning(
                new.key_source(name),
                f"response '{name}' is also defined at {into.key_source(name)}; this one is used",
            )
        into[name] = variations
        into.key_sources[name] = new.key_source(name)
        into.value_sources[name] = new.value_source(name)
