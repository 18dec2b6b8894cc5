"""Named regular expressions from the training data's regexes and lookup tables.

``PatternComponent`` is the base of RegexFeaturizer and RegexEntityExtractor: every
``regex:`` entry becomes one pattern, every lookup table one alternation of its
(escaped) elements, wrapped in ``\\b…\\b`` when word boundaries are used.
Stored as JSON ``[{"name", "pattern"}]``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from myna.nlu.component import Component, ComponentConfig, load_json, save_json
from myna.project.errors import ProjectError

if TYPE_CHECKING:
    from myna.project.nlu import NLUData


@dataclass(frozen=True, slots=True)
class NamedPattern:
    name: str
    pattern: str

    def compile(self, case_sensitive: bool) -> re.Pattern[str]:
        return re.compile(self.pattern, 0 if case_sensitive else re.IGNORECASE)

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "pattern": self.pattern}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NamedPattern:
        return cls(str(data["name"]), str(data["pattern"]))


def lookup_pattern(elements: tuple[str, ...] | list[str], use_word_boundaries: bool) -> str:
    """One regex matching any element; longer elements first so they win over prefixes."""
    alternatives = "|".join(re.escape(e) for e in sorted(elements, key=len, reverse=True) if e)
    return rf"\b(?:{alternatives})\b" if use_word_boundaries else f"(?:{alternatives})"


def collect_patterns(
    data: NLUData, *, use_regexes: bool, use_lookup_tables: bool, use_word_boundaries: bool
) -> list[NamedPattern]:
    patterns: list[NamedPattern] = []
    if use_regexes:
        for regex in data.regexes:
            try:
                re.compile(regex.pattern)
            except re.error as error:
                raise ProjectError(regex.source, f"regex '{regex.name}': {error}") from None
            patterns.append(NamedPattern(regex.name, regex.pattern))
    if use_lookup_tables:
        patterns.extend(
            NamedPattern(t.name, lookup_pattern(t.elements, use_word_boundaries))
            for t in data.lookups
            if any(t.elements)
        )
    return patterns


_PATTERNS_FILE = "patterns.json"


class PatternConfig(ComponentConfig):
    case_sensitive: bool = True
    use_lookup_tables: bool = True
    use_regexes: bool = True
    use_word_boundaries: bool = True


class PatternComponent(Component):
    """A component that learns named patterns and stores them as JSON."""

    Config = PatternConfig
    config: PatternConfig

    def __init__(self, config: ComponentConfig, patterns: Sequence[NamedPattern] = ()) -> None:
        super().__init__(config)
        self.set_patterns(patterns)

    def set_patterns(self, patterns: Sequence[NamedPattern]) -> None:
        self.patterns = list(patterns)
        self.compiled = [p.compile(self.config.case_sensitive) for p in self.patterns]

    def patterns_of(self, data: NLUData) -> list[NamedPattern]:
        return collect_patterns(
            data,
            use_regexes=self.config.use_regexes,
            use_lookup_tables=self.config.use_lookup_tables,
            use_word_boundaries=self.config.use_word_boundaries,
        )

    def persist(self, directory: Path) -> None:
        save_json(directory, _PATTERNS_FILE, [p.to_json() for p in self.patterns])

    @classmethod
    def load(cls, directory: Path, config: ComponentConfig) -> Self:
        saved = load_json(directory, _PATTERNS_FILE)
        return cls(config, [NamedPattern.from_json(p) for p in saved])
