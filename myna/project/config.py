"""Parse ``config.yml``: recipe, assistant id, language, NLU pipeline and policies.

Component options are kept as written; each component's own config model checks them
later. An absent or empty ``pipeline``/``policies`` is auto-configured with Rasa's defaults.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from myna.project.errors import Problem, Severity, Source
from myna.project.yaml_fields import (
    as_list,
    as_map,
    check_keys,
    empty_map,
    plain,
    read_str,
    read_yaml_file,
)
from myna.project.yaml_reader import YamlMap

DEFAULT_RECIPE = "default.v1"
PLACEHOLDER_ASSISTANT_ID = "placeholder_default"

# (component name, options) of Rasa's auto-configuration, in order.
DEFAULT_PIPELINE: tuple[tuple[str, Mapping[str, Any]], ...] = (
    ("WhitespaceTokenizer", {}),
    ("RegexFeaturizer", {}),
    ("LexicalSyntacticFeaturizer", {}),
    ("CountVectorsFeaturizer", {}),
    ("CountVectorsFeaturizer", {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4}),
    ("DIETClassifier", {"epochs": 100, "constrain_similarities": True}),
    ("EntitySynonymMapper", {}),
    ("ResponseSelector", {"epochs": 100, "constrain_similarities": True}),
    ("FallbackClassifier", {"threshold": 0.3, "ambiguity_threshold": 0.1}),
)
# Rasa's defaults also list UnexpecTEDIntentPolicy, which Myna does not provide yet; it
# only adds `action_unlikely_intent` hints, so leaving it out changes no other prediction.
DEFAULT_POLICIES: tuple[tuple[str, Mapping[str, Any]], ...] = (
    ("MemoizationPolicy", {}),
    ("RulePolicy", {}),
    ("TEDPolicy", {"max_history": 5, "epochs": 100, "constrain_similarities": True}),
)
_KEYS = ("recipe", "assistant_id", "language", "pipeline", "policies", "version")

Section = Literal["pipeline", "policies"]


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    """One ``- name: Class`` entry; ``option_sources`` are the positions of the option keys."""

    name: str
    options: Mapping[str, Any]
    source: Source
    option_sources: Mapping[str, Source]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, **plain(self.options)}


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    recipe: str
    assistant_id: str | None
    language: str | None
    pipeline: tuple[ComponentSpec, ...]
    policies: tuple[ComponentSpec, ...]
    source: Source
    auto_configured_pipeline: bool
    auto_configured_policies: bool

    def fingerprint(self, section: Section) -> str:
        """A stable sha256 of one section: equal fingerprints need no retraining.

        The pipeline's fingerprint includes the language, which tokenizers may depend on.
        """
        sections = {"pipeline": self.pipeline, "policies": self.policies}
        payload: dict[str, Any] = {"components": [c.as_dict() for c in sections[section]]}
        if section == "pipeline":
            payload["language"] = self.language
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_config(path: Path | str, problems: list[Problem]) -> ProjectConfig:
    """Read ``config.yml``; a missing or unusable file gives the auto-configured defaults.

    (The project loader reports a missing config file; it is not reported twice here.)
    """
    path = Path(path)
    root = read_yaml_file(path, "the config file", problems)
    if root is None:  # missing, or unusable and already reported: nothing more to say
        return parse_config(empty_map(Source(str(path), 1, 1)), [])
    return parse_config(root, problems)


def parse_config(root: YamlMap, problems: list[Problem]) -> ProjectConfig:
    check_keys(root, _KEYS, "the config file", problems, Severity.WARNING)
    recipe = read_str(root, "recipe", problems) or DEFAULT_RECIPE
    if recipe != DEFAULT_RECIPE:
        message = f"unknown recipe '{recipe}' (the only recipe is '{DEFAULT_RECIPE}')"
        problems.append(Problem(root.value_source("recipe"), message))
    pipeline, auto_pipeline = _components(root, "pipeline", DEFAULT_PIPELINE, problems)
    policies, auto_policies = _components(root, "policies", DEFAULT_POLICIES, problems)
    return ProjectConfig(
        recipe=recipe,
        assistant_id=_assistant_id(root, problems),
        language=_language(root, auto_pipeline, problems),
        pipeline=pipeline,
        policies=policies,
        source=Source(root.source.file, 1, 1),
        auto_configured_pipeline=auto_pipeline,
        auto_configured_policies=auto_policies,
    )


def _assistant_id(root: YamlMap, problems: list[Problem]) -> str | None:
    assistant_id = read_str(root, "assistant_id", problems)
    if root.get("assistant_id") is None:
        message = "'assistant_id' is missing: set a unique name for this assistant"
        problems.append(Problem(root.source, message, Severity.WARNING))
    elif assistant_id == PLACEHOLDER_ASSISTANT_ID:
        message = f"'assistant_id' is still '{PLACEHOLDER_ASSISTANT_ID}': set a unique name"
        problems.append(Problem(root.value_source("assistant_id"), message, Severity.WARNING))
    return assistant_id


def _language(root: YamlMap, auto_pipeline: bool, problems: list[Problem]) -> str | None:
    """Required by an explicit pipeline; only a warning with the auto-configured one."""
    language = read_str(root, "language", problems)
    if root.get("language") is None:
        severity = Severity.WARNING if auto_pipeline else Severity.ERROR
        message = "'language' is missing (e.g. 'language: en'); the NLU pipeline needs it"
        problems.append(Problem(root.source, message, severity))
    return language


def _components(
    root: YamlMap,
    section: Section,
    defaults: tuple[tuple[str, Mapping[str, Any]], ...],
    problems: list[Problem],
) -> tuple[tuple[ComponentSpec, ...], bool]:
    """The section's components and whether they are the auto-configured defaults."""
    value = root.get(section)
    if value is None or value == []:
        where = root.key_source(section)
        specs = (_default_spec(name, options, where) for name, options in defaults)
        return tuple(specs), True
    items = as_list(value, root.value_source(section), f"'{section}'", problems)
    if items is None:
        return (), False
    specs = (
        _component(item, items.item_source(i), section, problems) for i, item in enumerate(items)
    )
    return tuple(spec for spec in specs if spec is not None), False


def _default_spec(name: str, options: Mapping[str, Any], source: Source) -> ComponentSpec:
    return ComponentSpec(
        name,
        MappingProxyType(dict(options)),
        source,
        MappingProxyType(dict.fromkeys(options, source)),
    )


def _component(
    item: Any, source: Source, section: Section, problems: list[Problem]
) -> ComponentSpec | None:
    node = as_map(item, source, f"an entry of '{section}'", problems)
    if node is None:
        return None
    name = node.get("name")
    if not isinstance(name, str) or not name.strip():
        where = node.value_source("name") if "name" in node else node.source
        message = f"an entry of '{section}' needs a 'name' (the component's class name)"
        problems.append(Problem(where, message))
        return None
    options = {key: plain(value) for key, value in node.items() if key != "name"}
    return ComponentSpec(
        name,
        MappingProxyType(options),
        node.source,
        MappingProxyType({key: node.key_source(key) for key in options}),
    )
