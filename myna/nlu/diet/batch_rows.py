"""The rows of the sparse-input table a training batch uses, looked up as a leaf of their own.

The table (one row per sparse feature; SNIPS: 41,355 × 128, 21 MB) gets a gradient only on
the rows of the batch's features, a few thousand. Looked up through autograd, the embedding
backward still builds a zero-filled gradient as large as the whole table on every batch, and
that fill, on freshly mapped pages, cost a SNIPS step 7-10 ms. So a batch trains on a
copy of its rows (`BatchRows.weights`, a leaf) with its feature ids renumbered into that
copy, and its gradient is written into the table's gradient, a buffer kept across batches
and zero outside the rows in use (`write_gradient`, `clear_gradient`). Adam then sees the
same dense gradient as before.
"""

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn


class BatchRows:
    """The table rows in a batch's `indices` arrays (padding, id 0, excluded), sorted."""

    def __init__(self, table: nn.Parameter, batch: Sequence[np.ndarray]) -> None:
        used = np.zeros(table.shape[0], dtype=bool)
        for indices in batch:
            used[indices] = True
        used[0] = False
        self.table = table
        self.rows = torch.from_numpy(np.flatnonzero(used))
        self._positions = np.cumsum(used) - 1
        self.weights = table.detach().index_select(0, self.rows).requires_grad_()

    def local_ids(self, feature_ids: np.ndarray) -> np.ndarray:
        """Feature ids (table rows) of the batch as row numbers of `weights`."""
        return self._positions[feature_ids]

    def gradient(self) -> torch.Tensor:
        """The rows' gradient (zeros if this process had no part of the batch)."""
        if self.weights.grad is None:
            return torch.zeros_like(self.weights)
        return self.weights.grad

    def write_gradient(self, gradient: torch.Tensor) -> None:
        """Make `gradient` [rows, units] the table's gradient, zero on the other rows."""
        if self.table.grad is None:
            self.table.grad = torch.zeros_like(self.table)
        self.table.grad.index_copy_(0, self.rows, gradient)

    def clear_gradient(self) -> None:
        """Zero the table's gradient again (after the optimizer step)."""
        if self.table.grad is not None:
            self.table.grad.index_fill_(0, self.rows, 0.0)
