"""Train the seed NLU pipeline on a benchmark dataset, score its test set, time it.

``make bench-nlu DATASET=snips_goo2018|atis [EPOCHS=100] [CONFIG=file] [SEEDS=1,2,3]``.
The seed pipeline is Rasa's default pipeline without the ResponseSelector (the datasets
have no retrieval intents), DIET seeded; ``CONFIG`` names a config.yml whose pipeline is
used instead (bench/pipelines/ holds the ones tried); ``EPOCHS`` sets DIET's epochs. Each
stage runs in its own process, so memory and load time are those of a fresh process:

* train: trains on ``train.yml`` and persists the pipeline (train time, peak RSS);
* serve: loads it (load time, VmRSS after load), scores ``test.yml`` with
  ``myna.nlu.evaluation.evaluate``, then times single-message parses (one thread, after
  warm-up), a sequential parse of the whole test set (throughput) and the same texts
  through ``Pipeline.parse_batch`` (batch throughput: DIET runs on batches);
* serve again, a copy of the model whose DIET graphs are quantised to int8 (what
  ``quantize: true`` would have exported from the same weights): its quality, size, load
  time, RSS and parse latency, prefixed ``int8 DIET:``.

A seeded run's quality is one draw: DIET's ``random_seed`` alone moves ATIS intents over
16 test examples. ``SEEDS`` trains and scores the pipeline once per seed (DIET's
``random_seed`` set to each) and ends with a table of every seed's quality and the mean.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from bench_nlu_latency import REPO, specs
from rich.console import Console
from rich.table import Table

from myna.nlu.classifiers.diet_component import BATCH_SIZE
from myna.nlu.diet.artifacts import METADATA_FILE
from myna.nlu.diet.quantization import quantize_exported
from myna.nlu.evaluation import evaluate
from myna.nlu.pipeline import PIPELINE_FILE, Pipeline
from myna.project.config import ComponentSpec, load_config
from myna.project.errors import Problem, Severity
from myna.project.nlu import load_nlu

DATASETS = REPO.parent / "shared" / "datasets"
WARM_UP = 100


# Run in a fresh interpreter that imports only the serving pipeline: this script's own
# imports (scikit-learn and matplotlib for the evaluation) would add ~110 MiB to the RSS.
LOAD_PROBE = """
import json, sys, time
from pathlib import Path
from myna.nlu.pipeline import Pipeline
started = time.perf_counter()
Pipeline.load(Path(sys.argv[1]))
seconds = time.perf_counter() - started
status = Path("/proc/self/status").read_text().splitlines()
rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024
print(json.dumps([seconds, rss, "torch" in sys.modules]))
"""


def load_probe(model_dir: Path) -> tuple[float, float]:
    """Load time and VmRSS (MiB) of a process that only loads the model and serves."""
    command = [sys.executable, "-c", LOAD_PROBE, str(model_dir)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    seconds, rss, imported_torch = json.loads(output.strip().splitlines()[-1])
    if imported_torch:
        raise SystemExit("loading the model imported torch")
    return seconds, rss


# The host's speed swings by a fifth from one hour to the next (a shared machine): one
# core's rate on a DIET-sized matrix product, before and after training, dates the figures.
# The probe also names the instruction set torch's kernels use: their float rounding, and so
# a seeded training's random stream and quality, differ from one to the other (SNIPS, same
# code and seed: 683/700 intents with AVX2 kernels, 680/700 with AVX512).
SPEED_PROBE = """
import statistics, time, torch
torch.set_num_threads(1)
a, b = torch.randn(1646, 1024), torch.randn(1024, 256)
for _ in range(5):
    a @ b
runs = []
for _ in range(7):
    begun = time.perf_counter()
    for _ in range(20):
        a @ b
    runs.append((time.perf_counter() - begun) / 20)
print(round(2 * 1646 * 1024 * 256 / statistics.median(runs) / 1e9, 1))
print(torch.backends.cpu.get_cpu_capability())
"""


def speed_probe() -> tuple[float, str]:
    """One core's float32 matrix-product rate now, in GFLOP/s, and torch's kernel
    instruction set (AVX2, AVX512...), from a fresh interpreter."""
    command = [sys.executable, "-c", SPEED_PROBE]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    gflops, capability = output.split()
    return float(gflops), capability


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def artifact_mib(directory: Path) -> float:
    return sum(f.stat().st_size for f in directory.rglob("*") if f.is_file()) / 2**20


def chosen_specs(config: Path | None, epochs: int, seed: int | None) -> list[ComponentSpec]:
    """The pipeline of `config` (the seed pipeline without one), DIET's epochs set to
    `epochs` and, unless `seed` is None, its `random_seed` to `seed`."""
    if config is None:
        pipeline = specs(epochs, quantize=False)
    else:
        problems: list[Problem] = []
        pipeline = load_config(config, problems).pipeline
        errors = [str(problem) for problem in problems if problem.severity is Severity.ERROR]
        if errors:
            raise SystemExit("\n".join(errors))
    changes: dict[str, Any] = {"epochs": epochs}
    if seed is not None:
        changes["random_seed"] = seed
    return [
        dataclasses.replace(spec, options={**spec.options, **changes})
        if spec.name == "DIETClassifier"
        else spec
        for spec in pipeline
    ]


def peak_rss_mib(who: int) -> int:
    return round(resource.getrusage(who).ru_maxrss / 1024)


def train_stage(
    dataset: str, epochs: int, model_dir: Path, config: Path | None, seed: int | None
) -> dict[str, Any]:
    data = load_nlu([DATASETS / dataset / "train.yml"], [])
    chosen = chosen_specs(config, epochs, seed)
    pipeline = Pipeline.from_specs(chosen)
    load = load_average()
    started = time.perf_counter()
    pipeline.train(data)
    seconds = time.perf_counter() - started
    if (model_dir / PIPELINE_FILE).exists():  # an earlier run's model: train anew
        shutil.rmtree(model_dir)
    pipeline.persist(model_dir)
    return {
        "pipeline": str(config) if config else "seed (Rasa default, seeded DIET)",
        "train examples": len(data.examples),
        "DIET epochs": epochs,
        "DIET random_seed": next(
            (spec.options.get("random_seed") for spec in chosen if spec.name == "DIETClassifier"),
            None,
        ),
        "train time s": round(seconds, 1),
        "train time s/epoch (all components)": round(seconds / epochs, 2),
        "peak RSS training MiB (this process)": peak_rss_mib(resource.RUSAGE_SELF),
        # DIET's other data-parallel training processes (myna.nlu.diet.parallel): the
        # largest one's peak; the sum of the two peaks bounds what training held at once.
        "peak RSS training MiB (largest other process)": peak_rss_mib(resource.RUSAGE_CHILDREN),
        "load average at train start": load,
        "load average at train end": load_average(),
    }


def percentiles(timings: list[float]) -> dict[str, float]:
    return {
        "parse p50 ms": round(float(np.percentile(timings, 50)), 3),
        "parse p99 ms": round(float(np.percentile(timings, 99)), 3),
    }


def token_level_f1(reports: Path) -> float | None:
    """The token-level entity micro-F1 of DIET's report: what `rasa test nlu` shows."""
    report = reports / "DIETClassifier_report.json"
    if not report.exists():
        return None
    return round(json.loads(report.read_text())["micro avg"]["f1-score"], 4)


def serve_stage(dataset: str, model_dir: Path) -> dict[str, Any]:
    load_seconds, rss = load_probe(model_dir)
    pipeline = Pipeline.load(model_dir)
    test = load_nlu([DATASETS / dataset / "test.yml"], [])
    with tempfile.TemporaryDirectory() as reports:
        summary = evaluate(pipeline, test, Path(reports))
        token_f1 = token_level_f1(Path(reports))
    texts = [example.text for example in test.examples]
    for text in texts[:WARM_UP]:
        pipeline.parse(text)
    timings = []
    for text in texts:
        begun = time.perf_counter_ns()
        pipeline.parse(text)
        timings.append((time.perf_counter_ns() - begun) / 1e6)
    begun = time.perf_counter_ns()
    for text in texts:
        pipeline.parse(text)
    throughput = len(texts) / ((time.perf_counter_ns() - begun) / 1e9)
    begun = time.perf_counter_ns()
    pipeline.parse_batch(texts)
    batch_throughput = len(texts) / ((time.perf_counter_ns() - begun) / 1e9)
    return {
        "test examples": summary.examples,
        "intent accuracy": round(summary.scores.intent_accuracy, 4),
        "intent right": round(summary.scores.intent_accuracy * summary.examples),
        "intent macro-F1": round(summary.scores.intent_macro_f1, 4),
        "entity micro-F1 (exact span+type)": round(summary.scores.entity_f1 or 0.0, 4),
        "entity micro-F1 (tokens, DIETClassifier_report.json)": token_f1,
        "artifact MiB": round(artifact_mib(model_dir), 2),
        "model load s (fresh process)": round(load_seconds, 3),
        "VmRSS after load MiB (process that only loads)": round(rss),
        **percentiles(timings),
        "throughput msg/s (sequential parse of test set)": round(throughput),
        f"throughput msg/s (parse_batch of test set, {BATCH_SIZE} per run)": round(
            batch_throughput
        ),
        "load average at serve end": load_average(),
    }


def run_stage(
    stage: str, args: argparse.Namespace, model_dir: Path, seed: int | None = None
) -> dict[str, Any]:
    """Run one stage in a fresh interpreter and return its figures (`seed`: DIET's
    random_seed, for training)."""
    command = [sys.executable, __file__, args.dataset, "--stage", stage]
    command += ["--epochs", str(args.epochs), "--model-dir", str(model_dir)]
    if args.config:
        command += ["--config", str(args.config)]
    if seed is not None:
        command += ["--seed", str(seed)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


# What the int8 copy's serve stage adds to the figures: its cost in quality, its gain in speed.
INT8_FIGURES = (
    "intent right",
    "entity micro-F1 (tokens, DIETClassifier_report.json)",
    "entity micro-F1 (exact span+type)",
    "artifact MiB",
    "model load s (fresh process)",
    "VmRSS after load MiB (process that only loads)",
    "parse p50 ms",
    "parse p99 ms",
)


def int8_copy(model_dir: Path) -> Path | None:
    """A copy of the trained pipeline whose DIET models serve int8 graphs, as if trained
    with `quantize: true` (the same weights); None when it has no DIET model."""
    target = model_dir.with_name(f"{model_dir.name}-int8")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(model_dir, target)
    diet_models = [path.parent for path in target.glob(f"*/{METADATA_FILE}")]
    for directory in diet_models:
        quantize_exported(directory)
    return target if diet_models else None


def benchmark(args: argparse.Namespace, model_dir: Path, seed: int | None) -> dict[str, Any]:
    """Train and serve in fresh interpreters, then serve the same model with int8 DIET
    graphs; print and return every figure."""
    speed, capability = speed_probe()
    figures = {"dataset": args.dataset, "torch CPU kernels": capability}
    figures.update(run_stage("train", args, model_dir, seed))
    figures["one core's GFLOP/s before / after training"] = f"{speed} / {speed_probe()[0]}"
    figures.update(run_stage("serve", args, model_dir))
    quantized = int8_copy(model_dir)
    if quantized is not None:
        served = run_stage("serve", args, quantized)
        figures.update({f"int8 DIET: {name}": served[name] for name in INT8_FIGURES})
    for name, value in figures.items():
        print(f"{name:50s} {value}", flush=True)
    return figures


def quality(figures: dict[str, Any]) -> dict[str, float]:
    """A run's quality (percentages), train time and latency, then its int8 copy's quality
    and latency (NaN without a DIET model), for the seed table."""
    token_f1 = figures["entity micro-F1 (tokens, DIETClassifier_report.json)"]
    int8_token_f1 = figures.get("int8 DIET: entity micro-F1 (tokens, DIETClassifier_report.json)")
    nan = float("nan")
    return {
        f"intent right of {figures['test examples']}": figures["intent right"],
        "intent accuracy %": 100 * figures["intent accuracy"],
        "intent macro-F1 %": 100 * figures["intent macro-F1"],
        "entity F1 tokens %": nan if token_f1 is None else 100 * token_f1,
        "entity F1 exact %": 100 * figures["entity micro-F1 (exact span+type)"],
        "train time s": figures["train time s"],
        "parse p50 ms": figures["parse p50 ms"],
        "int8: intent right": figures.get("int8 DIET: intent right", nan),
        "int8: entity F1 tokens %": nan if int8_token_f1 is None else 100 * int8_token_f1,
        "int8: parse p50 ms": figures.get("int8 DIET: parse p50 ms", nan),
    }


def seed_table(runs: dict[int, dict[str, Any]]) -> Table:
    """Each seed's quality, then the mean over the seeds, the lowest and the highest."""
    scored = [quality(figures) for figures in runs.values()]
    columns = list(scored[0])
    table = Table("DIET random_seed", *columns)
    for seed, values in zip(runs, scored, strict=True):
        table.add_row(str(seed), *(_cell(c, values[c]) for c in columns))
    table.add_section()
    for label, summary in (("mean", np.mean), ("lowest", np.min), ("highest", np.max)):
        table.add_row(label, *(_cell(c, float(summary([v[c] for v in scored]))) for c in columns))
    return table


def _cell(column: str, value: float) -> str:
    return f"{value:.3f}" if column.endswith(" ms") else f"{value:.2f}"


def seeds_list(text: str) -> list[int]:
    try:
        seeds = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        message = f"not a comma-separated list of integers: {text!r}"
        raise argparse.ArgumentTypeError(message) from None
    if not seeds or len(set(seeds)) != len(seeds):
        raise argparse.ArgumentTypeError(f"give distinct seeds, e.g. 1,2,3 (got {text!r})")
    return seeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", choices=sorted(p.name for p in DATASETS.iterdir()))
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--model-dir", type=Path)
    parser.add_argument("--config", type=Path, help="a config.yml whose pipeline to train")
    parser.add_argument("--stage", choices=("all", "train", "serve"), default="all")
    parser.add_argument("--seed", type=int, help="DIET's random_seed (one run)")
    parser.add_argument(
        "--seeds", type=seeds_list, help="train and score once per seed, e.g. 1,2,3"
    )
    args = parser.parse_args()
    name = f"{args.dataset}-{args.epochs}" + (f"-{args.config.stem}" if args.config else "")
    model_dir = args.model_dir or Path(f"/tmp/myna-bench-nlu-{name}")
    if args.stage == "train":
        figures = train_stage(args.dataset, args.epochs, model_dir, args.config, args.seed)
        print(json.dumps(figures))
    elif args.stage == "serve":
        print(json.dumps(serve_stage(args.dataset, model_dir)))
    elif not args.seeds:
        benchmark(args, model_dir, args.seed)
    else:
        runs = {}
        for seed in args.seeds:
            print(f"--- DIET random_seed {seed}", flush=True)
            runs[seed] = benchmark(args, model_dir.with_name(f"{model_dir.name}-seed{seed}"), seed)
        print(f"\n{args.dataset}, {len(runs)} seeds:")
        Console(width=160).print(seed_table(runs))


if __name__ == "__main__":
    main()
