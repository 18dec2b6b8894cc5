"""Data-parallel training: one single-threaded process per core, each on part of a batch.

At DIET's matrix sizes torch's intra-op threads leave a second core mostly idle: SNIPS on
two threads ran at 135 % CPU and no faster than on one. Two processes of one thread each
trained SNIPS 1.45 times as fast here (about what the two cores give at all: two
single-threaded matrix products at once ran at 45 GFLOP/s each, one alone at 62).

Every process runs the same loop over the same batches (same seed), takes its share of
each batch (`Peers.share`), and the processes sum their gradients (`GradientSum`, in a
file they all map, `SharedSum`) before the L2 term and Adam's step, so all take the same
step and hold the same weights; that sum is the only point in a step where they wait for
each other (the intent loss's batch negatives come from each process's own share). The
calling process is rank 0 and keeps the model; the others are started for the run
(`myna.nlu.diet.peer`) and exit with it. gloo (over loopback) connects them for barriers
and small sums.

`MYNA_TRAINING_PROCESSES` sets the number of processes; by default one per usable core
(`usable_cores`: a container's CPU limit counts), with at least `EXAMPLES_PER_PROCESS`
examples each (starting a process costs a few seconds, which a small training set would
not win back). Results are reproducible for a given seed and process count.
"""

import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import torch
import torch.distributed as dist
from torch import nn

from myna.nlu.diet.batch_rows import BatchRows

PROCESSES_ENV = "MYNA_TRAINING_PROCESSES"
EXAMPLES_PER_PROCESS = 2000
# How long a process waits for the others (start-up, rank 0's validation passes).
PEER_TIMEOUT = timedelta(minutes=10)

Result = TypeVar("Result")


def training_processes(n_examples: int) -> int:
    """How many processes train on `n_examples` (see the module docstring)."""
    configured = os.environ.get(PROCESSES_ENV, "").strip()
    if configured:
        if not configured.isdigit() or int(configured) < 1:
            raise ValueError(f"{PROCESSES_ENV} must be a whole number ≥ 1, not {configured!r}")
        return int(configured)
    return max(1, min(usable_cores(), n_examples // EXAMPLES_PER_PROCESS))


def usable_cores(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """Cores this process may run on: its CPU affinity, capped by a cgroup CPU quota (a
    container's CPU limit, which affinity does not show), rounded down."""
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    quota = cgroup_cpu_quota(cgroup)
    return cores if quota is None else min(cores, max(1, int(quota)))


def cgroup_cpu_quota(cgroup: Path) -> float | None:
    """CPUs allowed by the cgroup's quota (v2 `cpu.max`, v1 `cpu.cfs_quota_us`), or None."""
    try:
        if (cgroup / "cpu.max").exists():
            quota, period = (cgroup / "cpu.max").read_text().split()[:2]
        else:
            quota = (cgroup / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (cgroup / "cpu" / "cpu.cfs_period_us").read_text().strip()
    except (OSError, ValueError):
        return None
    if quota in ("max", "-1"):
        return None
    return int(quota) / int(period)


@dataclass(frozen=True)
class Peers:
    """This process's place among the training processes."""

    rank: int = 0
    world: int = 1
    # The run's own folder, shared by its processes (None for one process).
    folder: Path | None = None

    def share(self, batch: Sequence[int]) -> list[int]:
        """This process's part of a batch, dealt in snake order: in each round of `world`
        examples rank r takes the r-th, in every other round the r-th from the end. Batches
        are sorted by length, so the parts cost about the same; dealt in plain turns, the
        last rank got the longer example of every round and the others waited for it."""
        world, rank = self.world, self.rank

        def taker(position: int) -> int:
            turn = position % world
            return turn if (position // world) % 2 == 0 else world - 1 - turn

        return [example for i, example in enumerate(batch) if taker(i) == rank]

    def sum_(self, tensor: torch.Tensor) -> torch.Tensor:
        """Sum `tensor` over the processes, in place."""
        if self.world > 1:
            dist.all_reduce(tensor)
        return tensor

    def broadcast_(self, tensors: Sequence[torch.Tensor]) -> None:
        """Overwrite `tensors` with rank 0's."""
        if self.world > 1:
            for tensor in tensors:
                dist.broadcast(tensor, src=0)


class SharedSum:
    """Sums float32 vectors over the processes through a file all of them map.

    A gloo all-reduce over loopback moves the data through the kernel's sockets: a SNIPS
    step's 9 MB of gradients took about 14 ms, an eighth of a step at batch size 64. Here
    each process writes its values straight into its own region of the mapping, sums its
    share of the positions over all regions into the result region, and copies the result
    out; two gloo barriers (about 0.35 ms each) order the phases. The sum runs in rank
    order, so it is reproducible.
    """

    def __init__(self, peers: Peers, path: Path, capacity: int) -> None:
        self.peers = peers
        self.capacity = capacity
        regions = peers.world + 1
        mapped = torch.from_file(
            str(path), shared=True, size=regions * capacity, dtype=torch.float32
        )
        self.regions = mapped.view(regions, capacity)

    def __call__(self, parts: Sequence[torch.Tensor]) -> torch.Tensor:
        """Sum the float32 `parts`, flattened one after the other (as many values in every
        process), over the processes; return the sums as a new 1-D tensor."""
        size = sum(part.numel() for part in parts)
        if size > self.capacity:
            raise ValueError(f"{size} values do not fit the shared sum's {self.capacity}")
        rank, world = self.peers.rank, self.peers.world
        torch.cat([part.reshape(-1) for part in parts], out=self.regions[rank, :size])
        dist.barrier()
        start, end = rank * size // world, (rank + 1) * size // world
        total = self.regions[world, start:end]
        total.copy_(self.regions[0, start:end])
        for other in range(1, world):
            total.add_(self.regions[other, start:end])
        dist.barrier()
        return self.regions[world, :size].clone()


class GradientSum:
    """Sums a model's gradients over the processes after each backward pass.

    The sparse-input table's gradient is zero outside the rows of the batch's features, so
    only those rows travel (`BatchRows`; a few thousand of SNIPS's 41,355), with the other
    gradients, as one flat vector through a `SharedSum`.
    """

    def __init__(self, peers: Peers, table: nn.Parameter, others: Sequence[nn.Parameter]):
        self.peers = peers
        self.others = list(others)
        self.shared: SharedSum | None = None
        if peers.world > 1:
            if peers.folder is None:
                raise ValueError("processes that sum gradients need a shared folder")
            capacity = table.numel() + sum(p.numel() for p in self.others)
            self.shared = SharedSum(peers, peers.folder / "gradients", capacity)

    def __call__(self, lookup: BatchRows) -> None:
        """Sum the gradients and write the table's (`BatchRows.write_gradient`)."""
        if self.shared is None:
            lookup.write_gradient(lookup.gradient())
            return
        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in self.others]
        grads.append(lookup.gradient())
        sizes = [grad.numel() for grad in grads]
        summed = self.shared(grads).split(sizes)
        for parameter, grad in zip(self.others, summed[:-1], strict=True):
            parameter.grad = grad.view_as(parameter)
        lookup.write_gradient(summed[-1].view_as(lookup.weights))


@contextmanager
def _process_group(peers: Peers, store: str) -> Iterator[None]:
    """Join the gloo group; leave it once every process is done (a barrier first, so no
    process tears its connections down under another's last collective)."""
    dist.init_process_group(
        "gloo",
        init_method=f"file://{store}",
        rank=peers.rank,
        world_size=peers.world,
        timeout=PEER_TIMEOUT,
    )
    try:
        yield
        dist.barrier()
    finally:
        dist.destroy_process_group()


@contextmanager
def _one_thread() -> Iterator[None]:
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def serve_as_peer(argv: Sequence[str]) -> None:
    """Entry of a spawned process (`python -m myna.nlu.diet.peer JOB RANK WORLD`): load the
    job rank 0 wrote, say it is ready, join the group and run the target."""
    job, rank, world = Path(argv[0]), int(argv[1]), int(argv[2])
    with job.open("rb") as file:
        target, args = pickle.load(file)
    torch.set_num_threads(1)
    peers = Peers(rank, world, job.parent)
    (job.parent / f"ready-{rank}").touch()
    with _process_group(peers, str(job.parent / "rendezvous")):
        target(peers, *args)
    # Straight out: gloo's threads, torn down in the interpreter's finalization, sometimes
    # abort the process ("terminate called without an active exception").
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _start_peers(world: int, job: Path) -> list[subprocess.Popen[bytes]]:
    """Start ranks 1.. as fresh interpreters. Not `multiprocessing`: its spawned processes
    re-import the caller's main module, which re-runs any script without a main guard."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, sys.path))}
    command = [sys.executable, "-m", "myna.nlu.diet.peer", str(job)]
    return [
        subprocess.Popen([*command, str(rank), str(world)], env=environment)
        for rank in range(1, world)
    ]


def _await_ready(peers: Sequence[subprocess.Popen[bytes]], folder: Path) -> None:
    """Wait until every peer has loaded its job; a peer that exits first fails the run."""
    deadline = time.monotonic() + PEER_TIMEOUT.total_seconds()
    for rank, process in enumerate(peers, start=1):
        while not (folder / f"ready-{rank}").exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"training process {rank} did not start ({process.returncode})")
            time.sleep(0.02)


def run_data_parallel(world: int, target: Callable[..., Result], args: tuple[Any, ...]) -> Result:
    """Run `target(peers, *args)` in `world` processes; return rank 0's (this process's)
    result. `target` and `args` must pickle. A failed process fails the whole run."""
    if world == 1:
        return target(Peers(), *args)
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    with tempfile.TemporaryDirectory(prefix="myna-peers-") as name:
        folder = Path(name)
        job = folder / "job.pickle"
        with job.open("wb") as file:
            pickle.dump((target, args), file, protocol=pickle.HIGHEST_PROTOCOL)
        others = _start_peers(world, job)
        try:
            _await_ready(others, folder)
            leader = Peers(0, world, folder)
            with _one_thread(), _process_group(leader, str(folder / "rendezvous")):
                result = target(leader, *args)
        except Exception as error:
            failed = _reap(others, patience=5)
            if failed:
                raise _peers_failed(failed) from error
            raise
        except BaseException:
            _reap(others, patience=0)
            raise
        failed = _reap(others, patience=60)
        if failed:
            raise _peers_failed(failed)
        return result


def _peers_failed(exit_codes: list[int]) -> RuntimeError:
    return RuntimeError(f"a training process failed (exit codes {exit_codes})")


def _reap(processes: Sequence[subprocess.Popen[bytes]], patience: float) -> list[int]:
    """Wait up to `patience` seconds for `processes` to end, kill what is left; return the
    non-zero exit codes."""
    deadline = time.monotonic() + patience
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return [process.returncode for process in processes if process.returncode != 0]
