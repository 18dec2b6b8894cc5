"""A tiny project (keyword classifier: trains in milliseconds) and a model trained from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from model_helpers import ProjectFactory

from myna.model.training import train_nlu
from myna.project.loader import ProjectPaths

CONFIG = """\
recipe: default.v1
assistant_id: tiny_bot
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: RegexFeaturizer
  - name: KeywordIntentClassifier
  - name: RegexEntityExtractor
    use_lookup_tables: true
  - name: EntitySynonymMapper
  - name: FallbackClassifier
    threshold: 0.3
policies:
  - name: RulePolicy
"""

NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello
    - hi there
- intent: goodbye
  examples: |
    - bye
    - see you later
- intent: order
  examples: |
    - I want [pizza](food)
    - get me [sushi](food:japanese)
- synonym: japanese
  examples: |
    - nigiri
- lookup: food
  examples: |
    - pizza
    - sushi
- regex: zipcode
  examples: |
    - \\d{5}
"""


def _write_project(root: Path, *, config: str = CONFIG, nlu: str = NLU) -> ProjectPaths:
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "config.yml").write_text(config, encoding="utf-8")
    (root / "data" / "nlu.yml").write_text(nlu, encoding="utf-8")
    (root / "domain.yml").write_text(
        'version: "3.1"\nintents:\n  - greet\n  - goodbye\n  - order\nentities:\n  - food\n',
        encoding="utf-8",
    )
    return ProjectPaths.for_root(root)


@pytest.fixture
def make_project(tmp_path: Path) -> ProjectFactory:
    """Writes a project (the tiny one unless ``config``/``nlu`` say otherwise) below tmp_path."""

    def make(name: str = "bot", **texts: str) -> ProjectPaths:
        return _write_project(tmp_path / name, **texts)

    return make


@pytest.fixture
def project(make_project: ProjectFactory) -> ProjectPaths:
    return make_project()


@pytest.fixture
def model_file(project: ProjectPaths, tmp_path: Path) -> Path:
    return train_nlu(project, tmp_path / "models")
