"""train_nlu: refuses projects with errors, records what a later `myna train` compares."""

from __future__ import annotations

from pathlib import Path

import pytest
from model_helpers import ProjectFactory

from myna.model.artifact import load_model, read_manifest
from myna.model.fingerprint import nlu_data_hash
from myna.model.training import TrainingRefused, read_nlu_input, train_nlu
from myna.project.loader import ProjectPaths, load_project


def test_the_manifest_fingerprint_matches_the_project_until_the_data_changes(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    paths = make_project()
    manifest = read_manifest(train_nlu(paths, tmp_path / "models"))
    nlu_input = read_nlu_input(paths)
    current = (nlu_input.config.fingerprint("pipeline"), nlu_data_hash(nlu_input.data))
    assert manifest.fingerprint("nlu") == current
    assert manifest.fingerprint("core") is None
    text = (paths.data[0] / "nlu.yml").read_text()
    greet, rest = text.split("- intent: goodbye")
    header, greet_block = greet.split("- intent: greet")
    swapped = f"{header}- intent: goodbye{rest}- intent: greet{greet_block}"
    reordered = read_nlu_input(make_project("reordered", nlu=swapped))
    assert [e.text for e in reordered.data.examples] != [e.text for e in nlu_input.data.examples]
    assert nlu_data_hash(reordered.data) == current[1]
    edited = read_nlu_input(make_project("edited", nlu=text.replace("- bye\n", "- bye bye\n")))
    assert nlu_data_hash(edited.data) != current[1]


def test_a_loaded_project_trains_too(project: ProjectPaths, tmp_path: Path) -> None:
    result = load_project(project)
    assert not result.errors, result.errors
    model = train_nlu(result.project, tmp_path / "models", fixed_model_name="nlu-only")
    assert model.name == "nlu-only.tar.gz"
    assert load_model(model).manifest.parts["nlu"].metrics["examples"] == 6


@pytest.mark.parametrize(
    ("config", "nlu", "expected"),
    [
        ("language: en\npipeline:\n  - name: DIETClasifier\n", None, "unknown NLU component"),
        (
            "language: en\npipeline:\n  - name: FallbackClassifier\n    treshold: 1\n",
            None,
            "treshold",
        ),
        (None, "nlu:\n- intent: greet\n  examples: |\n    - I want [pizza](\n", "malformed entity"),
        (None, 'version: "3.1"\nnlu: []\n', "no NLU training examples"),
    ],
    ids=["unknown-component", "bad-option", "bad-annotation", "no-examples"],
)
def test_projects_with_errors_are_refused_with_positions(
    make_project: ProjectFactory, tmp_path: Path, config: str | None, nlu: str | None, expected: str
) -> None:
    texts = {key: value for key, value in {"config": config, "nlu": nlu}.items() if value}
    paths = make_project(**texts)
    with pytest.raises(TrainingRefused) as caught:
        train_nlu(paths, tmp_path / "models")
    assert any(expected in str(problem) for problem in caught.value.problems), caught.value.problems
    assert all(
        str(problem.source.file).startswith(str(tmp_path)) for problem in caught.value.problems
    )
    assert not (tmp_path / "models").exists()


def test_missing_paths_are_errors(tmp_path: Path) -> None:
    nlu_input = read_nlu_input(ProjectPaths.for_root(tmp_path))
    messages = [problem.message for problem in nlu_input.errors]
    assert messages == [
        "config file not found",
        "domain file or folder not found",
        "training data path not found",
    ]


def test_a_bad_model_name_is_refused_before_training(project: ProjectPaths, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid model name"):
        train_nlu(project, tmp_path / "models", fixed_model_name="../up")
