"""Every shared benchmark dataset loads cleanly, with the counts its meta.json records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from shared_paths import shared_dir

from myna.project.errors import Problem, Severity
from myna.project.nlu import load_nlu

DATASETS = shared_dir() / "datasets"


def _splits() -> list[tuple[str, str, Path, dict[str, Any]]]:
    found = []
    for meta_path in sorted(DATASETS.glob("*/meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        for split, file_name in sorted(meta["files"].items()):
            counts = meta["counts"][split]
            found.append((meta_path.parent.name, split, meta_path.parent / file_name, counts))
    return found


SPLITS = _splits()


def test_every_dataset_split_is_covered() -> None:
    names = {(name, split) for name, split, _, _ in SPLITS}
    for folder in DATASETS.iterdir():
        for split in ("train", "test", "validation"):
            if (folder / f"{split}.yml").exists():
                assert (folder.name, split) in names


@pytest.mark.parametrize(
    ("path", "counts"),
    [(path, counts) for _, _, path, counts in SPLITS],
    ids=[f"{name}-{split}" for name, split, _, _ in SPLITS],
)
def test_dataset_loads_with_the_recorded_counts(path: Path, counts: dict[str, Any]) -> None:
    problems: list[Problem] = []
    data = load_nlu([path], problems)
    assert [p for p in problems if p.severity is Severity.ERROR] == []
    assert len(data.examples) == counts["examples"]
    assert len(data.intents) == counts["intents"]
    assert len(data.entity_types) == counts["entity_types"]
    if "entity_mentions" in counts:
        assert sum(len(e.entities) for e in data.examples) == counts["entity_mentions"]
    for example in data.examples[:: max(1, len(data.examples) // 500)]:
        for entity in example.entities:
            assert example.text[entity.start : entity.end] == entity.text
