"""Evaluate a trained pipeline on test data, or cross-validate a config on one data set.

Both write Rasa's result files into ``out_dir``: ``intent_report.json``,
``intent_errors.json``, ``intent_confusion_matrix.png``, ``intent_histogram.png``, per
entity extractor ``<Extractor>_report.json`` / ``_errors.json`` / PNGs, and for
retrieval intents ``response_selection_report.json`` / ``_errors.json`` / PNGs.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sklearn.model_selection import StratifiedKFold

from myna.nlu.evaluation.entities import evaluate_entities
from myna.nlu.evaluation.intents import evaluate_intents
from myna.nlu.evaluation.responses import evaluate_responses
from myna.nlu.evaluation.summary import (
    CrossValidationSummary,
    EvaluationSummary,
    FoldScores,
    Scores,
)
from myna.nlu.evaluation.tables import cross_validation_table
from myna.nlu.pipeline import Pipeline
from myna.project.config import ProjectConfig
from myna.project.nlu import NLUData, NLUExample

logger = logging.getLogger(__name__)

# Intents with fewer examples than folds are stratified together under this name.
_RARE_STRATUM = "\x00rare"


class Parser(Protocol):
    """Anything that parses text into Rasa's ``/model/parse`` dictionary."""

    def parse(self, text: str) -> dict[str, Any]: ...


Split = tuple[np.ndarray, np.ndarray]


def evaluate(
    pipeline: Parser,
    test_data: NLUData,
    out_dir: Path,
    *,
    successes: bool = False,
    extractors: Iterable[str] = (),
    console: Console | None = None,
) -> EvaluationSummary:
    """Parse every test example and write the reports; ``extractors`` adds entity
    extractors to judge even if they predicted nothing."""
    examples = list(test_data.examples)
    if not examples:
        raise ValueError("the test data has no examples")
    with _progress(console) as progress:
        results, seconds = parse_all(pipeline, examples, progress, "Parsing test examples")
    return evaluate_results(
        examples,
        results,
        out_dir,
        parse_seconds_per_message=seconds,
        successes=successes,
        extractors=extractors,
    )


def evaluate_results(
    examples: Sequence[NLUExample],
    results: Sequence[Mapping[str, Any]],
    out_dir: Path,
    *,
    parse_seconds_per_message: float = 0.0,
    successes: bool = False,
    extractors: Iterable[str] = (),
) -> EvaluationSummary:
    """Judge parse results already computed (``results[i]`` belongs to ``examples[i]``)."""
    intents = evaluate_intents(examples, results)
    entities = evaluate_entities(examples, results, extractors)
    responses = evaluate_responses(examples, results)
    files = intents.write(out_dir, successes=successes)
    if entities is not None:
        files += entities.write(out_dir, successes=successes)
    if responses is not None:
        files += responses.write(out_dir, successes=successes)
    return EvaluationSummary(
        scores=Scores.of(intents, entities, responses),
        examples=len(examples),
        intent_errors=len(intents.errors),
        entity_errors=sum(len(e.errors) for e in entities.extractors.values()) if entities else 0,
        response_errors=len(responses.errors) if responses else 0,
        parse_seconds_per_message=parse_seconds_per_message,
        entity_f1_by_extractor={n: s.f1 for n, s in entities.scores.items()} if entities else {},
        files=files,
    )


def parse_all(
    pipeline: Parser, examples: Sequence[NLUExample], progress: Progress, description: str
) -> tuple[list[dict[str, Any]], float]:
    """Parse results in example order and the mean parse time in seconds."""
    task = progress.add_task(description, total=len(examples))
    results: list[dict[str, Any]] = []
    elapsed = 0.0
    for example in examples:
        started = time.perf_counter()
        results.append(pipeline.parse(example.text))
        elapsed += time.perf_counter() - started
        progress.advance(task)
    progress.remove_task(task)
    return results, elapsed / len(examples) if examples else 0.0


@dataclass(frozen=True, slots=True)
class _FoldRun:
    scores: FoldScores
    test_examples: list[NLUExample]
    test_results: list[dict[str, Any]]
    parse_seconds_total: float


def cross_validate(
    config: ProjectConfig,
    data: NLUData,
    folds: int,
    out_dir: Path,
    seed: int = 42,
    *,
    successes: bool = False,
    console: Console | None = None,
) -> CrossValidationSummary:
    """Train a fresh pipeline per fold; the reports judge every fold's test predictions
    together. Prints the mean ± std table of train and test scores."""
    console = console or Console()
    examples = list(data.examples)
    splits, notes = stratified_folds([example.intent for example in examples], folds, seed)
    for note in notes:
        logger.warning(note)
    runs: list[_FoldRun] = []
    with _progress(console) as progress:
        task = progress.add_task("Cross-validation folds", total=folds)
        for number, split in enumerate(splits, start=1):
            runs.append(_run_fold(config, data, split, number, progress))
            progress.advance(task)
    test_examples = [example for run in runs for example in run.test_examples]
    combined = evaluate_results(
        test_examples,
        [result for run in runs for result in run.test_results],
        out_dir,
        parse_seconds_per_message=sum(run.parse_seconds_total for run in runs) / len(test_examples),
        successes=successes,
    )
    summary = CrossValidationSummary([run.scores for run in runs], combined, notes)
    console.print(cross_validation_table(summary))
    return summary


def stratified_folds(
    intents: Sequence[str], folds: int, seed: int
) -> tuple[list[Split], list[str]]:
    """(train indices, test indices) per fold, stratified over intents, plus warnings.

    Intents with fewer examples than folds cannot appear in every test fold; they are
    stratified together, so their few examples still spread over different folds.
    """
    if folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, got {folds}")
    if len(intents) < folds:
        raise ValueError(
            f"{folds} folds need at least {folds} examples, the data has {len(intents)}"
        )
    counts = Counter(intents)
    rare = sorted(intent for intent, count in counts.items() if count < folds)
    notes = []
    if rare:
        notes.append(
            f"{len(rare)} intent(s) have fewer than {folds} examples, so some test folds lack "
            f"them and some training folds may too: {', '.join(rare)}"
        )
    strata = [_RARE_STRATUM if counts[intent] < folds else intent for intent in intents]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        # sklearn's "least populated class" warning: already explained in ``notes``.
        warnings.simplefilter("ignore", UserWarning)
        splits = list(splitter.split(np.zeros(len(strata)), strata))
    return splits, notes


def _run_fold(
    config: ProjectConfig, data: NLUData, split: Split, number: int, progress: Progress
) -> _FoldRun:
    train_examples = [data.examples[index] for index in split[0]]
    test_examples = [data.examples[index] for index in split[1]]
    train_data = NLUData(tuple(train_examples), data.synonyms, data.regexes, data.lookups)
    pipeline = Pipeline.from_config(config)
    pipeline.train(train_data)
    train_results, _ = parse_all(pipeline, train_examples, progress, f"Fold {number}: train set")
    test_results, seconds = parse_all(pipeline, test_examples, progress, f"Fold {number}: test set")
    scores = FoldScores(
        fold=number,
        train=_scores(train_examples, train_results),
        test=_scores(test_examples, test_results),
        train_examples=len(train_examples),
        test_examples=len(test_examples),
    )
    return _FoldRun(scores, test_examples, test_results, seconds * len(test_examples))


def _scores(examples: Sequence[NLUExample], results: Sequence[Mapping[str, Any]]) -> Scores:
    return Scores.of(
        evaluate_intents(examples, results),
        evaluate_entities(examples, results),
        evaluate_responses(examples, results),
    )


def _progress(console: Console | None) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
