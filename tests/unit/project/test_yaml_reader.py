"""Positions reported by the YAML reader are the ones a user would look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from myna.project.errors import ProjectError, Source
from myna.project.yaml_reader import YamlList, YamlMap, parse_yaml, read_yaml

NLU = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - hi
    - hello
- intent: bye
  examples: "- bye"
"""


def test_mappings_and_lists_carry_positions() -> None:
    data = parse_yaml(NLU, "nlu.yml")
    assert isinstance(data, YamlMap)
    assert data.key_source("nlu") == Source("nlu.yml", 2, 1)
    items = data["nlu"]
    assert isinstance(items, YamlList)
    assert [s.line for s in items.item_sources] == [3, 7]
    assert items[1].value_source("intent") == Source("nlu.yml", 7, 11)


def test_block_scalar_points_at_its_first_content_line() -> None:
    data = parse_yaml(NLU, "nlu.yml")
    assert data["nlu"][0].value_source("examples").line == 5
    assert data["nlu"][1].value_source("examples") == Source("nlu.yml", 8, 13)


def test_syntax_error_names_file_line_and_column() -> None:
    with pytest.raises(ProjectError) as caught:
        parse_yaml("a:\n  b: 1\n c: 2\n", "bad.yml")
    assert caught.value.source.file == "bad.yml"
    assert caught.value.source.line == 3
    assert str(caught.value).startswith("bad.yml:3:")
    assert "invalid YAML" in str(caught.value)


def test_duplicate_keys_are_rejected_where_repeated() -> None:
    with pytest.raises(ProjectError) as caught:
        parse_yaml("intents:\n- a\nintents:\n- b\n", "domain.yml")
    assert caught.value.source == Source("domain.yml", 3, 1)
    assert "duplicate key 'intents'" in caught.value.message


def test_unreadable_file_is_a_project_error(tmp_path: Path) -> None:
    binary = tmp_path / "latin1.yml"
    binary.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ProjectError, match="cannot read file"):
        read_yaml(binary)
    with pytest.raises(ProjectError, match="cannot read file"):
        read_yaml(tmp_path / "missing.yml")


def test_empty_document_is_none() -> None:
    assert parse_yaml("", "empty.yml") is None
    assert parse_yaml("# only a comment\n", "empty.yml") is None
