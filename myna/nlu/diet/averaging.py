"""The mean of a model's weights over the last epochs (stochastic weight averaging).

DIET trains with a constant learning rate, so its weights still wander from epoch to
epoch at the end of training, and which end point a run stops at moves test accuracy
by several examples from one seed to the next. The mean of the end-of-epoch weights
over the last epochs sits nearer the middle of that region (Izmailov et al., 2018).
"""

import torch
from torch import nn


class WeightAverage:
    """A running sum of a model's parameters, taken when `add` is called."""

    def __init__(self) -> None:
        self._sums: list[torch.Tensor] = []
        self.count = 0

    @torch.no_grad()
    def add(self, model: nn.Module) -> None:
        if not self._sums:
            self._sums = [parameter.clone() for parameter in model.parameters()]
        else:
            for total, parameter in zip(self._sums, model.parameters(), strict=True):
                total.add_(parameter)
        self.count += 1

    @torch.no_grad()
    def load_into(self, model: nn.Module) -> None:
        """Set `model`'s parameters to the mean of those added (the model `add` saw)."""
        for parameter, total in zip(model.parameters(), self._sums, strict=True):
            parameter.copy_(total / self.count)
