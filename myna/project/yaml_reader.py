"""YAML reading that remembers where every key, item and value was written.

PyYAML's C parser does the parsing; a small constructor wraps mappings and sequences in
``YamlMap`` / ``YamlList`` which carry 1-based positions, so later stages can report
``file:line:column`` for any value they reject.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from myna.project.errors import ProjectError, Source

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Rasa reads YAML 1.2 (ruamel), PyYAML implements 1.1: without these, `yes`/`no`/`on`/`off`
# would become booleans, `1e-3` a string and `12:30` the integer 750.
_YAML12_PATTERNS = {
    "tag:yaml.org,2002:bool": re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    "tag:yaml.org,2002:float": re.compile(
        r"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?"
        r"|[0-9][0-9_]*[eE][-+]?[0-9]+|\.(?:inf|Inf|INF))$|^\.(?:nan|NaN|NAN)$"
    ),
    "tag:yaml.org,2002:int": re.compile(r"^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$"),
}
_YAML12_RESOLVERS = {
    first: [(tag, _YAML12_PATTERNS.get(tag, pattern)) for tag, pattern in resolvers]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


class YamlMap(dict[str, Any]):
    """A mapping with the position of itself, of each key and of each value."""

    source: Source
    key_sources: dict[str, Source]
    value_sources: dict[str, Source]

    def key_source(self, key: str) -> Source:
        return self.key_sources.get(key, self.source)

    def value_source(self, key: str) -> Source:
        return self.value_sources.get(key, self.key_source(key))


class YamlList(list[Any]):
    """A sequence with the position of itself and of each item."""

    source: Source
    item_sources: list[Source]

    def item_source(self, index: int) -> Source:
        return self.item_sources[index] if index < len(self.item_sources) else self.source


def _content_source(file: str, node: yaml.Node) -> Source:
    """Position of a node's content; block scalars (| and >) start on the next line."""
    mark = node.start_mark
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        return Source(file, mark.line + 2, 1)
    return Source(file, mark.line + 1, mark.column + 1)


def _make_loader(file: str) -> type:
    class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
        yaml_implicit_resolvers = _YAML12_RESOLVERS

    def construct_map(loader: Any, node: yaml.MappingNode) -> YamlMap:
        result = YamlMap()
        result.source = _content_source(file, node)
        result.key_sources = {}
        result.value_sources = {}
        yield result
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise ProjectError(_content_source(file, key_node), "mapping keys must be scalars")
            key = str(key) if not isinstance(key, str) else key
            if key in result:
                raise ProjectError(_content_source(file, key_node), f"duplicate key '{key}'")
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_sources[key] = _content_source(file, key_node)
            result.value_sources[key] = _content_source(file, value_node)

    def construct_list(loader: Any, node: yaml.SequenceNode) -> YamlList:
        result = YamlList()
        result.source = _content_source(file, node)
        result.item_sources = [_content_source(file, item) for item in node.value]
        yield result
        result.extend(loader.construct_object(item, deep=True) for item in node.value)

    _Loader.add_constructor("tag:yaml.org,2002:map", construct_map)
    _Loader.add_constructor("tag:yaml.org,2002:seq", construct_list)
    return _Loader


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text; a syntax error becomes a ProjectError at the error's position."""
    try:
        return yaml.load(text, Loader=_make_loader(file))  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join(part for part in (exc.context, exc.problem) if part)
        raise ProjectError(Source(file, line, column), f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ProjectError(Source(file, 1, 1), f"invalid YAML: {exc}") from None


def read_yaml(path: Path | str) -> Any:
    """Read and parse a YAML file; unreadable or non-UTF-8 files become ProjectErrors."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectError(Source(str(path), 1, 1), f"cannot read file: {exc}") from None
    return parse_yaml(text, str(path))
