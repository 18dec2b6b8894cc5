"""How a training process runs: seeded, with deterministic torch, and a bounded heap."""

import ctypes
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch

# glibc's mallopt parameter numbers (malloc.h: M_TRIM_THRESHOLD, M_MMAP_THRESHOLD).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# The largest mmap threshold glibc accepts on 64-bit (HEAP_MAX_SIZE / 2).
_MMAP_THRESHOLD_MAX = 32 << 20


def seed_everything(seed: int) -> None:
    """Seed python's `random`, numpy's legacy global generator and torch."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def resident_bytes() -> int:
    """This process's resident set size (Linux `/proc/self/statm`; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


class HeapLimit:
    """Reuse freed activations from glibc's heap; give its free pages back past a limit.

    A training step allocates hundreds of MiB of activations whose sizes change with every
    batch. Mapped afresh for each batch (glibc's mmap path, which the trainer used to force
    for blocks of 1 MiB or more), every 4 KiB page costs a fault on first touch: a third of
    an ATIS step on one thread, more on two. Kept in the heap they are reused, but the heap
    fragments and its resident size keeps growing (past 3 GiB after 14 ATIS epochs). So big
    blocks come from the heap, the heap top is not trimmed on every free, and `check`, after
    each batch, releases all free heap pages (`malloc_trim`) once the process holds more than
    `limit` bytes. Process-wide; a no-op where the C library is not glibc.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        libc = ctypes.CDLL(None)
        self._trim = getattr(libc, "malloc_trim", None)
        if hasattr(libc, "mallopt"):
            libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_MAX)
            libc.mallopt(_M_TRIM_THRESHOLD, 1 << 30)

    def check(self) -> None:
        """Release the heap's free pages if the process holds more than `limit` bytes."""
        if self._trim is not None and resident_bytes() > self.limit:
            self._trim(0)


@contextmanager
def deterministic_torch() -> Iterator[None]:
    """Run torch with deterministic algorithms, restoring the previous settings afterwards.

    Without the NaN fill of uninitialized memory that comes with them: a debugging aid
    (nothing here reads memory before writing it) that costs a pass over every `empty`
    tensor, e.g. two over SNIPS's 21 MB sparse-input gradient per batch.

    Denormal floats are flushed to zero. Adam's first moment of a sparse-input row the
    batches stop reaching decays by 0.9 a step, into the denormal range after some
    hundreds of steps and through it for another 150, and most of the table's rows are
    rare. A fused Adam step over SNIPS's table with denormal moments took 7.4 ms here
    instead of 4.3 ms; with the flush, 4.5 ms. torch has no getter for the flag, so it is
    turned off afterwards (a thread's default).
    """
    previous = torch.are_deterministic_algorithms_enabled()
    previous_fill = torch.utils.deterministic.fill_uninitialized_memory
    torch.use_deterministic_algorithms(True)
    torch.utils.deterministic.fill_uninitialized_memory = False
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(False)
        torch.use_deterministic_algorithms(previous)
        torch.utils.deterministic.fill_uninitialized_memory = previous_fill
