"""Single-message parse latency of Rasa's default pipeline (minus ResponseSelector) on SNIPS.

Trains the pipeline on the SNIPS train set for a few epochs (once; the model is kept in
``--model-dir`` and reused), loads it with the serving classes (no torch), then parses
every SNIPS test text one at a time, ``--rounds`` times, on one thread. Prints the load
time, p50/p99 of ``Pipeline.parse`` in wall-clock and in thread CPU time (the latter moves
less when other processes share the cores; check ``uptime`` anyway) and the median time
spent in each component's ``process``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from myna.nlu.message import Message
from myna.nlu.pipeline import PIPELINE_FILE, Pipeline
from myna.project.config import DEFAULT_PIPELINE, ComponentSpec
from myna.project.errors import Source
from myna.project.nlu import load_nlu

REPO = Path(__file__).resolve().parents[1]
SNIPS = REPO.parent / "shared" / "datasets" / "snips"


def specs(epochs: int, quantize: bool) -> list[ComponentSpec]:
    chosen = []
    for name, options in DEFAULT_PIPELINE:
        if name == "ResponseSelector":
            continue
        if name == "DIETClassifier":
            options = {**options, "epochs": epochs, "random_seed": 1, "quantize": quantize}
        chosen.append(ComponentSpec(name, dict(options), Source("bench", 1), {}))
    return chosen


def trained(model_dir: Path, epochs: int, quantize: bool) -> Pipeline:
    if not (model_dir / PIPELINE_FILE).exists():
        pipeline = Pipeline.from_specs(specs(epochs, quantize))
        started = time.perf_counter()
        pipeline.train(load_nlu([SNIPS / "train.yml"], []))
        print(f"trained in {time.perf_counter() - started:.0f} s")
        pipeline.persist(model_dir)
    started = time.perf_counter()
    loaded = Pipeline.load(model_dir)
    print(f"loaded in {time.perf_counter() - started:.3f} s")
    return loaded


def per_component(pipeline: Pipeline, texts: list[str]) -> dict[str, float]:
    """Median microseconds each component spends on one message."""
    spent: dict[str, list[float]] = {}
    for text in texts:
        message = Message(text)
        for index, component in enumerate(pipeline.components):
            started = time.perf_counter_ns()
            component.process(message)
            key = f"{index} {component.name}"
            spent.setdefault(key, []).append((time.perf_counter_ns() - started) / 1000)
    return {key: float(np.median(values)) for key, values in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", type=Path, default=Path("/tmp/myna-bench-snips"))
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quantize", action="store_true")
    args = parser.parse_args()
    pipeline = trained(args.model_dir, args.epochs, args.quantize)
    texts = [example.text for example in load_nlu([SNIPS / "test.yml"], []).examples]
    for text in texts[:200]:
        pipeline.parse(text)
    timings, cpu = [], []
    for _ in range(args.rounds):
        for text in texts:
            started, started_cpu = time.perf_counter_ns(), time.thread_time_ns()
            pipeline.parse(text)
            cpu.append((time.thread_time_ns() - started_cpu) / 1e6)
            timings.append((time.perf_counter_ns() - started) / 1e6)
    table = Table(title=f"parse latency, {len(timings)} parses of {len(texts)} SNIPS test texts")
    table.add_column("what")
    table.add_column("ms", justify="right")
    table.add_row("p50", f"{np.percentile(timings, 50):.3f}")
    table.add_row("p99", f"{np.percentile(timings, 99):.3f}")
    table.add_row("p50 thread CPU", f"{np.percentile(cpu, 50):.3f}")
    table.add_row("p99 thread CPU", f"{np.percentile(cpu, 99):.3f}")
    for key, micros in per_component(pipeline, texts).items():
        table.add_row(f"  median {key}", f"{micros / 1000:.3f}")
    Console().print(table)


if __name__ == "__main__":
    main()
