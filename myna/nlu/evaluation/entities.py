"""Entity extraction, judged separately for every extractor (the ``extractor`` field).

Two views, as in Rasa plus one figure Rasa lacks:

* token level (the ``<Extractor>_report.json``): each token of the parse result's
  ``text_tokens`` (whitespace tokens when absent) gets the label of the gold or
  predicted entity that overlaps it most, else ``no_entity``; the report has one row
  per entity label (``no_entity`` only appears in the confusion matrix);
* entity level: an entity counts as found only when start, end and label match a gold
  entity exactly; precision, recall and micro-F1 per extractor and for every
  extractor's entities together.

A label is the entity type with ``#role`` and ``@group`` appended when present, e.g.
``city#departure`` or ``city#departure@1``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from myna.nlu.evaluation.reports import LabelEvaluation
from myna.project.nlu import EntityAnnotation, NLUExample

NO_ENTITY = "no_entity"
_WHITESPACE_TOKEN = re.compile(r"\S+")


class Span(NamedTuple):
    start: int
    end: int
    label: str


def entity_label(entity: str, role: str | None = None, group: str | None = None) -> str:
    """``city``, ``city#departure``, ``city@1`` or ``city#departure@1``."""
    label = entity
    if role:
        label += f"#{role}"
    if group:
        label += f"@{group}"
    return label


@dataclass(frozen=True, slots=True)
class EntityScores:
    """Entity-level counts: exact span + label matches."""

    correct: int
    predicted: int
    gold: int

    @classmethod
    def compare(cls, gold: set[Any], predicted: set[Any]) -> EntityScores:
        return cls(len(gold & predicted), len(predicted), len(gold))

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True)
class EntityEvaluation:
    """``extractors``: token-level evaluation per extractor; ``scores``: entity level."""

    extractors: dict[str, LabelEvaluation]
    scores: dict[str, EntityScores]
    combined: EntityScores

    def write(self, out_dir: Path, *, successes: bool = False) -> list[Path]:
        written: list[Path] = []
        for evaluation in self.extractors.values():
            written.extend(evaluation.write(out_dir, successes=successes))
        return written


@dataclass(frozen=True, slots=True)
class _Item:
    """What every extractor's evaluation needs from one example and its parse result."""

    text: str
    tokens: list[tuple[int, int]]
    gold: list[Span]
    gold_entities: list[dict[str, Any]]
    predicted: Mapping[str, list[dict[str, Any]]]


def evaluate_entities(
    examples: Sequence[NLUExample],
    results: Sequence[Mapping[str, Any]],
    extractors: Iterable[str] = (),
) -> EntityEvaluation | None:
    """Judge every extractor named in ``extractors`` or seen in the results.

    None when there is nothing to judge: no extractor and no gold entity.
    """
    items = [_item(example, result) for example, result in zip(examples, results, strict=True)]
    names = sorted({*extractors, *(name for item in items for name in item.predicted)})
    if not names and not any(item.gold for item in items):
        return None
    evaluations = {name: _token_evaluation(name, items) for name in names}
    scores = {
        name: EntityScores.compare(
            _numbered(item.gold for item in items),
            _numbered(_spans(item.predicted.get(name, ())) for item in items),
        )
        for name in names
    }
    combined = EntityScores.compare(
        _numbered(item.gold for item in items),
        _numbered(_spans(_all_entities(item)) for item in items),
    )
    usable = {name: evaluation for name, evaluation in evaluations.items() if evaluation.report}
    return EntityEvaluation(usable, scores, combined)


def _item(example: NLUExample, result: Mapping[str, Any]) -> _Item:
    token_spans = result.get("text_tokens")
    if token_spans:
        tokens = [(int(start), int(end)) for start, end in token_spans]
    else:
        tokens = [m.span() for m in _WHITESPACE_TOKEN.finditer(example.text)]
    predicted: dict[str, list[dict[str, Any]]] = {}
    for entity in result.get("entities") or ():
        predicted.setdefault(str(entity.get("extractor")), []).append(dict(entity))
    return _Item(
        text=example.text,
        tokens=tokens,
        gold=[_gold_span(annotation) for annotation in example.entities],
        gold_entities=[_gold_entity(annotation) for annotation in example.entities],
        predicted=predicted,
    )


def _gold_span(annotation: EntityAnnotation) -> Span:
    label = entity_label(annotation.entity, annotation.role, annotation.group)
    return Span(annotation.start, annotation.end, label)


def _gold_entity(annotation: EntityAnnotation) -> dict[str, Any]:
    entity = {
        "entity": annotation.entity,
        "start": annotation.start,
        "end": annotation.end,
        "value": annotation.value,
        "role": annotation.role,
        "group": annotation.group,
    }
    return {key: value for key, value in entity.items() if value is not None}


def _spans(entities: Iterable[Mapping[str, Any]]) -> list[Span]:
    return [
        Span(
            int(entity["start"]),
            int(entity["end"]),
            entity_label(str(entity["entity"]), entity.get("role"), entity.get("group")),
        )
        for entity in entities
    ]


def _all_entities(item: _Item) -> list[dict[str, Any]]:
    return [entity for entities in item.predicted.values() for entity in entities]


def _numbered(spans_per_item: Iterable[Iterable[Span]]) -> set[tuple[int, Span]]:
    """Spans of all items in one set, each tagged with its item's position."""
    return {(index, span) for index, spans in enumerate(spans_per_item) for span in spans}


def _token_labels(tokens: Sequence[tuple[int, int]], spans: Sequence[Span]) -> list[str]:
    labels = []
    for start, end in tokens:
        best, best_overlap = NO_ENTITY, 0
        for span in spans:
            overlap = min(end, span.end) - max(start, span.start)
            if overlap > best_overlap:
                best, best_overlap = span.label, overlap
        labels.append(best)
    return labels


def _token_evaluation(extractor: str, items: Sequence[_Item]) -> LabelEvaluation:
    gold: list[str] = []
    predicted: list[str] = []
    errors: list[dict[str, Any]] = []
    successes: list[dict[str, Any]] = []
    correct_confidences: list[float] = []
    wrong_confidences: list[float] = []
    for item in items:
        entities = item.predicted.get(extractor, [])
        spans = _spans(entities)
        gold.extend(_token_labels(item.tokens, item.gold))
        predicted.extend(_token_labels(item.tokens, spans))
        for entity, span in zip(entities, spans, strict=True):
            if "confidence_entity" in entity:
                confidences = correct_confidences if span in item.gold else wrong_confidences
                confidences.append(float(entity["confidence_entity"]))
        entry = {"text": item.text, "entities": item.gold_entities, "predicted_entities": entities}
        if set(spans) != set(item.gold):
            errors.append(entry)
        elif spans:
            successes.append(entry)
    return LabelEvaluation(
        name=extractor,
        title=f"{extractor} entity",
        gold=gold,
        predicted=predicted,
        errors=errors,
        successes=successes,
        correct_confidences=correct_confidences,
        wrong_confidences=wrong_confidences,
        excluded=frozenset({NO_ENTITY}),
    )
