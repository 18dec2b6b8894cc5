"""The restaurant example trained with a fast keyword pipeline (no DIET): shared by CLI tests."""

from __future__ import annotations

from pathlib import Path

EXAMPLE = Path(__file__).parents[3] / "examples" / "restaurant"
KEYWORD_CONFIG = """\
recipe: default.v1
assistant_id: restaurant_bot
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: KeywordIntentClassifier
  - name: RegexEntityExtractor
    use_lookup_tables: true
  - name: EntitySynonymMapper
  - name: FallbackClassifier
    threshold: 0.3
policies:
  - name: RulePolicy
"""


def example_args(config: Path, out: Path) -> list[str]:
    """`myna train nlu` flags training the example's data and domain with ``config``."""
    return [
        "train",
        "nlu",
        "--config",
        str(config),
        "--nlu",
        str(EXAMPLE / "data"),
        "--domain",
        str(EXAMPLE / "domain.yml"),
        "--out",
        str(out),
    ]
