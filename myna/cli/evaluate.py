"""`myna test [core | nlu]`: evaluate a trained model on test stories and NLU data, like Rasa.

Reports go to `--out` (default `results/`). `test core`: the story report, the failed,
successful and warned test stories and the action confusion matrix (see
myna.testing.story_report). `test nlu`: intent, entity and response-selection reports and
errors as JSON, confusion matrices and confidence histograms as PNG. `myna test` alone runs
core, then nlu.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from myna.cli.common import (
    ConfigOpt,
    EndpointsOpt,
    ModelOpt,
    err_console,
    fail,
    print_problems,
)
from myna.cli.run import ActionsPackageOpt, load_assistant, load_wiring
from myna.dialogue.processor_errors import ProcessorError
from myna.model.artifact import ModelError, load_model
from myna.model.training import read_nlu_input
from myna.nlu.evaluation import cross_validate, evaluate, report_table, summary_table
from myna.project.errors import Problem, Severity
from myna.project.loader import ProjectPaths, test_story_files
from myna.project.nlu import NLUData
from myna.project.stories import load_stories
from myna.project.story_model import Story
from myna.testing.stories import run_story_tests, story_cases
from myna.testing.story_report import action_rows, stories_table, write_story_reports

app = typer.Typer(help="Evaluate a trained model on test data.")
console = Console(highlight=False)

StoriesOpt = Annotated[
    Path,
    typer.Option("--stories", "-s", help="Test stories: a file, or a folder's test_*.yml files."),
]
NLUOpt = Annotated[Path, typer.Option("--nlu", "-u", help="NLU test data.")]
ReportDirOpt = Annotated[Path, typer.Option("--out", help="Report folder.")]
FailOnErrorsOpt = Annotated[
    bool,
    typer.Option("--fail-on-prediction-errors", help="Exit with status 1 if a story fails."),
]


@app.callback(invoke_without_command=True)
def test(
    ctx: typer.Context,
    model: ModelOpt = Path("models"),
    stories: StoriesOpt = Path("tests"),
    nlu: NLUOpt = Path("data"),
    config: ConfigOpt = Path("config.yml"),
    out: ReportDirOpt = Path("results"),
    endpoints: EndpointsOpt = Path("endpoints.yml"),
    actions_package: ActionsPackageOpt = None,
    fail_on_prediction_errors: FailOnErrorsOpt = False,
) -> None:
    """Evaluate dialogue on test stories, then NLU."""
    if ctx.invoked_subcommand is not None:
        return
    passed = _test_stories(model, stories, out, endpoints, actions_package)
    test_nlu(model=model, nlu=nlu, config=config, out=out)
    if fail_on_prediction_errors and not passed:
        raise typer.Exit(1)


@app.command("core")
def test_core(
    model: ModelOpt = Path("models"),
    stories: StoriesOpt = Path("tests"),
    out: ReportDirOpt = Path("results"),
    endpoints: EndpointsOpt = Path("endpoints.yml"),
    actions_package: ActionsPackageOpt = None,
    fail_on_prediction_errors: FailOnErrorsOpt = False,
) -> None:
    """Evaluate the dialogue model on test stories."""
    passed = _test_stories(model, stories, out, endpoints, actions_package)
    if fail_on_prediction_errors and not passed:
        raise typer.Exit(1)


@app.command("nlu")
def test_nlu(
    model: ModelOpt = Path("models"),
    nlu: NLUOpt = Path("data"),
    config: ConfigOpt = Path("config.yml"),
    cross_validation: Annotated[
        bool, typer.Option("--cross-validation", help="Cross-validate the config instead.")
    ] = False,
    folds: Annotated[int, typer.Option("--folds", "-f", help="Cross-validation folds.")] = 5,
    out: ReportDirOpt = Path("results"),
    successes: Annotated[
        bool, typer.Option("--successes", help="Also write the correct predictions.")
    ] = False,
) -> None:
    """Evaluate the NLU model: reports, confusion matrix, histograms."""
    paths = ProjectPaths.for_root(Path.cwd(), config=config, data=(nlu,))
    nlu_input = read_nlu_input(paths)
    print_problems(err_console, nlu_input.problems)
    if nlu_input.errors:
        fail(f"cannot evaluate: {len(nlu_input.errors)} error(s) in the data")
    out.mkdir(parents=True, exist_ok=True)
    try:
        if cross_validation:
            cross_validate(
                nlu_input.config, nlu_input.data, folds, out, successes=successes, console=console
            )
        else:
            _evaluate_model(model, nlu_input.data, out, successes)
    except ValueError as error:
        fail(str(error))
    console.print(f"Reports written to {out}/", soft_wrap=True)


def _evaluate_model(model: Path, data: NLUData, out: Path, successes: bool) -> None:
    try:
        loaded = load_model(model)
    except ModelError as error:
        fail(str(error))
    if loaded.nlu is None:
        fail(f"'{loaded.path}' has no NLU part: train one with `myna train nlu`")
    summary = evaluate(loaded.nlu, data, out, successes=successes, console=console)
    console.print(summary_table(summary))
    intent_report = out / "intent_report.json"
    if intent_report.exists():
        console.print(report_table(json.loads(intent_report.read_text())))


def _test_stories(
    model: Path, stories: Path, out: Path, endpoints: Path, actions_package: str | None
) -> bool:
    """Play the test stories, write the reports, print the tables; whether all passed."""
    cases = story_cases(_load_test_stories(stories))
    if not cases:
        fail(f"no test stories found in {stories}")
    wiring = load_wiring(endpoints, actions_package, persist=False)
    # The conversations under test live in memory, whatever tracker store endpoints.yml names.
    wiring = replace(wiring, endpoints=replace(wiring.endpoints, tracker_store=None))
    assistant = load_assistant(model, wiring)
    try:
        results = asyncio.run(run_story_tests(assistant, cases))
    except ProcessorError as error:
        fail(str(error))
    report = write_story_reports(results, out)
    console.print(report_table(action_rows(report), title="Actions", label="Action"))
    console.print(stories_table(results))
    console.print(f"Reports written to {out}/", soft_wrap=True)
    return not any(result.failed for result in results)


def _load_test_stories(path: Path) -> tuple[Story, ...]:
    if not path.exists():
        fail(f"test stories not found: {path}")
    problems: list[Problem] = []
    data = load_stories(test_story_files(path) if path.is_dir() else [path], problems)
    print_problems(err_console, problems)
    errors = [problem for problem in problems if problem.severity is Severity.ERROR]
    if errors:
        fail(f"cannot test: {len(errors)} error(s) in the test stories")
    return data.stories
