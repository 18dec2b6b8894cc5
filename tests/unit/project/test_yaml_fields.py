"""Typed reads that report Problems: kinds, unknown keys with hints, plain copies."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from myna.project.errors import Problem, Severity, Source
from myna.project.yaml_fields import (
    check_keys,
    plain,
    read_bool,
    read_names,
    read_number,
    read_str,
    read_yaml_file,
)
from myna.project.yaml_reader import YamlMap, parse_yaml


def test_typed_reads_report_at_the_value() -> None:
    node = parse_yaml("a: 1\nb: yes\nc: [x, 2]\nd: x\n", "f.yml")
    problems: list[Problem] = []
    assert read_str(node, "a", problems) is None
    assert read_bool(node, "b", True, problems) is True
    assert read_number(node, "a", 0.0, problems) == 1
    assert read_names(node, "c", problems) == ()
    assert read_names(node, "d", problems, allow_single=True) == ("x",)
    assert read_number(node, "missing", 2.5, problems) == 2.5
    assert [(p.source.line, p.source.column, p.message) for p in problems] == [
        (1, 4, "'a' must be a string, not a number"),
        (2, 4, "'b' must be true or false, not a string"),
        (3, 4, "'c' must be a list of strings"),
    ]


def test_check_keys_suggests_a_close_match() -> None:
    node = parse_yaml("nmae: x\nzzz: 1\n", "f.yml")
    problems: list[Problem] = []
    check_keys(node, ("name", "value"), "a thing", problems, Severity.WARNING)
    assert [str(p) for p in problems] == [
        "f.yml:1:1: warning: unknown key 'nmae' in a thing (did you mean 'name'?)",
        "f.yml:2:1: warning: unknown key 'zzz' in a thing",
    ]


def test_plain_copies_without_positions() -> None:
    node = parse_yaml("a: [{b: 1}]\n", "f.yml")
    copy = plain(MappingProxyType(node))
    assert copy == {"a": [{"b": 1}]}
    assert type(copy) is dict and type(copy["a"][0]) is dict


def test_read_yaml_file(tmp_path: Path) -> None:
    problems: list[Problem] = []
    assert read_yaml_file(tmp_path / "none.yml", "x", problems) is None
    (tmp_path / "empty.yml").write_text("")
    empty = read_yaml_file(tmp_path / "empty.yml", "x", problems)
    assert isinstance(empty, YamlMap) and empty == {}
    assert empty.source == Source(str(tmp_path / "empty.yml"), 1, 1)
    assert problems == []
