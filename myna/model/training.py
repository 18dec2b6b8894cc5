"""Train model files from a project: the NLU part today, dialogue with ``myna train`` later.

NLU training reads the whole project, as Rasa's ``train nlu`` does: besides ``config.yml``
and the ``nlu:`` data it needs the retrieval responses (``utter_faq/...``) of the domain
and data files, which a ResponseSelector learns to return.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from myna.dialogue.ensemble import PolicyEnsemble
from myna.dialogue.policies.base import Policy
from myna.dialogue.policies.registry import lookup_trainer
from myna.dialogue.policies.rule_training import InvalidRule
from myna.dialogue.training_trackers import training_trackers
from myna.model.artifact import (
    NLU_PART,
    ModelError,
    extract_part,
    model_file_name,
    read_manifest,
    resolve_model_path,
    write_model,
)
from myna.model.core import CORE_PART, Core, persist_core
from myna.model.fingerprint import core_data_hash, nlu_data_hash
from myna.model.manifest import Manifest, PartInfo
from myna.nlu.pipeline import Pipeline
from myna.project.config import ProjectConfig, Section
from myna.project.errors import Problem, ProjectError, Severity, Source
from myna.project.loader import Project, ProjectPaths, load_project
from myna.project.nlu import NLUData

CONFIG_SECTIONS: tuple[Section, ...] = ("pipeline", "policies")


class TrainingRefused(Exception):
    """The project has errors; ``problems`` says where (``file:line:column: message``)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"training refused: {len(self.problems)} error(s) in the project")


@dataclass(frozen=True, slots=True)
class NLUInput:
    """What NLU training reads, and every problem found while reading it."""

    config: ProjectConfig
    data: NLUData
    problems: tuple[Problem, ...] = ()

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)


def read_nlu_input(source: Project | ProjectPaths) -> NLUInput:
    """The config and NLU data (with retrieval responses) of a project, loaded if need be."""
    problems: list[Problem] = []
    if isinstance(source, ProjectPaths):
        result = load_project(source)
        source, problems = result.project, list(result.problems)
    data = source.training.nlu.with_responses(source.domain.responses.values())
    if not data.examples and not any(p.severity is Severity.ERROR for p in problems):
        where = Source(str(source.paths.data[0]) if source.paths.data else "data", 1, 1)
        problems.append(Problem(where, "no NLU training examples found: nothing to train"))
    return NLUInput(source.config, data, tuple(problems))


def train_nlu(
    source: Project | ProjectPaths | NLUInput,
    out_dir: Path,
    fixed_model_name: str | None = None,
) -> Path:
    """Train the NLU pipeline and write a model file into ``out_dir``; returns its path.

    Raises TrainingRefused when loading the project found errors, InvalidModelNameError
    for an invalid ``fixed_model_name``.
    """
    model_file_name(fixed_model_name)  # refuse a bad name before, not after, training
    nlu_input = source if isinstance(source, NLUInput) else read_nlu_input(source)
    if nlu_input.errors:
        raise TrainingRefused(nlu_input.errors)
    try:
        pipeline = Pipeline.from_config(nlu_input.config)
    except ProjectError as error:
        raise TrainingRefused([error.problem]) from None
    started = time.perf_counter()
    pipeline.train(nlu_input.data)
    seconds = time.perf_counter() - started
    config = nlu_input.config
    manifest = Manifest.create(
        assistant_id=config.assistant_id,
        language=config.language,
        config_hashes={section: config.fingerprint(section) for section in CONFIG_SECTIONS},
        parts={NLU_PART: _nlu_part(pipeline, nlu_input.data, seconds)},
    )
    with tempfile.TemporaryDirectory(prefix="myna-train-") as scratch:
        nlu_dir = Path(scratch) / NLU_PART
        pipeline.persist(nlu_dir)
        return write_model(out_dir, manifest, {NLU_PART: nlu_dir}, fixed_model_name)


def _nlu_part(pipeline: Pipeline, data: NLUData, seconds: float) -> PartInfo:
    metrics: dict[str, Any] = {
        "train_seconds": round(seconds, 3),
        "examples": len(data.examples),
        "intents": len(data.intents),
        "entity_types": len(data.entity_types),
        "synonyms": len(data.synonyms),
        "regexes": len(data.regexes),
        "lookups": len(data.lookups),
    }
    components = tuple(component.name for component in pipeline.components)
    return PartInfo(nlu_data_hash(data), components, metrics)


def build_policies(project: Project) -> list[Policy]:
    """The configured policies as training classes; errors name their config.yml line."""
    policies = []
    for spec in project.config.policies:
        try:
            policies.append(lookup_trainer(spec.name).from_spec(spec))
        except LookupError as error:
            raise TrainingRefused([Problem(spec.source, str(error).strip("'\""))]) from None
    return policies


def train_core(project: Project) -> Core:
    """Train every configured policy on the project's stories and rules."""
    policies = build_policies(project)
    trackers = training_trackers(project.training.stories, project.domain)
    for policy in policies:
        try:
            policy.train(trackers, project.domain)
        except InvalidRule as invalid:  # contradicting or over-long rules, with positions
            raise TrainingRefused(invalid.problems) from None
    return Core(project.domain, PolicyEnsemble(policies))


@dataclass(frozen=True, slots=True)
class TrainOutcome:
    model_file: Path
    reused: tuple[str, ...]


def train_model(
    paths: ProjectPaths, out_dir: Path, fixed_model_name: str | None = None, force: bool = False
) -> TrainOutcome:
    """Train NLU and dialogue into one model file, reusing parts whose config and data
    did not change since the newest model in ``out_dir`` (unless ``force``)."""
    model_file_name(fixed_model_name)
    result = load_project(paths)
    if result.errors:
        raise TrainingRefused(result.errors)
    project = result.project
    nlu_input = read_nlu_input(project)
    if nlu_input.errors:
        raise TrainingRefused(nlu_input.errors)
    config = project.config
    fingerprints = {
        NLU_PART: (config.fingerprint("pipeline"), nlu_data_hash(nlu_input.data)),
        CORE_PART: (
            config.fingerprint("policies"),
            core_data_hash(project.domain, project.training.stories),
        ),
    }
    previous = None if force else _previous_model(out_dir)
    with tempfile.TemporaryDirectory(prefix="myna-train-") as scratch:
        parts, reused = {}, []
        for part, trainer in ((NLU_PART, _train_nlu_part), (CORE_PART, _train_core_part)):
            target = Path(scratch) / part
            old = previous[1].parts.get(part) if previous else None
            if previous and previous[1].fingerprint(part) == fingerprints[part] and old:
                extract_part(previous[0], part, target)
                parts[part] = old
                reused.append(part)
            else:
                parts[part] = trainer(project, nlu_input, target, fingerprints[part][1])
        manifest = Manifest.create(
            assistant_id=config.assistant_id,
            language=config.language,
            config_hashes={section: config.fingerprint(section) for section in CONFIG_SECTIONS},
            parts=parts,
        )
        part_dirs = {part: Path(scratch) / part for part in parts}
        model_file = write_model(out_dir, manifest, part_dirs, fixed_model_name)
    return TrainOutcome(model_file, tuple(reused))


def _previous_model(out_dir: Path) -> tuple[Path, Manifest] | None:
    try:
        model_file = resolve_model_path(out_dir)
        return model_file, read_manifest(model_file)
    except ModelError:  # none yet, or unreadable: train everything
        return None


def _train_nlu_part(
    project: Project, nlu_input: NLUInput, target: Path, data_hash: str
) -> PartInfo:
    try:
        pipeline = Pipeline.from_config(project.config)
    except ProjectError as error:
        raise TrainingRefused([error.problem]) from None
    started = time.perf_counter()
    pipeline.train(nlu_input.data)
    info = _nlu_part(pipeline, nlu_input.data, time.perf_counter() - started)
    pipeline.persist(target)
    return PartInfo(data_hash, info.components, info.metrics)


def _train_core_part(
    project: Project, nlu_input: NLUInput, target: Path, data_hash: str
) -> PartInfo:
    started = time.perf_counter()
    core = train_core(project)
    seconds = time.perf_counter() - started
    persist_core(core, target)
    stories = project.training.stories
    metrics = {
        "train_seconds": round(seconds, 3),
        "stories": len(stories.stories),
        "rules": len(stories.rules),
    }
    return PartInfo(data_hash, tuple(p.name for p in core.ensemble.policies), metrics)
