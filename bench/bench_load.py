"""Time loading training data and whole projects (`make bench-load`).

Prints best-of-N wall-clock times in a warm process, plus example counts, so that the
"SNIPS train set loads in well under a second" goal is checked by a figure, not a test.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from myna.project.loader import ProjectPaths, load_project
from myna.project.nlu import load_nlu

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO.parent / "shared" / "datasets"


def best_of(repeats: int, work: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    args = parser.parse_args()

    table = Table(title=f"Load times (best of {args.repeats})")
    for column in ("what", "examples", "seconds"):
        table.add_column(column, justify="left" if column == "what" else "right")
    for path in sorted(args.datasets.glob("*/train.yml")):
        count = len(load_nlu([path], []).examples)
        seconds = best_of(args.repeats, lambda p=path: load_nlu([p], []))
        table.add_row(f"{path.parent.name}/train.yml", str(count), f"{seconds:.3f}")
    example = REPO / "examples" / "restaurant"
    project = load_project(ProjectPaths.for_root(example)).project
    seconds = best_of(args.repeats, lambda: load_project(ProjectPaths.for_root(example)))
    count = len(project.training.nlu.examples)
    table.add_row("examples/restaurant (whole project)", str(count), f"{seconds:.3f}")
    Console().print(table)


if __name__ == "__main__":
    main()
