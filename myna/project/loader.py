"""Load a whole Rasa project folder into one immutable ``Project``.

Loading never stops at the first defect: every problem found while reading is collected
with its file position, and whatever could be read is returned alongside.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from myna.project.config import ProjectConfig, load_config
from myna.project.credentials import Credentials, load_credentials
from myna.project.domain import Domain, load_domain
from myna.project.endpoints import Endpoints, load_endpoints
from myna.project.errors import Problem, Severity, Source
from myna.project.files import TrainingData, load_training_data
from myna.project.stories import StoryData, load_stories


@dataclass(frozen=True, slots=True)
class ProjectPaths:
    """Where each part of a project lives; defaults follow Rasa's layout."""

    config: Path
    domain: Path
    data: tuple[Path, ...]
    tests: Path
    endpoints: Path
    credentials: Path

    @classmethod
    def for_root(
        cls,
        root: Path,
        *,
        config: Path | None = None,
        domain: Path | None = None,
        data: tuple[Path, ...] | None = None,
    ) -> ProjectPaths:
        """Default paths below ``root``; ``domain.yml`` falls back to a ``domain/`` folder."""
        default_domain = root / "domain.yml"
        if not default_domain.exists() and (root / "domain").is_dir():
            default_domain = root / "domain"
        return cls(
            config=config or root / "config.yml",
            domain=domain or default_domain,
            data=data or (root / "data",),
            tests=root / "tests",
            endpoints=root / "endpoints.yml",
            credentials=root / "credentials.yml",
        )


@dataclass(frozen=True, slots=True)
class Project:
    paths: ProjectPaths
    config: ProjectConfig
    domain: Domain
    training: TrainingData
    test_stories: StoryData
    endpoints: Endpoints
    credentials: Credentials


@dataclass(frozen=True, slots=True)
class LoadResult:
    project: Project
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)


def _require(path: Path, what: str, problems: list[Problem]) -> None:
    if not path.exists():
        problems.append(Problem(Source(str(path), 1, 1), f"{what} not found"))


def test_story_files(tests_dir: Path) -> list[Path]:
    """Rasa's convention: test stories are ``tests/test_*.yml`` (or .yaml)."""
    if not tests_dir.is_dir():
        return []
    return sorted(p for p in tests_dir.rglob("test_*.y*ml") if p.is_file())


def _complete_domain(domain: Domain, training: TrainingData, problems: list[Problem]) -> Domain:
    """Add what training data contributes: retrieval responses and retrieval intents.

    Only intents the domain declares are marked; an undeclared ``faq/...`` intent stays
    undeclared so that validation reports it.
    """
    retrieval: dict[str, Source] = {}
    for example in training.nlu.examples:
        name = example.retrieval_intent
        if name is not None and name in domain.intents:
            retrieval.setdefault(name, example.source)
    return domain.with_responses(training.responses, problems).with_retrieval_intents(retrieval)


def load_project(paths: ProjectPaths) -> LoadResult:
    """Read every project file; the result carries the project and all problems found."""
    problems: list[Problem] = []
    _require(paths.config, "config file", problems)
    _require(paths.domain, "domain file or folder", problems)
    for data_path in paths.data:
        _require(data_path, "training data path", problems)
    config = load_config(paths.config, problems)
    training = load_training_data(list(paths.data), problems)
    domain = _complete_domain(load_domain(paths.domain, problems), training, problems)
    project = Project(
        paths=paths,
        config=config,
        domain=domain,
        training=training,
        test_stories=load_stories(test_story_files(paths.tests), problems),
        endpoints=load_endpoints(paths.endpoints, problems),
        credentials=load_credentials(paths.credentials, problems),
    )
    return LoadResult(project, tuple(problems))
