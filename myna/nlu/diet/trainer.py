"""Training loop for DIET (torch): numpy examples in, trained `DIETModel` out.

Reproducible: with `random_seed` set, python's, numpy's and torch's generators are seeded
and torch runs deterministic algorithms during training, so two trainings on the same data
give identical weights (on the same machine and thread count). Memory stays bounded by the
batch: examples are padded per batch and sparse features stay in index layout; the heap
that recycles activations between batches grows by at most `HEAP_ALLOWANCE_BYTES` (`HeapLimit`).
"""

import copy
import random
from collections.abc import Sequence

import numpy as np
import torch
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from torch.optim.swa_utils import AveragedModel

from myna.nlu.diet.batch_rows import BatchRows
from myna.nlu.diet.config import DIETConfig
from myna.nlu.diet.data import (
    DIETDims,
    DIETExample,
    RowBatch,
    balanced_order,
    collate,
    collate_rows,
    length_batches,
)
from myna.nlu.diet.model import DIETModel, TensorBatch, token_mask
from myna.nlu.diet.parallel import (
    GradientSum,
    Peers,
    run_data_parallel,
    training_processes,
)
from myna.nlu.diet.training_process import (
    HeapLimit,
    deterministic_torch,
    resident_bytes,
    seed_everything,
)

EVAL_BATCH_SIZE = 64
# How far the training processes' heaps may grow, together, above their size at the start.
HEAP_ALLOWANCE_BYTES = 2 << 30
# The metric counts a training step reports (`DIETModel.loss`).
COUNTS = (
    "loss_sum",
    "examples",
    "intent_correct",
    "intent_total",
    "tag_true_positive",
    "tag_predicted",
    "tag_gold",
)


def to_tensors(batch: RowBatch, lookup: BatchRows | None = None) -> TensorBatch:
    """`batch` as tensors; with `lookup`, its feature ids index `lookup.weights`."""
    ids = batch.feature_ids if lookup is None else lookup.local_ids(batch.feature_ids)
    return TensorBatch(
        feature_ids=torch.from_numpy(ids),
        feature_values=torch.from_numpy(batch.feature_values),
        row_sizes=torch.from_numpy(batch.row_sizes),
        mask=torch.from_numpy(batch.mask),
        dense=None if batch.dense is None else torch.from_numpy(batch.dense),
        intent_ids=torch.from_numpy(batch.intent_ids),
        tags={head: torch.from_numpy(tags) for head, tags in batch.tags.items()},
        table=None if lookup is None else lookup.weights,
    )


def epoch_order(
    examples: Sequence[DIETExample], strategy: str, batch_size: int, rng: np.random.Generator
) -> list[int]:
    """Example order for one epoch: shuffled, or Rasa's balanced order (`balanced_order`)."""
    if strategy == "balanced":
        return balanced_order([example.intent_id for example in examples], batch_size, rng)
    return [int(i) for i in rng.permutation(len(examples))]


def label_order(labels: Sequence[int], strategy: str, rng: np.random.Generator) -> list[int]:
    """Order of examples with label ids `labels`: shuffled, or (balanced) labels round-robin.

    TEDPolicy's order. DIET uses `epoch_order`: with skewed labels the round-robin's tail
    is all majority label.
    """
    shuffled = [int(i) for i in rng.permutation(len(labels))]
    if strategy != "balanced":
        return shuffled
    groups: dict[int, list[int]] = {}
    for index in shuffled:
        groups.setdefault(labels[index], []).append(index)
    queues = list(groups.values())
    longest = max(len(queue) for queue in queues)
    return [queue[i] for i in range(longest) for queue in queues if i < len(queue)]


def make_optimizer(model: torch.nn.Module, config: DIETConfig) -> torch.optim.Optimizer:
    """Fused Adam; the L2 term comes in through `add_l2_gradients`, not weight decay."""
    return torch.optim.Adam(model.parameters(), lr=config.learning_rate, fused=True)


@torch.no_grad()
def add_l2_gradients(
    weights: Sequence[torch.Tensor],
    constant: float,
    table: torch.Tensor | None = None,
    rows: torch.Tensor | None = None,
) -> None:
    """Add the gradient 2λw of the L2 term λ·Σw² where the data gradient is positive, as
    Rasa's DIET does. A weight the batch did not reach (a sparse feature absent from it)
    is not pulled towards zero: under Adam, a steady decay on its own would wipe out a
    rare word's or n-gram's row between two sightings, and rare values are what entity
    types like movie names are made of.

    `rows`, if given, are the only rows of `table` (the sparse-input table) with a
    non-zero gradient, the batch's feature ids: only they are visited (SNIPS: a few
    thousand of 41,355 rows)."""

    def add(grad: torch.Tensor, weight: torch.Tensor) -> None:
        grad.add_(torch.where(grad > 0, weight, 0.0), alpha=2 * constant)

    for weight in weights:
        if weight.grad is None:
            continue
        if weight is table and rows is not None:
            grad = weight.grad.index_select(0, rows)
            add(grad, weight.index_select(0, rows))
            weight.grad.index_copy_(0, rows, grad)
        else:
            add(weight.grad, weight)


def summarise(counts: dict[str, float]) -> dict[str, float]:
    """Loss, intent accuracy and entity tag F1 (micro, tokens, `O` excluded) from counts."""
    metrics: dict[str, float] = {}
    if counts.get("examples"):
        metrics["loss"] = counts.get("loss_sum", 0.0) / counts["examples"]
    if counts.get("intent_total"):
        metrics["i_acc"] = counts["intent_correct"] / counts["intent_total"]
    if "tag_gold" in counts:
        denominator = counts["tag_predicted"] + counts["tag_gold"]
        metrics["e_f1"] = 2 * counts["tag_true_positive"] / denominator if denominator else 1.0
    return metrics


def _add(total: dict[str, float], counts: dict[str, float]) -> None:
    for key, value in counts.items():
        total[key] = total.get(key, 0.0) + value


@torch.inference_mode()
def evaluate(model: DIETModel, examples: Sequence[DIETExample]) -> dict[str, float]:
    """Intent accuracy and entity F1 of `model` (inference mode) on labelled examples.

    Batches go by length: the inference path builds [B, T, K, units], so padding costs.
    """
    model.eval()
    counts: dict[str, float] = {}
    order = sorted(range(len(examples)), key=lambda i: examples[i].n_rows)
    for start in range(0, len(order), EVAL_BATCH_SIZE):
        batch = collate([examples[i] for i in order[start : start + EVAL_BATCH_SIZE]])
        mask = torch.from_numpy(batch.mask)
        dense = None if batch.dense is None else torch.from_numpy(batch.dense)
        indices, values = torch.from_numpy(batch.indices), torch.from_numpy(batch.values)
        outputs = model(indices, values, mask, dense)
        if "intent_scores" in outputs:
            predicted = outputs["intent_scores"].argmax(dim=-1)
            correct = float((predicted == torch.from_numpy(batch.intent_ids)).sum())
            _add(counts, {"intent_correct": correct, "intent_total": float(len(predicted))})
        if "entity_logits" in outputs:
            tokens = token_mask(mask)
            tags = model.crfs["entity"].decode(outputs["entity_logits"], tokens)
            gold = torch.from_numpy(batch.tags["entity"])
            _add(
                counts,
                {
                    "tag_true_positive": float(((tags == gold) & (gold > 0)).sum()),
                    "tag_predicted": float(((tags > 0) & tokens).sum()),
                    "tag_gold": float(((gold > 0) & tokens).sum()),
                },
            )
    return summarise(counts)


def _train_epoch(
    model: DIETModel,
    optimizer: torch.optim.Optimizer,
    examples: Sequence[DIETExample],
    batches: list[list[int]],
    tag_metrics: bool,
    peers: Peers,
    heap: HeapLimit,
) -> dict[str, float]:
    """One pass over `batches`; this process trains on its share of each (`Peers.share`).

    Each share's mean loss is weighted by its part of the batch, so the summed gradients
    are those of the whole batch's mean loss. The intent loss's batch negatives are drawn
    from the share (`batch_similarities`): like dropout, they make the steps depend on the
    number of processes, and the processes meet once a step, to sum the gradients. Drawn
    from the whole batch, they cost two more meetings (a gather of the sentence embeddings
    and the sum of its gradients), each a wait for the slower process: SNIPS trained 5 %
    slower (3 epochs, two processes, measured in turns).
    """
    model.train()
    counts: dict[str, float] = {}
    regularised = model.regularised_weights()
    table = model.sparse.embedding.weight
    others = [p for p in model.parameters() if p is not table]
    gradient_sum = GradientSum(peers, table, others)
    for batch in batches:
        part = peers.share(batch)
        # The table's gradient is kept and zeroed row-wise (`BatchRows.clear_gradient`).
        for parameter in others:
            parameter.grad = None
        lookup = BatchRows(table, [examples[i].indices for i in batch])
        if part:
            tensors = to_tensors(collate_rows([examples[i] for i in part]), lookup)
            output = model.loss(tensors, tag_metrics)
            (output.loss * (len(part) / len(batch))).backward()
            _add(counts, output.counts)
        gradient_sum(lookup)
        add_l2_gradients(regularised, model.config.regularization_constant, table, lookup.rows)
        optimizer.step()
        lookup.clear_gradient()
        heap.check()
    return summarise(_sum_counts(counts, peers))


def _sum_counts(counts: dict[str, float], peers: Peers) -> dict[str, float]:
    """The epoch's metric counts summed over the processes (rank 0's keys)."""
    if peers.world == 1:
        return counts
    totals = peers.sum_(torch.tensor([counts.get(key, 0.0) for key in COUNTS], dtype=torch.float64))
    return {key: float(total) for key, total in zip(COUNTS, totals, strict=True) if key in counts}


def _should_evaluate(config: DIETConfig, epoch: int) -> bool:
    last = epoch == config.epochs - 1
    every = config.evaluate_every_number_of_epochs
    return config.evaluate_on_number_of_examples > 0 and (
        last or (every > 0 and (epoch + 1) % every == 0)
    )


def format_metrics(metrics: dict[str, float], prefix: str = "") -> str:
    return "  ".join(f"{prefix}{name} {value:.3f}" for name, value in metrics.items())


def progress_bar(title: str, show: bool) -> Progress:
    """A rich bar over epochs; update its task's `info` field with the metrics."""
    columns = (TextColumn(title), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, TextColumn("{task.fields[info]}"), disable=not show)


def _split(
    examples: Sequence[DIETExample], held_out: int, rng: np.random.Generator
) -> tuple[list[DIETExample], list[DIETExample]]:
    if held_out <= 0:
        return list(examples), []
    if held_out >= len(examples):
        raise ValueError("evaluate_on_number_of_examples must be smaller than the training data")
    order = rng.permutation(len(examples))
    return [examples[i] for i in order[held_out:]], [examples[i] for i in order[:held_out]]


def _check(config: DIETConfig, dims: DIETDims, examples: Sequence[DIETExample]) -> None:
    if not examples:
        raise ValueError("DIET needs at least one training example")
    if config.intent_classification and dims.n_intents == 1:
        raise ValueError("intent classification needs at least two intents")


def train(
    config: DIETConfig,
    dims: DIETDims,
    examples: Sequence[DIETExample],
    show_progress: bool = True,
    title: str = "DIET",
) -> DIETModel:
    """Train DIET on `examples` (targets in `intent_id` and `tags`); return it in eval mode.

    `show_progress` shows a bar over the epochs, headed `title`, with the training loss,
    intent accuracy and entity F1. Large training sets train in several processes
    (`myna.nlu.diet.parallel`).
    """
    _check(config, dims, examples)
    seed = config.random_seed
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    world = training_processes(len(examples))
    arguments = (config, dims, examples, seed, show_progress, title)
    model = run_data_parallel(world, _train_process, arguments)
    assert model is not None
    return model


def _train_process(
    peers: Peers,
    config: DIETConfig,
    dims: DIETDims,
    examples: Sequence[DIETExample],
    seed: int,
    show_progress: bool,
    title: str,
) -> DIETModel | None:
    """The training loop, as run by each process; rank 0 returns the model."""
    # Above each process's own start: rank 0 holds the pipeline and the featurized data
    # besides, and under a shared absolute limit it trimmed, and re-faulted, every batch.
    heap = HeapLimit(resident_bytes() + HEAP_ALLOWANCE_BYTES // peers.world)
    with deterministic_torch():
        seed_everything(seed)
        rng = np.random.default_rng(seed)
        train_set, eval_set = _split(examples, config.evaluate_on_number_of_examples, rng)
        lengths = [example.n_rows for example in train_set]
        model = DIETModel(config, dims)
        if peers.world > 1:
            peers.broadcast_(list(model.state_dict().values()))
            torch.manual_seed(seed + peers.rank)
        optimizer = make_optimizer(model, config)
        best: tuple[float, dict[str, torch.Tensor]] | None = None
        average: AveragedModel | None = None
        leader = peers.rank == 0
        with progress_bar(title, show_progress and leader) as bar:
            task = bar.add_task("epochs", total=config.epochs, info="")
            validation = ""
            for epoch in range(config.epochs):
                size = config.batch_size_at(epoch)
                order = epoch_order(train_set, config.batch_strategy, size, rng)
                batches = length_batches(order, lengths, size, rng)
                metrics = _train_epoch(
                    model, optimizer, train_set, batches, show_progress, peers, heap
                )
                if leader and eval_set and _should_evaluate(config, epoch):
                    scores = evaluate(model, eval_set)
                    validation = format_metrics(scores, "val_")
                    score = scores.get("i_acc", 0.0) + scores.get("e_f1", 0.0)
                    if config.checkpoint_model and (best is None or score > best[0]):
                        best = (score, copy.deepcopy(model.state_dict()))
                bar.update(task, advance=1, info=f"{format_metrics(metrics)}  {validation}")
                if leader and config.averages_epoch(epoch):
                    if average is None:  # a copy of the model, made when it is first needed
                        average = AveragedModel(model)
                    average.update_parameters(model)
        if best is not None:
            model.load_state_dict(best[1])
        elif average is not None:
            model.load_state_dict(average.module.state_dict())
    model.eval()
    return model if leader else None
