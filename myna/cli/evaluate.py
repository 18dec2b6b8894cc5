"""`myna test nlu`: evaluate a trained NLU model, or cross-validate the config, like Rasa.

Reports go to `--out` (default `results/`): intent, entity and response-selection reports
and errors as JSON, confusion matrices and confidence histograms as PNG.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from myna.cli import planned
from myna.cli.common import ConfigOpt, ModelOpt, err_console, fail, print_problems
from myna.model.artifact import ModelError, load_model
from myna.model.training import read_nlu_input
from myna.nlu.evaluation import cross_validate, evaluate, report_table, summary_table
from myna.project.loader import ProjectPaths
from myna.project.nlu import NLUData

app = typer.Typer(help="Evaluate a trained model on test data.")
app.callback(invoke_without_command=True)(planned.test)
app.command("core")(planned.test_core)
console = Console(highlight=False)


@app.command("nlu")
def test_nlu(
    model: ModelOpt = Path("models"),
    nlu: Annotated[Path, typer.Option("--nlu", "-u", help="NLU test data.")] = Path("data"),
    config: ConfigOpt = Path("config.yml"),
    cross_validation: Annotated[
        bool, typer.Option("--cross-validation", help="Cross-validate the config instead.")
    ] = False,
    folds: Annotated[int, typer.Option("--folds", "-f", help="Cross-validation folds.")] = 5,
    out: Annotated[Path, typer.Option("--out", help="Report folder.")] = Path("results"),
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
