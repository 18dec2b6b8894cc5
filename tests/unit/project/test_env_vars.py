"""${VAR} substitution: every string, nested values, positions kept, missing variables."""

from __future__ import annotations

from myna.project.env_vars import substitute_env_vars
from myna.project.errors import Problem, Source
from myna.project.yaml_reader import YamlList, YamlMap, parse_yaml


def test_substitutes_nested_strings_and_keeps_positions() -> None:
    root = parse_yaml('a:\n  b: ["${X}", 3, "$X and ${X}${Y}"]\n  c: {d: "${Z}"}\n', "f.yml")
    problems: list[Problem] = []
    result = substitute_env_vars(root, root.source, {"X": "1", "Y": "2"}, problems)
    assert result == {"a": {"b": ["1", 3, "$X and 12"], "c": {"d": "${Z}"}}}
    assert isinstance(result["a"], YamlMap) and isinstance(result["a"]["b"], YamlList)
    assert result["a"].value_source("c") == root["a"].value_source("c")
    assert result["a"]["b"].item_source(2) == Source("f.yml", 2, 18)
    assert problems == [Problem(Source("f.yml", 3, 10), "environment variable 'Z' is not set")]
    assert root["a"]["b"][0] == "${X}"  # the input is left as it was


def test_non_strings_pass_through() -> None:
    problems: list[Problem] = []
    assert substitute_env_vars(42, Source("f", 1, 1), {}, problems) == 42
    assert substitute_env_vars(None, Source("f", 1, 1), {}, problems) is None
    assert problems == []
