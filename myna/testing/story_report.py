"""The files `myna test core` writes (dialogue-semantics.md §9), from played test stories.

`story_report.json`: the per-action classification report (the NLU evaluation's builder)
plus `conversation_accuracy`; `failed_test_stories.yml` with `# predicted: ...` comments on
the wrong steps, `successful_test_stories.yml`, `stories_with_warnings.yml` (passed, but
`action_unlikely_intent` was predicted) and `story_confusion_matrix.png`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from rich.markup import escape
from rich.table import Table

from myna.nlu.evaluation.plots import plot_confusion_matrix
from myna.nlu.evaluation.reports import LabelEvaluation, Report, write_json
from myna.project.story_model import ActionStep, SlotStep, UserStep
from myna.server.story_writer import STORIES_FORMAT_VERSION, annotated_text
from myna.testing.stories import UNLIKELY_INTENT, CaseStep, StoryResult
from myna.tracker import ACTION_LISTEN

REPORT_FILE = "story_report.json"
FAILED_FILE = "failed_test_stories.yml"
SUCCESSFUL_FILE = "successful_test_stories.yml"
WARNINGS_FILE = "stories_with_warnings.yml"
MATRIX_FILE = "story_confusion_matrix.png"
_NO_WRAP = 10**6


def action_evaluation(results: Sequence[StoryResult]) -> LabelEvaluation:
    """Every compared action of every story: gold against predicted."""
    return LabelEvaluation(
        name="story",
        title="Action",
        gold=[label for result in results for label in result.gold_actions],
        predicted=[label for result in results for label in result.predicted_actions],
        add_confused_with=True,
    )


def conversation_accuracy(results: Sequence[StoryResult]) -> dict[str, Any]:
    """Rasa's `conversation_accuracy`: stories without a wrong prediction."""
    correct = sum(not result.failed for result in results)
    with_warnings = sum(not result.failed and bool(result.warnings) for result in results)
    total = len(results)
    return {
        "accuracy": correct / total if total else 1.0,
        "correct": correct,
        "with_warnings": with_warnings,
        "total": total,
    }


def write_story_reports(results: Sequence[StoryResult], out_dir: Path) -> Report:
    """Write every output file into `out_dir`; the report written to `story_report.json`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    evaluation = action_evaluation(results)
    report = {**evaluation.report, "conversation_accuracy": conversation_accuracy(results)}
    write_json(out_dir / REPORT_FILE, report)
    passed = [result for result in results if not result.failed]
    groups = {
        FAILED_FILE: [result for result in results if result.failed],
        SUCCESSFUL_FILE: [result for result in passed if not result.warnings],
        WARNINGS_FILE: [result for result in passed if result.warnings],
    }
    for name, group in groups.items():
        (out_dir / name).write_text(stories_yaml(group), encoding="utf-8")
    if evaluation.labels:
        matrix_title = "Action confusion matrix"
        plot_confusion_matrix(
            evaluation.matrix, evaluation.labels, matrix_title, out_dir / MATRIX_FILE
        )
    return report


def action_rows(report: Report) -> Report:
    """The report without `conversation_accuracy`: what a per-label table shows."""
    return {key: value for key, value in report.items() if key != "conversation_accuracy"}


def stories_table(results: Sequence[StoryResult]) -> Table:
    """The failed stories and those with warnings, then the conversation accuracy."""
    table = Table(title="Test stories")
    for column in ("Story", "Result", "Step", "Predicted"):
        table.add_column(column)
    for result in results:
        if result.mismatch is not None:
            step = result.case.steps[result.mismatch.step]
            where = f"{Path(step.source.file).name}:{step.source.line}"
            table.add_row(
                escape(result.case.name), "[red]failed[/]", where, escape(result.mismatch.predicted)
            )
        elif result.warnings:
            table.add_row(escape(result.case.name), "[yellow]warning[/]", "", UNLIKELY_INTENT)
    accuracy = conversation_accuracy(results)
    table.add_section()
    table.add_row(
        "Conversation accuracy",
        f"{accuracy['accuracy']:.3f}",
        f"{accuracy['correct']}/{accuracy['total']} correct",
        f"{accuracy['with_warnings']} with warnings",
        style="bold",
    )
    return table


def stories_yaml(results: Sequence[StoryResult]) -> str:
    """The played stories as test-story YAML, wrong steps commented with the prediction."""
    lines = [f'version: "{STORIES_FORMAT_VERSION}"', "stories:" if results else "stories: []"]
    for result in results:
        lines += _story_lines(result)
    return "\n".join(lines) + "\n"


def step_data(step: CaseStep) -> dict[str, Any]:
    """A step as it is written in a test-story file."""
    if isinstance(step, UserStep):
        return _user_data(step)
    if isinstance(step, ActionStep):
        return {"action": step.name} if step.name is not None else {"bot": step.bot_text}
    if isinstance(step, SlotStep):
        return {"slot_was_set": [{n: v} if given else n for n, v, given in step.slots]}
    return {"active_loop": step.name}


def _story_lines(result: StoryResult) -> list[str]:
    case, mismatch = result.case, result.mismatch
    title = _dump({"story": f"{case.name} ({case.source.file})"})
    lines = [f"- {title[0]}", "  steps:"]
    for index, step in enumerate(case.steps):
        comment = None
        if mismatch is not None and mismatch.step == index:
            if mismatch.listen:
                lines += _step_lines({"action": ACTION_LISTEN}, mismatch.predicted)
            else:
                comment = mismatch.predicted
        if comment is None and index in result.warnings:
            comment = UNLIKELY_INTENT
        lines += _step_lines(step_data(step), comment)
    return lines


def _step_lines(data: dict[str, Any], predicted: str | None = None) -> list[str]:
    block = _dump([data])
    if predicted is not None:
        block[0] += "  # predicted: " + predicted.replace("\n", " ")
    return [f"  {line}" for line in block]


def _dump(data: Any) -> list[str]:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=_NO_WRAP)
    return text.splitlines()


def _user_data(step: UserStep) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if step.intent is not None:
        data["intent"] = step.intent
    if step.text is not None:
        spans = [dataclasses.asdict(entity) for entity in step.entities]
        data["user"] = annotated_text(step.text, spans)
        return data
    if step.entities:
        data["entities"] = [
            {entity.entity: entity.value} if entity.value is not None else entity.entity
            for entity in step.entities
        ]
    return data
